//! The school directory as operations keep it (O1): importing the public
//! register's extract through the console, and correcting one entry. The
//! parsing, writing and indexing are `directory`'s; this adds what an HTTP
//! caller needs.
//!
//! The register's extract is tens of megabytes, more than one Lambda request
//! may carry, so the console sends it in parts (each with the header row) and
//! shows progress as each part's job (#15) ends with its report. Writing a
//! school is an upsert, so a part sent twice, or a whole file imported again,
//! changes nothing and duplicates nothing.

use gatehouse_model::{
    DirectoryImportReport, DirectorySchool, JobAccepted, JobKind, JobProgress, JobResult, SkippedRow,
    UpdateDirectorySchool,
};
use serde::{Deserialize, Serialize};

use crate::registry::directory::{self, Domains, Upsert};
use crate::school::portal_data::OPS_JOBS_PATH;
use crate::store::background::{self, JobOwner, NewJob, Running};
use crate::{Error, Gatehouse, Result, SchoolUrn};

/// Largest part accepted in one request: well under API Gateway's and
/// Lambda's payload limits, and a few thousand register rows.
pub const MAX_PART_BYTES: usize = 1_000_000;

/// Rows between two records of an import's progress when none is written.
const PROGRESS_EVERY: u64 = 50;

/// What an import's job needs besides the part itself.
#[derive(Debug, Serialize, Deserialize)]
struct ImportInput {
    /// The line in the whole file of the part's first data row.
    first_line: u64,
}

/// How far an import's job has got, kept with the job in the transaction
/// of each school it writes: a retried attempt carries on from there with
/// the counts so far, so each row is counted once, as in a clean run.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ImportCheckpoint {
    /// Rows read so far.
    next: u64,
    report: DirectoryImportReport,
}

/// Accepts one part of a register extract (its header row first) as a job
/// (#15) that writes its schools. A part that is too large, empty, or not
/// the register's CSV is refused at once with nothing stored. `first_line`
/// is the line in the whole file of the part's first data row, so skipped
/// rows are reported by their line in the file. A retry with the same
/// `Idempotency-Key` gets the same job.
pub async fn import_part(
    gatehouse: &Gatehouse,
    csv: &str,
    first_line: Option<u64>,
    idempotency_key: Option<&str>,
) -> Result<JobAccepted> {
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
    // Read whole here: a part that is not the register's is refused now.
    let rows = directory::parse_gias(csv.as_bytes())?.count() as u64;
    let input = ImportInput { first_line: first_line.unwrap_or(2) };
    let new = NewJob {
        kind: JobKind::ImportDirectory,
        owner: JobOwner::Ops,
        idempotency_key,
        input: serde_json::to_value(&input).map_err(|error| Error::Unavailable(error.into()))?,
        found: None,
        payload: Some(csv),
        total: Some(rows),
    };
    let job = background::accept(gatehouse, new, |_| async { Ok(Vec::new()) }).await?;
    Ok(job.accepted(OPS_JOBS_PATH))
}

/// An import's job: writes each school of the part (an upsert, so a part
/// imported twice changes nothing), each school's writes committed with the
/// job's checkpoint, and ends with what the part did.
pub async fn import_job(gatehouse: &Gatehouse, job: &mut Running) -> Result<()> {
    let unavailable = |error: serde_json::Error| Error::Unavailable(error.into());
    let input: ImportInput = serde_json::from_value(job.record.input.clone()).map_err(unavailable)?;
    let csv = job.payload(gatehouse).await?;
    let mut at: ImportCheckpoint = match job.record.found.clone() {
        Some(found) => serde_json::from_value(found).map_err(unavailable)?,
        None => ImportCheckpoint::default(),
    };
    let total = job.record.progress.and_then(|progress| progress.total);
    let shift = input.first_line.saturating_sub(2);
    let mut unrecorded = 0;
    for (line, row) in directory::parse_gias(csv.as_bytes())?.skip(at.next as usize) {
        at.next += 1;
        at.report.rows += 1;
        unrecorded += 1;
        let mut writes = Vec::new();
        match row {
            Ok(school) => {
                let (upsert, school_writes) =
                    directory::plan(gatehouse.table.as_ref(), &school, Domains::KeepExisting).await?;
                let count = match upsert {
                    Upsert::Created => &mut at.report.created,
                    Upsert::Updated => &mut at.report.updated,
                    Upsert::Unchanged => &mut at.report.unchanged,
                };
                *count += 1;
                writes = school_writes;
            }
            Err(reason) => at.report.skipped.push(SkippedRow { line: line + shift, reason }),
        }
        if writes.is_empty() && unrecorded < PROGRESS_EVERY {
            continue;
        }
        job.record.found = Some(serde_json::to_value(&at).map_err(unavailable)?);
        job.record.progress = Some(JobProgress { done: at.next, total });
        writes.push(job.record_write(gatehouse));
        gatehouse.table.transact(writes).await?;
        job.recorded();
        unrecorded = 0;
    }
    let report = at.report;
    tracing::info!(
        rows = report.rows,
        created = report.created,
        updated = report.updated,
        skipped = report.skipped.len(),
        "directory part imported"
    );
    job.done(gatehouse, JobResult::DirectoryImport(report)).await
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
