//! G1: what an MIS agent pushes becomes the school's person store.
//!
//! A push is validated whole before anything is written: every record is
//! checked on its own (and, in a full extract, against the others it points
//! to), and a bad record is rejected whole, never half-applied. The good ones
//! are applied and the push reports `warning` with the rejects listed; when
//! nothing is good the push is an `error` and changes no data. A rejected
//! record in a full extract does not count as missing, so a typo never
//! deletes a pupil.
//!
//! One push per school at a time: the first claims a lease on the school's
//! feed record (a conditional write), a parallel one is refused with
//! `extract_in_progress`, and a lease left by a crashed push runs out after
//! five minutes. Records whose content did not change are not written, so
//! the same extract twice changes no record and takes no change number.
//! The last writes (up to 100) go in one transaction with the feed, and
//! any before them in batches (`Table::put_all`); the feed's
//! `committed_seq`, which sync tokens are cut from, moves only in that
//! transaction, so a reader never sees a number whose record is not in.
//!
//! Deletion guard: the feed keeps the persons each push deleted over the
//! last 24 hours, and a push (full or delta) that would take that window
//! past 10% (per school: `deletion_guard_percent`) of the school's persons
//! is held, not applied, so a faulty agent cannot wipe a school a delta at a
//! time. Only persons a push really deletes count (a tombstone already in
//! the store is not deleted again), so the same push twice counts once. The
//! school shows Warning until the school or support releases or rejects the
//! held extract (`held_extracts`); a release is a reviewed decision, so its
//! deletions are not counted. While an extract is held, later deltas join it
//! rather than overtake it (applying them first would put newer data under
//! older); a full extract replaces it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use gatehouse_model::{
    AgentStatus, ChangeCounts, Contact, Extract, ExtractKind, ExtractOutcome, ExtractReceipt, Group, InstallStatus,
    JobAccepted, JobKind, JobResult, JobStatus, PushStatus, RejectedRecord, Resource, SchoolView, StaffMember, Student,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::base::keys::{AgentActivity, Key, people_partition, person_prefix};
use crate::data::agent_keys::AgentCaller;
use crate::data::erased::{Erased, strip_links};
use crate::data::feed::{
    DELETION_GUARD_PERCENT, DELETION_WINDOW, HeldExtractRecord, Lease, RecentDeletions, SchoolFeedRecord, load_feed,
};
use crate::store::domain_events::{self, EventKind};
// Where the school's links were found before `store::link_loading`; the
// end-to-end tests still call it here.
use crate::base::ports::{Condition, Increment, Index, Item, Query, StoreError, TransactWrite, query_all};
use crate::data::people::{PersonRecord, Refusal, digest, valid_mis_id};
use crate::store::background::{self, JobOwner, NewJob, Running};
pub use crate::store::links::school_links;
use crate::store::links::{Change, LoadedLink, commit};
use crate::store::records::{SchoolLinkRecord, from_item, plain_item};
use crate::{Error, Gatehouse, JobId, Result, SchoolId, Token, data::held_parts};

/// How long a push may hold the school's ingest lease.
const LEASE: Duration = Duration::minutes(5);
/// Most writes DynamoDB takes in one transaction.
const TRANSACTION_WRITES: usize = 100;
/// Who the Authorisation Log would name for agent-driven changes.
pub const AGENT_ACTOR: &str = "MIS agent";

/// A record that passed validation, ready to compare with the store.
#[derive(Debug, Clone)]
pub struct Draft {
    pub resource: Resource,
    pub id: String,
    pub data: Value,
    pub digest: String,
    /// For a group written again: who has left it (see [`PersonRecord::departures`]).
    pub left: Vec<crate::data::people::Departure>,
}

/// An extract after validation.
#[derive(Debug, Clone, Default)]
pub struct Validated {
    pub drafts: Vec<Draft>,
    pub deletions: Vec<(Resource, String)>,
    pub rejected: Vec<RejectedRecord>,
}

fn reject(resource: Resource, index: usize, id: &str, field: &str, reason: impl Into<String>) -> RejectedRecord {
    RejectedRecord {
        resource,
        index,
        id: valid_mis_id(id).then(|| id.to_owned()),
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn text_ok(value: &str) -> bool {
    let trimmed = value.trim();
    // Hidden characters are looked for before trimming: `trim` takes U+0085
    // (a C1 control that is also white space) off the edges, and the record
    // would keep it.
    !trimmed.is_empty() && trimmed.chars().count() <= 100 && !value.chars().any(is_hidden_control)
}

/// A character no text may hold (issue 18): a control character other than
/// tab, line feed and carriage return, or a bidirectional control that makes
/// text display in another order than it is stored (U+202A–U+202E,
/// U+2066–U+2069). A record with one is rejected here; the API refuses any
/// other JSON body or query with one.
pub fn is_hidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn check_student(student: &Student, today: NaiveDate) -> std::result::Result<(), (&'static str, String)> {
    let text = |field: &'static str, value: &str| {
        if text_ok(value) { Ok(()) } else { Err((field, "give 1 to 100 characters".to_owned())) }
    };
    text("first_name", &student.first_name)?;
    text("last_name", &student.last_name)?;
    text("year_group", &student.year_group)?;
    text("registration_group", &student.registration_group)?;
    if let Some(preferred) = &student.preferred_name {
        text("preferred_name", preferred)?;
    }
    let born = crate::base::calendar::parse_date(&student.date_of_birth)
        .ok_or_else(|| ("date_of_birth", "use YYYY-MM-DD".to_owned()))?;
    if born >= today || today.years_since(born).is_none_or(|age| age > 25) {
        return Err(("date_of_birth", "not a plausible date of birth for a pupil".to_owned()));
    }
    let flags: [(&'static str, bool); 10] = [
        ("pupil_premium", student.pupil_premium.is_some()),
        ("service_child", student.service_child.is_some()),
        ("free_school_meals", student.free_school_meals.is_some()),
        ("ever6_free_school_meals", student.ever6_free_school_meals.is_some()),
        ("sen_status", student.sen_status.is_some()),
        ("more_able", student.more_able.is_some()),
        ("traveller", student.traveller.is_some()),
        ("looked_after", student.looked_after.is_some()),
        ("ever_looked_after", student.ever_looked_after.is_some()),
        ("home_language", student.home_language.as_deref().is_some_and(text_ok)),
    ];
    if let Some((field, _)) = flags.iter().find(|(_, present)| !present) {
        return Err((field, "every contextual flag is required in an extract".to_owned()));
    }
    Ok(())
}

fn check_staff(staff: &StaffMember) -> std::result::Result<(), (&'static str, String)> {
    for (field, value) in [("first_name", &staff.first_name), ("last_name", &staff.last_name), ("role", &staff.role)] {
        if !text_ok(value) {
            return Err((field, "give 1 to 100 characters".to_owned()));
        }
    }
    if staff.email.as_deref().is_some_and(|email| !email.contains('@') || email.len() > 254) {
        return Err(("email", "not an email address".to_owned()));
    }
    Ok(())
}

fn check_contact(
    contact: &Contact,
    students: Option<&HashSet<&str>>,
) -> std::result::Result<(), (&'static str, String)> {
    for (field, value) in [("first_name", &contact.first_name), ("last_name", &contact.last_name)] {
        if !text_ok(value) {
            return Err((field, "give 1 to 100 characters".to_owned()));
        }
    }
    if contact.email.as_deref().is_some_and(|email| !email.contains('@') || email.len() > 254) {
        return Err(("email", "not an email address".to_owned()));
    }
    for relationship in &contact.relationships {
        if !valid_mis_id(&relationship.student_id) {
            return Err(("relationships", format!("\"{}\" is not a valid student id", relationship.student_id)));
        }
        if students.is_some_and(|known| !known.contains(relationship.student_id.as_str())) {
            return Err(("relationships", format!("student {} is not in this extract", relationship.student_id)));
        }
        if !text_ok(&relationship.relationship) {
            return Err(("relationships", "name each relationship, e.g. \"Mother\"".to_owned()));
        }
    }
    Ok(())
}

fn check_group(
    group: &Group,
    students: Option<&HashSet<&str>>,
    staff: Option<&HashSet<&str>>,
) -> std::result::Result<(), (&'static str, String)> {
    if !text_ok(&group.name) {
        return Err(("name", "give 1 to 100 characters".to_owned()));
    }
    for (field, ids, known) in [("student_ids", &group.student_ids, students), ("staff_ids", &group.staff_ids, staff)] {
        for id in ids {
            if !valid_mis_id(id) {
                return Err((field, format!("\"{id}\" is not a valid id")));
            }
            if known.is_some_and(|known| !known.contains(id.as_str())) {
                return Err((field, format!("{id} is not in this extract")));
            }
        }
    }
    Ok(())
}

/// Checks every record of an extract. A whole-body problem (a full extract
/// listing deletions, an empty full extract) is `Invalid`; record problems
/// are rejects.
pub fn validate(extract: &Extract, today: NaiveDate) -> Result<Validated> {
    if extract.kind == ExtractKind::Full && !extract.deleted.is_empty() {
        return Err(Error::invalid("deleted", "a full extract lists no deletions: whoever is missing is deleted"));
    }
    let total = extract.students.len() + extract.staff.len() + extract.contacts.len() + extract.groups.len();
    if extract.kind == ExtractKind::Full && total == 0 {
        return Err(Error::invalid("students", "a full extract with no records would delete the whole school"));
    }
    let mut out = Validated::default();
    let mut seen: HashSet<(Resource, String)> = HashSet::new();
    let mut take = |out: &mut Validated,
                    resource: Resource,
                    index: usize,
                    id: &str,
                    checked: std::result::Result<(), (&'static str, String)>,
                    data: Value| {
        if !valid_mis_id(id) {
            out.rejected.push(reject(resource, index, id, "id", "use 1 to 64 letters, digits, '-', '_', '.' or ':'"));
        } else if !seen.insert((resource, id.to_owned())) {
            out.rejected.push(reject(resource, index, id, "id", "this id appears twice in the extract"));
        } else if let Err((field, reason)) = checked {
            out.rejected.push(reject(resource, index, id, field, reason));
        } else {
            let digest = digest(&data);
            out.drafts.push(Draft { resource, id: id.to_owned(), data, digest, left: Vec::new() });
        }
    };
    for (index, student) in extract.students.iter().enumerate() {
        let data = value_of(student);
        take(&mut out, Resource::Students, index, &student.id, check_student(student, today), data);
    }
    for (index, staff) in extract.staff.iter().enumerate() {
        let data = value_of(staff);
        take(&mut out, Resource::Staff, index, &staff.id, check_staff(staff), data);
    }
    // In a full extract, links must point at persons in the same extract
    // (a pupil whose own record was rejected still exists in the MIS).
    let full = extract.kind == ExtractKind::Full;
    let student_refs: HashSet<&str> = extract.students.iter().map(|student| student.id.as_str()).collect();
    let staff_refs: HashSet<&str> = extract.staff.iter().map(|staff| staff.id.as_str()).collect();
    let (students_known, staff_known) = if full { (Some(&student_refs), Some(&staff_refs)) } else { (None, None) };
    for (index, contact) in extract.contacts.iter().enumerate() {
        let data = value_of(contact);
        take(&mut out, Resource::Contacts, index, &contact.id, check_contact(contact, students_known), data);
    }
    for (index, group) in extract.groups.iter().enumerate() {
        let data = value_of(group);
        take(&mut out, Resource::Groups, index, &group.id, check_group(group, students_known, staff_known), data);
    }
    for (index, deleted) in extract.deleted.iter().enumerate() {
        if !valid_mis_id(&deleted.id) {
            out.rejected.push(reject(deleted.resource, index, &deleted.id, "deleted", "not a valid id"));
        } else if seen.contains(&(deleted.resource, deleted.id.clone())) {
            out.rejected.push(reject(deleted.resource, index, &deleted.id, "deleted", "also sent as a record"));
        } else {
            out.deletions.push((deleted.resource, deleted.id.clone()));
        }
    }
    Ok(out)
}

/// Drops the erased persons' records from a validated extract, and their
/// ids from the contacts and groups that name them. Returns how many
/// records were dropped.
pub fn honour_erasures(validated: &mut Validated, erased: &Erased) -> u32 {
    if erased.is_empty() {
        return 0;
    }
    let before = validated.drafts.len();
    validated.drafts.retain(|draft| !erased.contains(draft.resource, &draft.id));
    validated.deletions.retain(|(resource, id)| !erased.contains(*resource, id));
    for draft in &mut validated.drafts {
        if strip_links(draft.resource, &mut draft.data, erased) {
            draft.digest = digest(&draft.data);
        }
    }
    (before - validated.drafts.len()) as u32
}

/// A record as JSON; the model's records always serialize.
fn value_of<T: Serialize>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or_default()
}

/// What applying an extract would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub writes: Vec<(Draft, bool)>,
    pub deletions: Vec<PersonRecord>,
    pub changes: ChangeCounts,
    pub persons_before: u32,
    pub persons_deleted: u32,
    pub persons_created: u32,
}

/// Compares validated records with the stored ones, as of `now`. `rejected`
/// ids of a full extract are left alone rather than deleted.
pub fn plan(
    kind: ExtractKind,
    validated: &Validated,
    existing: &HashMap<(Resource, String), PersonRecord>,
    now: DateTime<Utc>,
) -> Plan {
    let mut plan = Plan {
        persons_before: existing.values().filter(|p| !p.deleted && p.resource.is_person()).count() as u32,
        ..Plan::default()
    };
    for draft in &validated.drafts {
        match existing.get(&(draft.resource, draft.id.clone())) {
            Some(stored) if !stored.deleted && stored.digest == draft.digest => plan.changes.unchanged += 1,
            Some(stored) if !stored.deleted => {
                plan.changes.updated += 1;
                let left = stored.departures(&draft.data, now);
                plan.writes.push((Draft { left, ..draft.clone() }, false));
            }
            _ => {
                plan.changes.created += 1;
                if draft.resource.is_person() {
                    plan.persons_created += 1;
                }
                plan.writes.push((draft.clone(), true));
            }
        }
    }
    let delete = |stored: &PersonRecord, plan: &mut Plan| {
        plan.changes.deleted += 1;
        if stored.resource.is_person() {
            plan.persons_deleted += 1;
        }
        plan.deletions.push(stored.clone());
    };
    match kind {
        ExtractKind::Full => {
            let sent: HashSet<(Resource, &str)> = validated
                .drafts
                .iter()
                .map(|draft| (draft.resource, draft.id.as_str()))
                .chain(validated.rejected.iter().filter_map(|r| r.id.as_deref().map(|id| (r.resource, id))))
                .collect();
            let mut gone: Vec<&PersonRecord> = existing
                .values()
                .filter(|stored| !stored.deleted && !sent.contains(&(stored.resource, stored.id.as_str())))
                .collect();
            gone.sort_by(|a, b| (a.resource, &a.id).cmp(&(b.resource, &b.id)));
            for stored in gone {
                delete(stored, &mut plan);
            }
        }
        ExtractKind::Delta => {
            for (resource, id) in &validated.deletions {
                if let Some(stored) = existing.get(&(*resource, id.clone())).filter(|stored| !stored.deleted) {
                    delete(stored, &mut plan);
                }
            }
        }
    }
    plan
}

/// Whether deleting `deleting` more persons, on top of `recent` deleted in
/// the window, takes the window past `percent` of the persons the school had
/// before it (`persons` now, plus `recent`). A push deleting no one never trips it.
pub fn trips_guard(deleting: u32, recent: u32, persons: u32, percent: u32) -> bool {
    let before = u64::from(persons) + u64::from(recent);
    deleting > 0 && before > 0 && (u64::from(recent) + u64::from(deleting)) * 100 > before * u64::from(percent)
}

/// The stored records an extract is compared with: the whole school for a
/// full extract (a few Query pages), one read per record for a small delta.
pub async fn existing_for(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    kind: ExtractKind,
    validated: &Validated,
) -> Result<HashMap<(Resource, String), PersonRecord>> {
    let mut existing = HashMap::new();
    let wanted = validated.drafts.len() + validated.deletions.len();
    if kind == ExtractKind::Full || wanted > 50 {
        let query = Query::partition(Index::Primary, people_partition(school));
        for item in query_all(gatehouse.table.as_ref(), query).await? {
            let record: PersonRecord = from_item(&item)?;
            existing.insert((record.resource, record.id.clone()), record);
        }
    } else {
        let ids = validated
            .drafts
            .iter()
            .map(|draft| (draft.resource, draft.id.clone()))
            .chain(validated.deletions.iter().cloned());
        for (resource, id) in ids {
            let key = Key::Person(school, resource, &id);
            if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
                existing.insert((resource, id), from_item(&item)?);
            }
        }
    }
    Ok(existing)
}

/// Whether a push may trip the deletion guard: an agent's push may; the
/// release of the held extract with this id (`HeldExtractRecord::held_id`)
/// may not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    On,
    Released(String),
}

/// Where an agent polls its jobs.
pub const AGENT_JOBS_PATH: &str = "/api/agent/v1/jobs";

/// What a push is answered with.
#[derive(Debug, Clone, PartialEq)]
pub enum Pushed {
    /// Stored for its job, which applies it.
    Accepted(JobAccepted),
    /// Not a record of it could be taken: refused at once with its receipt,
    /// as before jobs (the school's status shows the error; nothing stored).
    Rejected(ExtractReceipt),
}

/// `POST /api/agent/v1/extracts` (#15): checks the extract whole (a
/// whole-body problem is refused now, with nothing stored; so is an extract
/// with no record that could be taken, with its receipt), takes the
/// school's ingest lease for the job, and stores the extract for the
/// `push_extract_worker`, which applies it ([`apply_pushed`]). One push per
/// school at a time, as before: a push while another's job holds the lease
/// is refused with `extract_in_progress`.
pub async fn accept_push(
    gatehouse: &Gatehouse,
    agent: &AgentCaller,
    extract: &Extract,
    idempotency_key: Option<&str>,
) -> Result<Pushed> {
    let validated = validate(extract, gatehouse.clock.now().date_naive())?;
    if validated.drafts.is_empty() && validated.deletions.is_empty() {
        // No records to write: marking the push an error is quick.
        return Ok(Pushed::Rejected(ingest(gatehouse, &agent.school_id, extract, Guard::On).await?));
    }
    let text = serde_json::to_string(extract).map_err(|error| Error::Unavailable(error.into()))?;
    let school = &agent.school_id;
    let records = validated.drafts.len() + validated.deletions.len() + validated.rejected.len();
    let new = NewJob {
        kind: JobKind::PushExtract,
        owner: JobOwner::Agent(school.clone()),
        idempotency_key,
        input: Value::Null,
        found: None,
        payload: Some(&text),
        total: Some(records as u64),
    };
    let job = background::accept(gatehouse, new, |job_id| async move {
        let (feed, version) = leased(gatehouse, school, &job_id, true).await?;
        let (item, condition) = lease_write(&feed, version);
        Ok(vec![TransactWrite::Put { item, condition }])
    })
    .await
    .map_err(|error| match error {
        // The feed moved between its read and the job's transaction: another push took the lease.
        Error::Conflict(_) => Error::Refused(Refusal::ExtractInProgress),
        other => other,
    })?;
    Ok(Pushed::Accepted(job.accepted(AGENT_JOBS_PATH)))
}

/// The school's feed with the ingest lease taken under `lease_id`, not yet
/// written, and the version it was read at; `extract_in_progress` while
/// another holds the lease.
async fn leased(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    lease_id: &str,
    push: bool,
) -> Result<(SchoolFeedRecord, u64)> {
    let now = gatehouse.clock.now();
    let (mut feed, version) =
        load_feed(gatehouse, school).await?.unwrap_or_else(|| (SchoolFeedRecord::new(school.clone()), 0));
    if feed.lease.as_ref().is_some_and(|lease| lease.until > now && lease.id != lease_id) {
        return Err(Error::Refused(Refusal::ExtractInProgress));
    }
    if push {
        crate::data::retention::before_push(gatehouse, &mut feed).await?;
    }
    feed.lease = Some(Lease { id: lease_id.to_owned(), until: now + LEASE });
    Ok((feed, version))
}

/// The write of a feed [`leased`] at `version`.
fn lease_write(feed: &SchoolFeedRecord, version: u64) -> (Item, Condition) {
    let condition = if version == 0 { Condition::NotExists } else { Condition::VersionIs(version) };
    (feed.item(version + 1), condition)
}

/// `GET /api/agent/v1/jobs/{job_id}`: one of the agent's jobs.
pub async fn agent_job(gatehouse: &Gatehouse, agent: &AgentCaller, job: &JobId) -> Result<JobStatus> {
    background::status(gatehouse, &JobOwner::Agent(agent.school_id.clone()), job).await
}

/// The `push_extract_worker`'s work: applies (or holds) the extract a push
/// stored, under the lease its job took, and marks the job done in the
/// transaction that commits the push, so a retry after a failure anywhere
/// either finds the job done or applies the extract as the first attempt
/// would have (records that did not change are not written again).
pub async fn apply_pushed(gatehouse: &Gatehouse, job: &Running) -> Result<()> {
    let JobOwner::Agent(school) = &job.record.owner else {
        return Err(Error::invalid("owner", "a push's job belongs to an agent"));
    };
    let extract: Extract =
        serde_json::from_str(&job.payload(gatehouse).await?).map_err(|error| Error::Unavailable(error.into()))?;
    let validated = validate(&extract, gatehouse.clock.now().date_naive())?;
    // The lease the push took, or (after a failed attempt gave it back) a new one.
    let (mut feed, version) = claim_as(gatehouse, school, job.id(), true).await?;
    let done = |receipt: &ExtractReceipt| vec![job.done_write(gatehouse, JobResult::Extract(receipt.clone()))];
    let result = ingest_claimed(gatehouse, school, &extract, &Guard::On, validated, &mut feed, version, &done).await;
    if result.is_err() {
        release_lease(gatehouse, school).await;
    }
    result.map(|_| ())
}

/// Validates, plans and applies (or holds) one extract under the school's
/// lease, now: the releases of a held extract, the demo's seeding and tests.
pub async fn ingest(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    extract: &Extract,
    guard: Guard,
) -> Result<ExtractReceipt> {
    ingest_with(gatehouse, school, extract, guard, &|_| Vec::new()).await
}

/// [`ingest`], committing `also` (given the receipt) with the change: a
/// job's record marked done, for a release that runs as a job.
pub async fn ingest_with(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    extract: &Extract,
    guard: Guard,
    also: AlsoCommit<'_>,
) -> Result<ExtractReceipt> {
    let now = gatehouse.clock.now();
    let validated = validate(extract, now.date_naive())?;
    let (mut feed, version) = claim_for(gatehouse, school, matches!(guard, Guard::On)).await?;
    let result = ingest_claimed(gatehouse, school, extract, &guard, validated, &mut feed, version, also).await;
    if result.is_err() {
        release_lease(gatehouse, school).await;
    }
    result
}

/// What commits with a push's change, given its receipt: the job's record
/// marked done, for a push or a release that runs as a job.
pub type AlsoCommit<'a> = &'a (dyn Fn(&ExtractReceipt) -> Vec<TransactWrite> + Sync);

#[allow(clippy::too_many_arguments)]
async fn ingest_claimed(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    extract: &Extract,
    guard: &Guard,
    validated: Validated,
    feed: &mut SchoolFeedRecord,
    version: u64,
    also: AlsoCommit<'_>,
) -> Result<ExtractReceipt> {
    let now = gatehouse.clock.now();
    if let Guard::Released(held_id) = guard {
        // Under the lease now: the extract read must still be the one held.
        held_parts::check_held(feed, held_id)?;
    }
    let rejected = validated.rejected.clone();
    if validated.drafts.is_empty() && validated.deletions.is_empty() {
        feed.last_status = Some(PushStatus::Error);
        feed.lease = None;
        let receipt = ExtractReceipt {
            outcome: ExtractOutcome::Rejected,
            status: PushStatus::Error,
            changes: ChangeCounts::default(),
            rejected,
            held_reason: None,
        };
        finish(gatehouse, feed, version, now, also(&receipt)).await?;
        tracing::warn!(school_id = %school, rejected = receipt.rejected.len(), "extract rejected");
        return Ok(receipt);
    }
    // #16: the persons the school erased are never stored again.
    let mut validated = validated;
    let erased = honour_erasures(&mut validated, &crate::data::erased::load(gatehouse, school).await?);
    let existing = existing_for(gatehouse, school, extract.kind, &validated).await?;
    let mut plan = plan(extract.kind, &validated, &existing, now);
    plan.changes.erased = erased;
    // A delta reads only the records it names, so the school's count comes from the feed.
    let persons = match extract.kind {
        ExtractKind::Full => plan.persons_before,
        ExtractKind::Delta => feed.persons,
    };
    feed.recent_deletions.retain(|entry| entry.at > now - DELETION_WINDOW);
    if *guard == Guard::On {
        let percent = feed.deletion_guard_percent.unwrap_or(DELETION_GUARD_PERCENT);
        let recent = feed.deleted_within_window(now);
        let joins_held = extract.kind == ExtractKind::Delta && feed.held.is_some();
        if joins_held || trips_guard(plan.persons_deleted, recent, persons, percent) {
            let reason = if joins_held {
                "an extract for this school is held for review; this delta joins it, so it is applied (or not) \
                 with it"
                    .to_owned()
            } else {
                held_reason(extract.kind, plan.persons_deleted, recent, persons, percent)
            };
            let held = hold(gatehouse, school, extract, feed.held.as_ref(), plan.persons_deleted, persons).await?;
            tracing::warn!(school_id = %school, would_delete = held.would_delete, "extract held by the deletion guard");
            feed.held = Some(held);
            feed.last_status = Some(PushStatus::Warning);
            feed.lease = None;
            let receipt = ExtractReceipt {
                outcome: ExtractOutcome::Held,
                status: PushStatus::Warning,
                changes: plan.changes,
                rejected,
                held_reason: Some(reason),
            };
            finish(gatehouse, feed, version, now, also(&receipt)).await?;
            return Ok(receipt);
        }
    }
    let count = (plan.writes.len() + plan.deletions.len()) as u64;
    let status = if rejected.is_empty() { PushStatus::Ok } else { PushStatus::Warning };
    feed.persons = (persons + plan.persons_created).saturating_sub(plan.persons_deleted);
    if *guard == Guard::On && plan.persons_deleted > 0 {
        feed.recent_deletions.push(RecentDeletions { at: now, persons: plan.persons_deleted });
    }
    feed.last_status = Some(status);
    feed.inactive = false;
    feed.lease = None;
    feed.last_extract_at = Some(now);
    feed.last_push_at = Some(now);
    // A full extract describes the whole school, so it supersedes what was held.
    let supersedes = extract.kind == ExtractKind::Full || matches!(guard, Guard::Released(_));
    let receipt =
        ExtractReceipt { outcome: ExtractOutcome::Applied, status, changes: plan.changes, rejected, held_reason: None };
    let mut last = match feed.held.take_if(|_| supersedes) {
        Some(held) => held_parts::chunk_deletes(school, &held),
        None => Vec::new(),
    };
    last.extend(also(&receipt));
    let facts = link_writes(gatehouse, feed, Refresh::Announced).await?;
    if count > 0 {
        // The people, their sequence numbers, the feed and the links are one
        // transaction when they fit in one (issue 18: a push that fails then
        // leaves nothing behind, and its retry is the push it would have
        // been); a bigger extract takes its numbers first (a failed push's
        // numbers are skipped, never reused) and writes all but its last
        // part on its own, in batches.
        let seq_key = Key::PeopleSeq(school);
        let room = TRANSACTION_WRITES.saturating_sub(1 + facts.len() + last.len() + 1);
        let (first, counter) = if count as usize <= room {
            let (current, mut item) = people_counter(gatehouse, school).await?;
            // The feed's lease, whose version the same transaction checks,
            // already makes this push the only writer of the counter. (A
            // counter made by `add` has no version on DynamoDB, so a version
            // condition here would refuse every push after a big one.)
            let condition = Condition::Always;
            item.version += 1;
            item.attributes.insert("seq".to_owned(), Value::from(current + count));
            (current + 1, Some(TransactWrite::Put { item, condition }))
        } else {
            let taken = gatehouse
                .table
                .add(Increment {
                    pk: &seq_key.pk(),
                    sk: &seq_key.sk(),
                    counter: "seq",
                    delta: count as i64,
                    expires_at: None,
                })
                .await?;
            (taken as u64 - count + 1, None)
        };
        let mut seq = first - 1;
        let mut records = Vec::with_capacity(count as usize);
        for (draft, _) in &plan.writes {
            seq += 1;
            records.push(PersonRecord {
                resource: draft.resource,
                id: draft.id.clone(),
                seq,
                deleted: false,
                digest: draft.digest.clone(),
                data: draft.data.clone(),
                changed_at: now,
                left: draft.left.clone(),
            });
        }
        for stored in &plan.deletions {
            seq += 1;
            records.push(PersonRecord::tombstone(stored.resource, &stored.id, seq, now));
        }
        let put =
            |record: &PersonRecord| TransactWrite::Put { item: record.item(school), condition: Condition::Always };
        let in_last = if counter.is_some() { records.len() } else { records.len() % TRANSACTION_WRITES };
        let (before, final_part) = records.split_at(records.len() - in_last.min(room));
        // Each record stands alone (numbered above, unconditional), so the
        // parts before the last go as plain batches: a retry writes the same.
        gatehouse.table.put_all(before.iter().map(|record| record.item(school)).collect()).await?;
        last.extend(final_part.iter().map(put));
        last.extend(counter);
        feed.committed_seq = feed.committed_seq.max(seq);
    }
    commit_feed(gatehouse, feed, version, facts, last).await?;
    // The events wait in the outbox, committed with the push; one that fails to
    // go now goes with the next delivery rather than failing the push.
    crate::store::outbox::deliver_or_log(gatehouse).await;
    tracing::info!(
        school_id = %school,
        created = receipt.changes.created,
        updated = receipt.changes.updated,
        deleted = receipt.changes.deleted,
        rejected = receipt.rejected.len(),
        "extract applied"
    );
    Ok(receipt)
}

/// The school's change counter: its last number and its item as stored
/// (a new one, version 0, before the first write).
async fn people_counter(gatehouse: &Gatehouse, school: &SchoolId) -> Result<(u64, Item)> {
    let key = Key::PeopleSeq(school);
    let stored = gatehouse.table.get(&key.pk(), &key.sk()).await?;
    let current = stored.as_ref().and_then(|item| item.attributes.get("seq")).and_then(Value::as_u64).unwrap_or(0);
    let item = stored.unwrap_or_else(|| plain_item(&key, &serde_json::Map::new(), 0));
    Ok((current, item))
}

/// #16: erases one person under the school's ingest lease. Their record
/// becomes a tombstone with no data under the school's next change number,
/// so every app's next delta reports them deleted; the feed's count and
/// committed number move; and `also` (the erasure list's entry, the apps'
/// log entries and events) commits in the same transaction, so a retry
/// finds all of it or none. `extract_in_progress` while a push holds the
/// lease.
/// `linked` are the contacts and groups that named the person, already
/// without them: each takes a change number too, so apps' deltas resend them.
pub(crate) async fn erase(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    person: &PersonRecord,
    linked: Vec<PersonRecord>,
    also: Vec<TransactWrite>,
) -> Result<()> {
    let (mut feed, version) = claim(gatehouse, school).await?;
    let result = async {
        let now = gatehouse.clock.now();
        let (current, mut counter) = people_counter(gatehouse, school).await?;
        // The lease makes this the only writer of the counter, as for a push.
        counter.version += 1;
        let mut seq = current;
        let mut writes = Vec::new();
        for mut record in linked {
            seq += 1;
            record.seq = seq;
            record.digest = digest(&record.data);
            record.changed_at = now;
            writes.push(TransactWrite::Put { item: record.item(school), condition: Condition::Always });
        }
        seq += 1;
        counter.attributes.insert("seq".to_owned(), Value::from(seq));
        let tombstone = PersonRecord::tombstone(person.resource, &person.id, seq, now);
        if !person.deleted && person.resource.is_person() {
            feed.persons = feed.persons.saturating_sub(1);
        }
        feed.lease = None;
        feed.committed_seq = feed.committed_seq.max(seq);
        writes.push(TransactWrite::Put { item: tombstone.item(school), condition: Condition::Always });
        writes.push(TransactWrite::Put { item: counter, condition: Condition::Always });
        writes.extend(also);
        commit_feed(gatehouse, &feed, version, Vec::new(), writes).await
    }
    .await;
    if result.is_err() {
        release_lease(gatehouse, school).await;
    }
    result
}

/// Why a push was held, for its receipt.
fn held_reason(kind: ExtractKind, deleting: u32, recent: u32, persons: u32, percent: u32) -> String {
    let kind = match kind {
        ExtractKind::Full => "full",
        ExtractKind::Delta => "delta",
    };
    let earlier = match recent {
        0 => String::new(),
        n => format!(", after {n} deleted by earlier pushes,"),
    };
    format!(
        "this {kind} extract would delete {deleting} of the school's {} persons{earlier} taking deletions in 24 hours \
         past {percent}%; it is held until the school or support releases or rejects it",
        persons + recent
    )
}

/// Stores the extract to hold (or, for a delta while one is held, the two
/// joined) in place of any held before, under a new id.
async fn hold(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    extract: &Extract,
    earlier: Option<&HeldExtractRecord>,
    would_delete: u32,
    persons: u32,
) -> Result<HeldExtractRecord> {
    let now = gatehouse.clock.now();
    let (held, would_delete) = match earlier {
        Some(earlier) if extract.kind == ExtractKind::Delta => {
            let joined = held_parts::join(held_parts::load_parts(gatehouse, school, earlier).await?, extract);
            let validated = validate(&joined, now.date_naive())?;
            let existing = existing_for(gatehouse, school, joined.kind, &validated).await?;
            let would_delete = plan(joined.kind, &validated, &existing, now).persons_deleted;
            (joined, would_delete)
        }
        _ => (extract.clone(), would_delete),
    };
    let id = Token::generate()?.hash().as_str()[..16].to_owned();
    let chunks = held_parts::store(gatehouse, school, &held, &id).await?;
    Ok(HeldExtractRecord { id, kind: held.kind, held_at: now, chunks, would_delete, persons_before: persons })
}

/// Takes the school's ingest lease: a conditional write on its feed record.
pub(crate) async fn claim(gatehouse: &Gatehouse, school: &SchoolId) -> Result<(SchoolFeedRecord, u64)> {
    claim_for(gatehouse, school, false).await
}

/// Takes the lease under a new id; for an agent's push (`push`), first asks
/// the retention rule whether the school may take one (#16).
async fn claim_for(gatehouse: &Gatehouse, school: &SchoolId, push: bool) -> Result<(SchoolFeedRecord, u64)> {
    claim_as(gatehouse, school, &Token::generate()?.hash().as_str()[..16], push).await
}

/// Takes (or keeps) the school's ingest lease under `lease_id`.
async fn claim_as(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    lease_id: &str,
    push: bool,
) -> Result<(SchoolFeedRecord, u64)> {
    let (feed, version) = leased(gatehouse, school, lease_id, push).await?;
    let (item, condition) = lease_write(&feed, version);
    match gatehouse.table.put(item, condition).await {
        Ok(()) => Ok((feed, version + 1)),
        Err(StoreError::ConditionFailed { .. }) => Err(Error::Refused(Refusal::ExtractInProgress)),
        Err(error) => Err(error.into()),
    }
}

/// Gives the lease back after a failed push, so a retry need not wait.
pub(crate) async fn release_lease(gatehouse: &Gatehouse, school: &SchoolId) {
    if let Ok(Some((mut feed, version))) = load_feed(gatehouse, school).await
        && feed.lease.take().is_some()
        && let Err(error) = gatehouse.table.put(feed.item(version + 1), Condition::VersionIs(version)).await
    {
        tracing::warn!(error = ?error, "ingest lease not released; it runs out by itself");
    }
}

/// Stamps the push on the feed (conditional on the lease still being ours)
/// and copies the school's state onto every link of the school.
async fn finish(
    gatehouse: &Gatehouse,
    feed: &mut SchoolFeedRecord,
    version: u64,
    now: DateTime<Utc>,
    also: Vec<TransactWrite>,
) -> Result<()> {
    feed.last_push_at = Some(now);
    let facts = link_writes(gatehouse, feed, Refresh::Silent).await?;
    commit_feed(gatehouse, feed, version, facts, also).await
}

/// Writes the feed (ending the lease) with the agent's facts on every link
/// of the school (`facts`, from [`link_writes`]) and `also`, in one
/// transaction (issue 18): a retry never finds the feed moved on and the
/// links, the people or the held extract's parts behind.
pub(crate) async fn commit_feed(
    gatehouse: &Gatehouse,
    feed: &SchoolFeedRecord,
    version: u64,
    facts: Vec<TransactWrite>,
    also: Vec<TransactWrite>,
) -> Result<()> {
    let mut writes =
        vec![TransactWrite::Put { item: feed.item(version + 1), condition: Condition::VersionIs(version) }];
    writes.extend(facts);
    writes.extend(also);
    gatehouse.table.transact(writes).await.map_err(|error| match error {
        // The lease was lost, or a link changed meanwhile: the agent pushes again.
        StoreError::ConditionFailed { .. } => Error::Refused(Refusal::ExtractInProgress),
        other => other.into(),
    })
}

/// Whether apps hear of a push: one applied announces `data.refreshed`; a
/// rejected or held extract, and a held one set aside, change only the
/// agent's facts on the links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refresh {
    Announced,
    Silent,
}

/// The agent's facts (install status, last extract, status) on every link
/// of the school whose copy differs, and, when the refresh is `Announced`,
/// the `data.refreshed` event of each authorised one (ids only), as writes
/// for the feed's transaction.
pub(crate) async fn link_writes(
    gatehouse: &Gatehouse,
    feed: &SchoolFeedRecord,
    refresh: Refresh,
) -> Result<Vec<TransactWrite>> {
    let now = gatehouse.clock.now();
    let mut writes = Vec::new();
    for loaded in school_links(gatehouse, &feed.school_id).await? {
        let next = with_agent_facts(&loaded.link, feed);
        let authorised = loaded.link.view == SchoolView::Active && loaded.link.cancelled_on.is_none();
        let event = (refresh == Refresh::Announced && authorised).then(|| {
            json!({
                "status": feed.last_status,
                "extracted_at": feed.last_extract_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            })
        });
        if next != loaded.link {
            let mut change = Change::new(next).keeping_tokens();
            if let Some(facts) = event {
                change = change.event(EventKind::DataRefreshed, facts);
            }
            writes.extend(crate::store::links::prepare(gatehouse, &loaded, change, AGENT_ACTOR).await?.0);
        } else if let Some(facts) = event {
            let event = domain_events::new(EventKind::DataRefreshed, &loaded.link.app_id, &feed.school_id, now, facts)?;
            writes.push(crate::store::outbox::event(event, now)?);
        }
    }
    Ok(writes)
}

/// How far a link's copy of the last extract may lag the feed's. The lists
/// show Cache Age in whole days, so a push within the hour of the copied one
/// rewrites no link: at 10,000 schools pushing every 15 minutes that is a
/// quarter of the link writes, and as many fewer changes for the warm list
/// caches to read (#14). The feed keeps the exact time.
pub const LINK_EXTRACT_GRAIN: Duration = Duration::hours(1);

/// The link with the agent's facts: installed, the school's status, and the
/// last extract when the copy is [`LINK_EXTRACT_GRAIN`] or more behind.
fn with_agent_facts(link: &SchoolLinkRecord, feed: &SchoolFeedRecord) -> SchoolLinkRecord {
    let mut next = link.clone();
    next.install_status = InstallStatus::Installed;
    next.status = feed.school_status();
    let behind = match (link.last_extract_at, feed.last_extract_at) {
        (Some(copied), Some(latest)) => latest - copied >= LINK_EXTRACT_GRAIN || latest < copied,
        (copied, latest) => copied != latest,
    };
    if behind {
        next.last_extract_at = feed.last_extract_at;
    }
    next
}

/// Copies the agent's facts (install status, last extract, status) onto
/// every link of the school, so the partner lists stay one Query.
pub async fn sync_links(gatehouse: &Gatehouse, feed: &SchoolFeedRecord) -> Result<()> {
    for loaded in school_links(gatehouse, &feed.school_id).await? {
        let next = with_agent_facts(&loaded.link, feed);
        if next == loaded.link {
            continue;
        }
        match commit(gatehouse, &loaded, Change::new(next).keeping_tokens(), AGENT_ACTOR).await {
            Ok(_) => {}
            // The partner or school changed the link meanwhile: read it again once.
            Err(Error::Conflict(_)) => {
                let key = Key::SchoolLink(&loaded.link.app_id, &feed.school_id);
                if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
                    let link: SchoolLinkRecord = from_item(&item)?;
                    let next = with_agent_facts(&link, feed);
                    commit(
                        gatehouse,
                        &LoadedLink { link, version: item.version },
                        Change::new(next).keeping_tokens(),
                        AGENT_ACTOR,
                    )
                    .await?;
                }
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// `GET /api/agent/v1/status`.
pub async fn agent_status(gatehouse: &Gatehouse, agent: &AgentCaller) -> Result<AgentStatus> {
    let feed = load_feed(gatehouse, &agent.school_id).await?.map(|(feed, _)| feed);
    let retention = crate::data::retention::state(gatehouse, feed.as_ref(), &agent.school_id).await?;
    Ok(AgentStatus {
        school_id: agent.school_id.to_string(),
        last_extract_at: feed
            .as_ref()
            .and_then(|feed| feed.last_extract_at)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        last_status: feed.as_ref().and_then(|feed| feed.last_status),
        persons: feed.as_ref().map_or(0, |feed| feed.persons),
        held_extract: feed.as_ref().and_then(|feed| feed.held.as_ref()).map(HeldExtractRecord::summary),
        retention,
    })
}

/// Counts live records per resource straight from the store (tests, bench).
pub async fn live_counts(gatehouse: &Gatehouse, school: &SchoolId) -> Result<HashMap<Resource, u32>> {
    let mut counts = HashMap::new();
    for resource in Resource::ALL {
        let query = Query::partition(Index::Primary, people_partition(school)).with_prefix(person_prefix(resource));
        let live = query_all(gatehouse.table.as_ref(), query)
            .await?
            .iter()
            .map(from_item::<PersonRecord>)
            .filter(|record| record.as_ref().is_ok_and(|record| !record.deleted))
            .count();
        counts.insert(resource, live as u32);
    }
    Ok(counts)
}

/// What one run of the Inactive job did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct InactiveRun {
    /// Schools whose agent fell silent, now Inactive.
    pub marked: u32,
}

/// E1, daily: a school whose agent has not pushed for more than 7 days
/// becomes Inactive, on its feed and every link. Active agents sit in one
/// index partition sorted by their last push, so the run reads only the
/// silent ones (plus one page); marking moves a school to the inactive
/// partition, so a second run the same day finds nothing to do. The next
/// push makes the school active again.
pub async fn mark_inactive_schools(gatehouse: &Gatehouse) -> Result<InactiveRun> {
    let cutoff = gatehouse.clock.now() - Duration::days(crate::data::people::STALE_AFTER_DAYS);
    let mut run = InactiveRun::default();
    let mut query = Query::partition(Index::Gsi1, crate::base::keys::agent_activity_partition(AgentActivity::Active));
    query.limit = Some(100);
    'pages: loop {
        let page = gatehouse.table.query(query.clone()).await?;
        for item in &page.items {
            let feed: SchoolFeedRecord = from_item(item)?;
            if feed.last_push_at.is_none_or(|at| at >= cutoff) {
                break 'pages;
            }
            let mut marked = feed.clone();
            marked.inactive = true;
            match gatehouse.table.put(marked.item(item.version + 1), Condition::VersionIs(item.version)).await {
                Ok(()) => {
                    sync_links(gatehouse, &marked).await?;
                    run.marked += 1;
                }
                // The agent pushed meanwhile: it is not silent after all.
                Err(StoreError::ConditionFailed { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => break,
        }
    }
    tracing::info!(marked = run.marked, "silent agents marked inactive");
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_character_is_refused_at_the_edge_of_a_text_too() {
        assert!(text_ok(" Reception "));
        for hidden in ["\u{85}Reception", "Reception\u{85}", "Recep\u{1b}tion", "\u{202e}Reception"] {
            assert!(!text_ok(hidden), "{hidden:?}");
        }
    }

    #[test]
    fn a_push_within_the_hour_of_the_copied_extract_leaves_the_link_alone() {
        let mut link = crate::fixtures::demo::sample_link();
        link.install_status = InstallStatus::Installed;
        let mut feed = SchoolFeedRecord::new(link.school_id.clone());
        feed.last_status = Some(PushStatus::Ok);
        link.status = feed.school_status();
        let copied = link.last_extract_at.expect("the sample has pushed");

        feed.last_extract_at = Some(copied + LINK_EXTRACT_GRAIN - Duration::seconds(1));
        assert_eq!(with_agent_facts(&link, &feed), link, "nothing the lists show changed");
        feed.last_extract_at = Some(copied + LINK_EXTRACT_GRAIN);
        assert_eq!(with_agent_facts(&link, &feed).last_extract_at, feed.last_extract_at);
        // A new status is copied at once, whatever the time.
        feed.last_extract_at = Some(copied + Duration::minutes(15));
        feed.last_status = Some(PushStatus::Error);
        let next = with_agent_facts(&link, &feed);
        assert_eq!((next.status, next.last_extract_at), (gatehouse_model::SchoolStatus::Error, Some(copied)));
    }

    fn draft(resource: Resource, id: &str, data: Value) -> Draft {
        Draft { resource, id: id.into(), digest: digest(&data), data, left: Vec::new() }
    }

    #[test]
    fn an_erased_person_is_dropped_and_unlinked() {
        let erased = crate::data::erased::only(Resource::Students, "S1");
        let contact = json!({ "id": "C1", "relationships": [
            { "student_id": "S1", "relationship": "Mother" }, { "student_id": "S2", "relationship": "Mother" } ] });
        let group = json!({ "id": "G1", "student_ids": ["S1", "S2"], "staff_ids": ["S1"] });
        let mut validated = Validated {
            drafts: vec![
                draft(Resource::Students, "S1", json!({ "id": "S1" })),
                draft(Resource::Students, "S2", json!({ "id": "S2" })),
                draft(Resource::Contacts, "C1", contact.clone()),
                draft(Resource::Groups, "G1", group),
            ],
            deletions: vec![(Resource::Students, "S1".into())],
            rejected: Vec::new(),
        };
        assert_eq!(honour_erasures(&mut validated, &erased), 1);
        let ids: Vec<&str> = validated.drafts.iter().map(|draft| draft.id.as_str()).collect();
        assert_eq!(ids, ["S2", "C1", "G1"]);
        assert!(validated.deletions.is_empty());
        assert_eq!(
            validated.drafts[1].data["relationships"],
            json!([{ "student_id": "S2", "relationship": "Mother" }])
        );
        assert_ne!(validated.drafts[1].digest, digest(&contact), "the digest follows the data");
        // A member of staff with the same id is someone else: not erased.
        assert_eq!(validated.drafts[2].data, json!({ "id": "G1", "student_ids": ["S2"], "staff_ids": ["S1"] }));
    }
}
