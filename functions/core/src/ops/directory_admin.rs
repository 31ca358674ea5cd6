//! The school directory as operations keep it (O1): importing the public
//! register's extract through the console, and correcting one entry. The
//! parsing, writing and indexing are `directory`'s; this adds what an HTTP
//! caller needs.
//!
//! The register's extract is tens of megabytes, more than one Lambda request
//! may carry, so the console sends it in parts (each with the header row) and
//! shows progress as each part's report comes back. Writing a school is an
//! upsert, so a part sent twice, or a whole file imported again, changes
//! nothing and duplicates nothing.

use gatehouse_model::{DirectoryImportReport, DirectorySchool, SkippedRow, UpdateDirectorySchool};

use crate::{Error, Gatehouse, Result, SchoolUrn, registry::directory};

/// Largest part accepted in one request: well under API Gateway's and
/// Lambda's payload limits, and a few thousand register rows.
pub const MAX_PART_BYTES: usize = 1_000_000;

/// Imports one part of a register extract (its header row first). `first_line`
/// is the line in the whole file of the part's first data row, so skipped
/// rows are reported by their line in the file.
pub async fn import_part(gatehouse: &Gatehouse, csv: &str, first_line: Option<u64>) -> Result<DirectoryImportReport> {
    if csv.len() > MAX_PART_BYTES {
        return Err(Error::invalid("file", "send the register in parts of at most 1 MB, each with the header row"));
    }
    if csv.trim().is_empty() {
        return Err(Error::invalid("file", "the file is empty"));
    }
    // Line 1 is the header: the first data row is line 2 or later (issue 18).
    if first_line.is_some_and(|line| line < 2) {
        return Err(Error::invalid("first_line", "the part's first data row is line 2 of the file or later"));
    }
    let shift = first_line.unwrap_or(2) - 2;
    let report = directory::import(gatehouse.table.as_ref(), csv.as_bytes(), 0, |_| {}).await?;
    tracing::info!(
        rows = report.rows,
        created = report.created,
        updated = report.updated,
        skipped = report.skipped.len(),
        "directory part imported"
    );
    Ok(DirectoryImportReport {
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        skipped: report.skipped.into_iter().map(|(line, reason)| SkippedRow { line: line + shift, reason }).collect(),
    })
}

fn text(field: &'static str, value: &str, max: usize, what: &str) -> Result<String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Error::invalid(field, format!("keep {what} under {max} characters")));
    }
    Ok(value.to_owned())
}

/// The school's email domains as operations give them: each a bare domain
/// (a website address is cut down to its host), never a shared one.
fn verified_domains(raw: &[String]) -> Result<Vec<String>> {
    if raw.len() > 10 {
        return Err(Error::invalid("email_domains", "give at most 10 domains"));
    }
    let mut domains = Vec::new();
    for entry in raw.iter().map(|entry| entry.trim()).filter(|entry| !entry.is_empty()) {
        let domain = crate::registry::domains::school_domain(entry.trim_start_matches('@')).ok_or_else(|| {
            Error::invalid(
                "email_domains",
                format!("{entry:?} is not a domain only the school's staff can have (free-mail and shared hosts do not count)"),
            )
        })?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

/// Corrects one entry; its search words follow. An unknown URN is not found:
/// new register schools come from an import, international ones from an
/// accepted request.
pub async fn edit(gatehouse: &Gatehouse, urn: &SchoolUrn, update: &UpdateDirectorySchool) -> Result<DirectorySchool> {
    let table = gatehouse.table.as_ref();
    let current = directory::get(table, urn).await?.ok_or(Error::NotFound("school"))?;
    let name = text("name", &update.name, 200, "the name")?;
    if name.is_empty() {
        return Err(Error::invalid("name", "give the school's name"));
    }
    let school = DirectorySchool {
        urn: urn.as_str().to_owned(),
        name,
        // Required (an international school's is its country or region);
        // its postcode and phase may be empty.
        local_authority: Some(text("local_authority", &update.local_authority, 100, "the local authority")?)
            .filter(|authority| !authority.is_empty())
            .ok_or_else(|| Error::invalid("local_authority", "give the local authority"))?,
        postcode: text("postcode", &update.postcode, 10, "the postcode")?.to_uppercase(),
        phase: text("phase", &update.phase, 60, "the phase")?,
        status: update.status,
        email_domains: match &update.email_domains {
            Some(domains) => verified_domains(domains)?,
            None => current.email_domains,
        },
    };
    directory::upsert(table, &school, directory::Domains::Replace).await?;
    tracing::info!(urn = urn.as_str(), "directory entry edited");
    Ok(school)
}
