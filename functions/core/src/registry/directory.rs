//! The directory of schools in England and Wales (P7, O1), imported from the
//! public register's CSV extract (GIAS "edubase": `URN`, `EstablishmentName`,
//! `LA (name)`, `Postcode`, `EstablishmentStatus (name)`,
//! `PhaseOfEducation (name)`, …; other columns are ignored).
//!
//! Search is answered from an index, never a scan: every school has one
//! index item per search word (name and LA words, URN, postcode whole and in
//! halves), under a partition named by the word's first two characters. A
//! query reads one partition by prefix with its longest word and narrows by
//! the other words in memory; the index items carry what a result shows, so
//! a search is one Query.

use std::collections::BTreeSet;
use std::io::Read;

use gatehouse_model::{DirectoryQuery, DirectoryResults, DirectorySchool, EstablishmentStatus};
use serde::{Deserialize, Serialize};

use crate::base::keys::{Key, directory_term_partition};
use crate::base::ports::{Condition, Index, Query, Table, TransactWrite};
use crate::store::records::from_item;
use crate::store::records::plain_item;
use crate::{Error, Gatehouse, Result, SchoolUrn};

/// Results a search returns at most.
pub const MAX_RESULTS: usize = 20;
/// Index items one search reads at most (one DynamoDB page of small items).
const MAX_SCANNED: u32 = 400;

/// A school as stored, with the search words it is indexed under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryRecord {
    pub school: DirectorySchool,
    pub terms: BTreeSet<String>,
}

/// Lower-cased alphanumeric words of at least two characters.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| word.chars().count() >= 2).map(str::to_lowercase)
}

/// Every word a school can be found by.
pub fn search_terms(school: &DirectorySchool) -> BTreeSet<String> {
    let mut terms: BTreeSet<String> = words(&school.name).chain(words(&school.local_authority)).collect();
    // International ids (`INT000001`) are typed in any case.
    terms.insert(school.urn.to_lowercase());
    let postcode = school.postcode.to_lowercase();
    terms.extend(words(&postcode));
    let whole: String = postcode.chars().filter(|c| c.is_alphanumeric()).collect();
    if whole.len() >= 2 {
        terms.insert(whole);
    }
    terms
}

/// One row of the register, or why it was skipped.
pub type ParsedRow = std::result::Result<DirectorySchool, String>;

#[derive(Debug, Deserialize)]
struct GiasRow {
    #[serde(rename = "URN")]
    urn: String,
    #[serde(rename = "EstablishmentName")]
    name: String,
    #[serde(rename = "LA (name)")]
    local_authority: String,
    #[serde(rename = "Postcode", default)]
    postcode: String,
    #[serde(rename = "EstablishmentStatus (name)")]
    status: String,
    #[serde(rename = "PhaseOfEducation (name)", default)]
    phase: String,
    #[serde(rename = "SchoolWebsite", default)]
    website: String,
}

/// Reads a GIAS extract (UTF-8, with or without a BOM). Rows come back one by
/// one so an import can report progress and skip bad rows by line number.
pub fn parse_gias(reader: impl Read) -> Result<impl Iterator<Item = (u64, ParsedRow)>> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(SkipBom::new(reader));
    let headers = csv.headers().map_err(|e| Error::invalid("file", format!("not a CSV file: {e}")))?.clone();
    for required in ["URN", "EstablishmentName", "LA (name)", "EstablishmentStatus (name)"] {
        if !headers.iter().any(|header| header == required) {
            return Err(Error::invalid("file", format!("the register's column {required:?} is missing")));
        }
    }
    Ok(csv.into_deserialize::<GiasRow>().enumerate().map(|(index, row)| {
        // Line 1 is the header.
        let line = index as u64 + 2;
        let parsed = row.map_err(|e| format!("unreadable row: {e}")).and_then(school_of);
        (line, parsed)
    }))
}

fn school_of(row: GiasRow) -> ParsedRow {
    let urn = SchoolUrn::parse(&row.urn)
        .ok()
        .filter(|urn| !urn.is_international())
        .ok_or_else(|| format!("URN {:?} is not 6 or 7 digits", row.urn))?;
    let name = row.name.trim();
    if name.is_empty() {
        return Err("the school has no name".to_owned());
    }
    let status = if row.status.trim().to_lowercase().starts_with("open") {
        EstablishmentStatus::Open
    } else {
        EstablishmentStatus::Closed
    };
    Ok(DirectorySchool {
        urn: urn.as_str().to_owned(),
        name: name.to_owned(),
        local_authority: row.local_authority.trim().to_owned(),
        postcode: row.postcode.trim().to_uppercase(),
        phase: row.phase.trim().to_owned(),
        status,
        // The register's website proposes the school's email domain (#12);
        // operations confirm or correct it, and a shared host never counts.
        email_domains: crate::registry::domains::school_domain(&row.website).into_iter().collect(),
    })
}

/// What writing one school did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Created,
    Updated,
    Unchanged,
}

/// Creates or updates one school and its index items. Re-importing the same
/// row changes nothing; a renamed school loses its old words.
/// Whose word a school's email domains are in an upsert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domains {
    /// An import's proposal: the entry's existing domains, if any, stay.
    KeepExisting,
    /// Operations' edit: the given domains replace the entry's.
    Replace,
}

pub async fn upsert(table: &dyn Table, school: &DirectorySchool, domains: Domains) -> Result<Upsert> {
    let (upsert, writes) = plan(table, school, domains).await?;
    if !writes.is_empty() {
        table.transact(writes).await?;
    }
    Ok(upsert)
}

/// What [`upsert`] would do, and its writes (none when unchanged), for a
/// caller that commits them with writes of its own (an import's job).
pub async fn plan(
    table: &dyn Table,
    school: &DirectorySchool,
    domains: Domains,
) -> Result<(Upsert, Vec<TransactWrite>)> {
    let urn = SchoolUrn::parse(&school.urn)?;
    let key = Key::DirectorySchool(&urn);
    let existing = table.get(&key.pk(), &key.sk()).await?;
    let previous: Option<(DirectoryRecord, u64)> = match &existing {
        Some(item) => Some((from_item(item)?, item.version)),
        None => None,
    };
    let mut school = school.clone();
    // Domains operations confirmed outlive a re-import that proposes others.
    if let Some((record, _)) = &previous
        && !record.school.email_domains.is_empty()
        && domains == Domains::KeepExisting
    {
        school.email_domains = record.school.email_domains.clone();
    }
    let school = &school;
    if previous.as_ref().is_some_and(|(record, _)| &record.school == school) {
        return Ok((Upsert::Unchanged, Vec::new()));
    }
    let writes = entry_writes(&urn, school, previous.as_ref());
    Ok((if previous.is_some() { Upsert::Updated } else { Upsert::Created }, writes))
}

/// The writes that add a school not in the directory yet (conditional on
/// that), for the transaction of what adds it (issue 18).
pub fn new_entry_writes(school: &DirectorySchool) -> Result<Vec<TransactWrite>> {
    let urn = SchoolUrn::parse(&school.urn)?;
    Ok(entry_writes(&urn, school, None))
}

fn entry_writes(
    urn: &SchoolUrn,
    school: &DirectorySchool,
    previous: Option<&(DirectoryRecord, u64)>,
) -> Vec<TransactWrite> {
    let key = Key::DirectorySchool(urn);
    let record = DirectoryRecord { school: school.clone(), terms: search_terms(school) };
    let (version, condition) = match previous {
        Some((_, version)) => (version + 1, Condition::VersionIs(*version)),
        None => (1, Condition::NotExists),
    };
    let mut writes = vec![TransactWrite::Put { item: plain_item(&key, &record, version), condition }];
    if let Some((old, _)) = previous {
        for stale in old.terms.difference(&record.terms) {
            let term_key = Key::DirectoryTerm(stale, urn);
            writes.push(TransactWrite::Delete { pk: term_key.pk(), sk: term_key.sk(), condition: Condition::Always });
        }
    }
    for term in &record.terms {
        let term_key = Key::DirectoryTerm(term, urn);
        let item = plain_item(&term_key, &record, 1);
        writes.push(TransactWrite::Put { item, condition: Condition::Always });
    }
    writes
}

/// Progress and outcome of an import.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// `(line, reason)` of rows skipped; the rest of the file still imports.
    pub skipped: Vec<(u64, String)>,
}

/// Imports a whole extract, calling `progress` every `every` rows.
pub async fn import(
    table: &dyn Table,
    reader: impl Read,
    every: u64,
    mut progress: impl FnMut(&ImportReport),
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    for (line, row) in parse_gias(reader)? {
        report.rows += 1;
        match row {
            Ok(school) => match upsert(table, &school, Domains::KeepExisting).await? {
                Upsert::Created => report.created += 1,
                Upsert::Updated => report.updated += 1,
                Upsert::Unchanged => report.unchanged += 1,
            },
            Err(reason) => report.skipped.push((line, reason)),
        }
        if every > 0 && report.rows.is_multiple_of(every) {
            progress(&report);
        }
    }
    progress(&report);
    Ok(report)
}

/// One school by URN.
pub async fn get(table: &dyn Table, urn: &SchoolUrn) -> Result<Option<DirectorySchool>> {
    let key = Key::DirectorySchool(urn);
    match table.get(&key.pk(), &key.sk()).await? {
        Some(item) => Ok(Some(from_item::<DirectoryRecord>(&item)?.school)),
        None => Ok(None),
    }
}

/// Schools matching every word typed (each word a prefix of one of the
/// school's words): name, URN, local authority or postcode.
pub async fn search(gatehouse: &Gatehouse, asked: &DirectoryQuery) -> Result<DirectoryResults> {
    let table = gatehouse.table.as_ref();
    let typed: Vec<String> = words(&asked.q).collect();
    let Some(probe) = typed.iter().max_by_key(|word| word.len()).cloned() else {
        return Err(Error::invalid("q", "type at least two letters or digits"));
    };
    let query = Query {
        limit: Some(MAX_SCANNED),
        ..Query::partition(Index::Primary, directory_term_partition(&probe)).with_prefix(probe.clone())
    };
    let page = table.query(query).await?;
    let mut seen = BTreeSet::new();
    let mut matches: Vec<DirectorySchool> = Vec::new();
    for item in &page.items {
        let record: DirectoryRecord = from_item(item)?;
        let all_words_match = typed.iter().all(|word| record.terms.iter().any(|term| term.starts_with(word.as_str())));
        if all_words_match && seen.insert(record.school.urn.clone()) {
            matches.push(record.school);
        }
    }
    matches.sort_by(|a, b| {
        (a.status != EstablishmentStatus::Open, a.name.to_lowercase())
            .cmp(&(b.status != EstablishmentStatus::Open, b.name.to_lowercase()))
    });
    let truncated = matches.len() > MAX_RESULTS || page.next.is_some();
    matches.truncate(MAX_RESULTS);
    Ok(DirectoryResults { items: matches, truncated })
}

/// Drops a UTF-8 byte-order mark (Excel writes one) before the CSV reader.
struct SkipBom<R> {
    inner: R,
    checked: bool,
    pending: Vec<u8>,
}

impl<R: Read> SkipBom<R> {
    fn new(inner: R) -> Self {
        SkipBom { inner, checked: false, pending: Vec::new() }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut head = [0u8; 3];
            let mut filled = 0;
            while filled < 3 {
                let n = self.inner.read(&mut head[filled..])?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            if head[..filled] != [0xEF, 0xBB, 0xBF] {
                self.pending = head[..filled].to_vec();
            }
        }
        if !self.pending.is_empty() {
            let n = self.pending.len().min(buf.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXTRACT: &str = "\u{feff}URN,EstablishmentName,LA (name),Town,Postcode,EstablishmentStatus (name),PhaseOfEducation (name)\n\
        107100,Oakfield Primary School,Leeds,Leeds,LS1 0AB,Open,Primary\n\
        0123,Broken Row,Leeds,Leeds,LS1 1AA,Open,Primary\n\
        103113,\"St Mary's, \"\"Upper\"\" School\",Birmingham,Birmingham,B2 1DX,\"Open, but proposed to close\",Secondary\n\
        109001,Old Mill School,\"Bristol, City of\",Bristol,BS1 4ST,Closed,Primary\n";

    #[test]
    fn the_register_format_parses_with_bad_rows_reported_by_line() {
        let rows: Vec<_> = parse_gias(EXTRACT.as_bytes()).unwrap().collect();
        assert_eq!(rows.len(), 4);
        let oak = rows[0].1.as_ref().unwrap();
        assert_eq!((oak.urn.as_str(), oak.postcode.as_str()), ("107100", "LS1 0AB"));
        assert_eq!(rows[1].0, 3);
        assert!(rows[1].1.as_ref().unwrap_err().contains("URN"));
        let mary = rows[2].1.as_ref().unwrap();
        assert_eq!(mary.name, "St Mary's, \"Upper\" School");
        assert_eq!(mary.status, EstablishmentStatus::Open);
        assert_eq!(rows[3].1.as_ref().unwrap().status, EstablishmentStatus::Closed);
    }

    #[test]
    fn a_file_without_the_register_columns_is_refused() {
        let error = parse_gias("name,town\nx,y\n".as_bytes()).err().unwrap();
        assert!(error.to_string().contains("URN"), "{error}");
    }

    #[test]
    fn a_school_is_found_by_name_words_urn_authority_and_postcode() {
        let school = DirectorySchool {
            urn: "107100".into(),
            name: "Oakfield Primary School".into(),
            local_authority: "Bristol, City of".into(),
            postcode: "BS1 4ST".into(),
            phase: "Primary".into(),
            status: EstablishmentStatus::Open,
            email_domains: Vec::new(),
        };
        let terms = search_terms(&school);
        for expected in ["oakfield", "primary", "school", "107100", "bristol", "city", "of", "bs1", "4st", "bs14st"] {
            assert!(terms.contains(expected), "{expected} in {terms:?}");
        }
    }
}
