//! Jobs (#15): work that may outlast the API's 30 s runs off the request
//! path. The request checks what it can (a bad request is still answered at
//! once, with nothing stored), stores what the worker needs under the job's
//! partition (`JOB#<id>`: the job, and the input in parts when it is larger
//! than an item holds), and commits the job with the event that hands it to
//! its worker (through the outbox, so the event is neither lost nor sent for
//! a job that was not stored). It answers `202` with the job's id.
//!
//! The worker (an event consumer per kind, `JobKind::worker`) marks the job
//! running, does the work and marks it done with its result, or failed with
//! a problem code and a sentence. A done or failed job is never run again,
//! so a redelivered event does nothing; a job that failed half-way (the
//! worker stopped, the store failed) is run again from the start by the
//! retry, so each kind's work must be safe to repeat, and where it commits
//! in one transaction it marks the job done in that same transaction
//! ([`Running::done_write`]). After [`MAX_ATTEMPTS`] attempts that failed on
//! the store, the job is failed `unavailable`.
//!
//! A job is read only by its owner (`JobOwner`); to anyone else it does not
//! exist. Jobs and their parts expire after [`JOB_LIFETIME`]; a finished
//! job's parts are deleted at once.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use gatehouse_model::{JobAccepted, JobKind, JobProblem, JobProgress, JobResult, JobState, JobStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::base::error::sentence;
use crate::base::keys::{JOB_PART_PREFIX, Key};
use crate::base::ports::{Condition, DomainEvent, Index, Item, Query, StoreError, TransactWrite, query_all};
use crate::store::idempotency::key_digest;
use crate::store::records::{from_item, plain_item};
use crate::{Error, Gatehouse, JobId, PartnerId, Result, SchoolId, Token};

/// How long a job's status can be read.
pub const JOB_LIFETIME: Duration = Duration::days(7);
/// Bytes of input per stored part, under DynamoDB's 400 KB item limit
/// with room for the key and attribute names.
pub const PART_BYTES: usize = 300_000;
/// Attempts of a job that fail on the store before it is failed: Lambda's
/// first invocation and its two retries.
pub const MAX_ATTEMPTS: u32 = 3;

/// Who may read a job: whoever asked for it, as the API knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum JobOwner {
    /// A school's MIS agent.
    Agent(SchoolId),
    /// A school's portal users.
    School(SchoolId),
    /// A partner's users.
    Partner(PartnerId),
    /// Operations.
    Ops,
}

impl JobOwner {
    fn scope(&self) -> String {
        match self {
            JobOwner::Agent(school) => format!("agent:{school}"),
            JobOwner::School(school) => format!("school:{school}"),
            JobOwner::Partner(partner) => format!("partner:{partner}"),
            JobOwner::Ops => "ops".to_owned(),
        }
    }
}

/// A job as stored under `JOB#<id>`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    pub kind: JobKind,
    pub owner: JobOwner,
    pub state: JobState,
    pub progress: Option<JobProgress>,
    pub result: Option<JobResult>,
    pub problem: Option<JobProblem>,
    /// What the worker needs besides the parts: ids, a choice; never large.
    pub input: Value,
    /// What the request found that the worker needs (the set a save
    /// replaced): kept with the job, not part of the request's fingerprint.
    #[serde(default)]
    pub found: Option<Value>,
    /// How many parts the large input was stored in.
    pub parts: u32,
    /// The request's fingerprint: an `Idempotency-Key` reused for another
    /// request is refused.
    pub fingerprint: String,
    /// Attempts so far, while it runs; cleared when it ends.
    #[serde(default)]
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl JobRecord {
    /// The job as its owner reads it.
    pub fn status(&self) -> JobStatus {
        JobStatus {
            job_id: self.id.clone(),
            kind: self.kind,
            state: self.state,
            progress: self.progress,
            result: self.result.clone(),
            problem: self.problem.clone(),
            created_at: self.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            updated_at: self.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }

    /// The `202` answer, with the path its owner polls (`status_base` is
    /// the owner's jobs path, e.g. `/api/agent/v1/jobs`).
    pub fn accepted(&self, status_base: &str) -> JobAccepted {
        JobAccepted { job_id: self.id.clone(), state: self.state, status_url: format!("{status_base}/{}", self.id) }
    }

    fn item(&self, version: u64) -> Item {
        let key = Key::Job(&self.id);
        plain_item(&key, self, version).expiring(self.created_at + JOB_LIFETIME)
    }
}

/// A job to accept.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: JobKind,
    pub owner: JobOwner,
    /// The request's `Idempotency-Key`: a retry with it gets the same job.
    pub idempotency_key: Option<&'a str>,
    pub input: Value,
    /// What the request found that the worker needs, beside the request:
    /// a retry with the same `Idempotency-Key` that finds things changed
    /// (its first attempt's work done) still gets the first job.
    pub found: Option<Value>,
    /// Input too large for the job's item (a pushed extract), stored in parts.
    pub payload: Option<&'a str>,
    /// How much work there is, when known (records, rows, schools).
    pub total: Option<u64>,
}

/// Stores a job and hands it to its worker. `alongside` gives the writes
/// that must commit with it (the job's id in hand: a lease named after it,
/// say); it runs only for a new job. A retry with the same
/// `Idempotency-Key` (and the same request) returns the job the first made.
pub async fn accept<F, Fut>(gatehouse: &Gatehouse, new: NewJob<'_>, alongside: F) -> Result<JobRecord>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<TransactWrite>>>,
{
    let now = gatehouse.clock.now();
    let fingerprint = {
        let mut hasher = Sha256::new();
        hasher.update(serde_json::to_vec(&(new.kind, &new.input)).unwrap_or_default());
        hasher.update(new.payload.unwrap_or_default().as_bytes());
        hex::encode(hasher.finalize())
    };
    let id = match new.idempotency_key {
        Some(key) => {
            let scope = format!("{}:{}", new.owner.scope(), new.kind.detail_type());
            let id = format!("j{}", &key_digest(&scope, key)?[..31]);
            if let Some(existing) = load(gatehouse, &id).await? {
                return same_request(existing.0, &fingerprint);
            }
            id
        }
        None => format!("j{}", &Token::generate()?.hash().as_str()[..31]),
    };
    let expires_at = now + JOB_LIFETIME;
    let parts = match new.payload {
        Some(payload) => {
            let parts = split(payload, PART_BYTES);
            let items = parts
                .iter()
                .enumerate()
                .map(|(n, part)| {
                    let key = Key::JobPart(&id, n as u32);
                    plain_item(&key, &json!({ "part": part }), 1).expiring(expires_at)
                })
                .collect();
            // Unconditional and named by the job: a retry writes the same.
            gatehouse.table.put_all(items).await?;
            parts.len() as u32
        }
        None => 0,
    };
    let record = JobRecord {
        id: id.clone(),
        kind: new.kind,
        owner: new.owner,
        state: JobState::Accepted,
        progress: new.total.map(|total| JobProgress { done: 0, total: Some(total) }),
        result: None,
        problem: None,
        input: new.input,
        found: new.found,
        parts,
        fingerprint: fingerprint.clone(),
        attempts: 0,
        created_at: now,
        updated_at: now,
    };
    let mut writes = vec![TransactWrite::Put { item: record.item(1), condition: Condition::NotExists }];
    writes.extend(alongside(id.clone()).await?);
    let event = DomainEvent { detail_type: new.kind.detail_type().to_owned(), detail: json!({ "job_id": id }) };
    writes.push(crate::store::outbox::event(event, now)?);
    match gatehouse.table.transact(writes).await {
        Ok(()) => {
            tracing::info!(job_id = %id, kind = new.kind.detail_type(), "job accepted");
            Ok(record)
        }
        // A retry with the same key that raced the first: the first's job.
        Err(StoreError::ConditionFailed { .. }) if new.idempotency_key.is_some() => match load(gatehouse, &id).await? {
            Some((existing, _)) => same_request(existing, &fingerprint),
            None => Err(Error::Conflict("the record changed meanwhile; try again")),
        },
        Err(error) => Err(error.into()),
    }
}

fn same_request(existing: JobRecord, fingerprint: &str) -> Result<JobRecord> {
    if existing.fingerprint != fingerprint {
        return Err(Error::invalid("Idempotency-Key", "this key was used for a different request"));
    }
    Ok(existing)
}

/// `text` in pieces of at most `bytes` bytes, cut on character boundaries.
fn split(text: &str, bytes: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(bytes);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        parts.push(&rest[..end]);
        rest = &rest[end..];
    }
    parts
}

async fn load(gatehouse: &Gatehouse, id: &str) -> Result<Option<(JobRecord, u64)>> {
    let key = Key::Job(id);
    let now = gatehouse.clock.now().timestamp();
    match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) if !item.is_expired_at(now) => Ok(Some((from_item(&item)?, item.version))),
        _ => Ok(None),
    }
}

/// `GET …/jobs/{job_id}`: the job, if `owner` owns it; anyone else's (or
/// none) is `NotFound`, never "forbidden".
pub async fn status(gatehouse: &Gatehouse, owner: &JobOwner, id: &JobId) -> Result<JobStatus> {
    match load(gatehouse, id.as_str()).await? {
        Some((job, _)) if job.owner == *owner => Ok(job.status()),
        _ => Err(Error::NotFound("job")),
    }
}

/// What one delivery of a job's event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkOutcome {
    Done,
    Failed,
    /// Done or failed before, or being run by another delivery: nothing to do.
    AlreadyHandled,
    /// Expired, or never stored.
    Gone,
}

/// A job its worker is running.
#[derive(Debug, Clone)]
pub struct Running {
    pub record: JobRecord,
    version: u64,
}

/// The job an event names, marked running; `Err(outcome)` when there is
/// nothing to run.
pub async fn start(
    gatehouse: &Gatehouse,
    kind: JobKind,
    detail: &Value,
) -> Result<std::result::Result<Running, WorkOutcome>> {
    let Some(id) = detail.get("job_id").and_then(Value::as_str) else {
        return Err(Error::invalid("job_id", "the event names no job"));
    };
    let Some((mut record, version)) = load(gatehouse, id).await? else {
        return Ok(Err(WorkOutcome::Gone));
    };
    if record.kind != kind {
        return Err(Error::invalid("job_id", "the event names a job of another kind"));
    }
    if record.state.is_final() {
        return Ok(Err(WorkOutcome::AlreadyHandled));
    }
    record.state = JobState::Running;
    record.attempts += 1;
    record.updated_at = gatehouse.clock.now();
    match gatehouse.table.put(record.item(version + 1), Condition::VersionIs(version)).await {
        Ok(()) => Ok(Ok(Running { record, version: version + 1 })),
        Err(StoreError::ConditionFailed { .. }) => Ok(Err(WorkOutcome::AlreadyHandled)),
        Err(error) => Err(error.into()),
    }
}

impl Running {
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// The large input, put together from its parts.
    pub async fn payload(&self, gatehouse: &Gatehouse) -> Result<String> {
        let partition = Key::Job(self.id()).pk();
        let query = Query::partition(Index::Primary, partition).with_prefix(JOB_PART_PREFIX);
        let items = query_all(gatehouse.table.as_ref(), query).await?;
        if items.len() as u32 != self.record.parts {
            let found = items.len();
            return Err(Error::Unavailable(anyhow::anyhow!("job has {found} of {} parts", self.record.parts)));
        }
        Ok(items.iter().filter_map(|item| item.attributes.get("part").and_then(Value::as_str)).collect())
    }

    fn ended(&self, gatehouse: &Gatehouse, state: JobState) -> JobRecord {
        let mut record = self.record.clone();
        record.state = state;
        record.attempts = 0;
        record.updated_at = gatehouse.clock.now();
        record
    }

    /// The write that marks the job done with `result`, for the work's own
    /// transaction: the work and its record commit together or not at all.
    pub fn done_write(&self, gatehouse: &Gatehouse, result: JobResult) -> TransactWrite {
        let mut record = self.ended(gatehouse, JobState::Done);
        if let Some(progress) = record.progress.as_mut() {
            progress.done = progress.total.unwrap_or(progress.done);
        }
        record.result = Some(result);
        TransactWrite::Put { item: record.item(self.version + 1), condition: Condition::VersionIs(self.version) }
    }

    /// Marks the job done with `result`, for work that commits no transaction of its own.
    pub async fn done(&self, gatehouse: &Gatehouse, result: JobResult) -> Result<()> {
        gatehouse.table.transact(vec![self.done_write(gatehouse, result)]).await?;
        Ok(())
    }

    /// The write that records the job as it stands (its progress, what it
    /// found), for the work's own transaction, so the two commit together:
    /// call [`Running::recorded`] once that transaction has.
    pub fn record_write(&mut self, gatehouse: &Gatehouse) -> TransactWrite {
        self.record.updated_at = gatehouse.clock.now();
        TransactWrite::Put { item: self.record.item(self.version + 1), condition: Condition::VersionIs(self.version) }
    }

    /// After a transaction with [`Running::record_write`] committed.
    pub fn recorded(&mut self) {
        self.version += 1;
    }

    /// Records how far the work has gone.
    pub async fn progress(&mut self, gatehouse: &Gatehouse, done: u64, total: Option<u64>) -> Result<()> {
        self.record.progress = Some(JobProgress { done, total });
        self.record.updated_at = gatehouse.clock.now();
        gatehouse.table.put(self.record.item(self.version + 1), Condition::VersionIs(self.version)).await?;
        self.version += 1;
        Ok(())
    }

    /// After the work failed with `error`: a store failure is retried (the
    /// error is returned, so the runtime runs the event again) until the
    /// last attempt; anything else, or the last attempt, fails the job.
    pub async fn failed(self, gatehouse: &Gatehouse, error: Error) -> Result<WorkOutcome> {
        if matches!(error, Error::Unavailable(_)) && self.record.attempts < MAX_ATTEMPTS {
            return Err(error);
        }
        let detail = match &error {
            Error::Unavailable(source) => {
                tracing::error!(job_id = %self.id(), error = ?source, "job failed");
                "Something went wrong on our side; the work was not done. Please try again.".to_owned()
            }
            other => sentence(&other.to_string()),
        };
        let mut record = self.ended(gatehouse, JobState::Failed);
        record.problem = Some(JobProblem { code: error.problem_code().as_str().to_owned(), detail });
        match gatehouse.table.put(record.item(self.version + 1), Condition::VersionIs(self.version)).await {
            Ok(()) | Err(StoreError::ConditionFailed { .. }) => {}
            Err(store) => return Err(store.into()),
        }
        tracing::warn!(job_id = %self.id(), code = error.problem_code().as_str(), "job failed");
        self.drop_parts(gatehouse).await;
        Ok(WorkOutcome::Failed)
    }

    /// Deletes the job's parts once it has ended (they would expire anyway).
    pub async fn drop_parts(&self, gatehouse: &Gatehouse) {
        for n in 0..self.record.parts {
            let key = Key::JobPart(self.id(), n);
            if let Err(error) = gatehouse.table.delete(&key.pk(), &key.sk(), Condition::Always).await {
                tracing::warn!(job_id = %self.id(), error = ?error, "job part left to expire");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_splits_under_the_part_size_on_character_boundaries() {
        let text = "é".repeat(10);
        let parts = split(&text, 3);
        assert!(parts.iter().all(|part| part.len() <= 3));
        assert_eq!(parts.concat(), text);
        assert!(split("", 3).is_empty());
    }
}
