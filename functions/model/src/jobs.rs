//! Long work off the request path (#15): an operation that may outlast the
//! API's 30 s answers `202` with a job, which a worker function runs; the
//! caller polls the job's status until it is done or failed.

use serde::{Deserialize, Serialize};

use crate::{DirectoryImportReport, ExtractReceipt, HeldExtractDecision, PermissionSetSaved};

/// What kind of work a job does: one per operation that answers with a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// An MIS agent's extract (`POST /api/agent/v1/extracts`).
    PushExtract,
    /// A held extract released past the deletion guard, by the school or
    /// support (`POST …/held-extract/release`).
    ReleaseHeldExtract,
    /// A saved permission set asking each authorised school to approve what
    /// it has not granted (`POST /api/partner/apps/{app_id}/permissions`).
    PermissionSetFanOut,
    /// A part of the school register written to the directory
    /// (`POST /api/ops/directory/import`).
    ImportDirectory,
}

impl JobKind {
    pub const ALL: [JobKind; 4] =
        [JobKind::PushExtract, JobKind::ReleaseHeldExtract, JobKind::PermissionSetFanOut, JobKind::ImportDirectory];

    /// The event consumer (`EVENT_CONSUMERS`) that runs this kind of job.
    pub fn worker(self) -> &'static str {
        match self {
            JobKind::PushExtract => "push_extract_worker",
            JobKind::ReleaseHeldExtract => "release_held_extract_worker",
            JobKind::PermissionSetFanOut => "permission_set_fan_out_worker",
            JobKind::ImportDirectory => "import_directory_worker",
        }
    }

    /// The `detail-type` of the event that hands a job of this kind to its
    /// worker; its detail is `{"job_id": …}` and nothing else.
    pub fn detail_type(self) -> &'static str {
        match self {
            JobKind::PushExtract => "job.push_extract",
            JobKind::ReleaseHeldExtract => "job.release_held_extract",
            JobKind::PermissionSetFanOut => "job.permission_set_fan_out",
            JobKind::ImportDirectory => "job.import_directory",
        }
    }
}

/// Where a job is: accepted → running → done | failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Stored, waiting for its worker.
    Accepted,
    /// Its worker has started (a failed attempt is retried from the start).
    Running,
    /// Finished: `result` says what it did.
    Done,
    /// Stopped: `problem` says why.
    Failed,
}

impl JobState {
    /// Done or failed: polling again changes nothing.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed)
    }
}

/// The `202` answer of an operation that runs as a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "job_id": "j_3kT9cWq1Zr8Lm2Xv",
    "state": "accepted",
    "status_url": "/api/agent/v1/jobs/j_3kT9cWq1Zr8Lm2Xv"
})))]
pub struct JobAccepted {
    pub job_id: String,
    pub state: JobState,
    /// Where to poll the job (a path on this API) until it is done or failed.
    pub status_url: String,
}

/// How far a job has gone, where that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProgress {
    pub done: u64,
    pub total: Option<u64>,
}

/// Why a job failed: a problem code (as in a `Problem`) and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProblem {
    pub code: String,
    pub detail: String,
}

/// What a finished job did: the answer the operation gave before it ran as a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobResult {
    /// A push's receipt: applied, held by the deletion guard, or rejected.
    Extract(ExtractReceipt),
    /// A held extract's release: what the release answered before it ran as a job.
    HeldExtract(HeldExtractDecision),
    /// A permission set's save: what it changed and how many schools were asked.
    PermissionSet(PermissionSetSaved),
    /// A part of the register imported: what it did.
    DirectoryImport(DirectoryImportReport),
}

/// `GET …/jobs/{job_id}`: one job as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobStatus {
    pub job_id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub progress: Option<JobProgress>,
    /// When done.
    pub result: Option<JobResult>,
    /// When failed.
    pub problem: Option<JobProblem>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

impl JobStatus {
    /// The receipt of a finished push or release.
    pub fn receipt(&self) -> Option<&ExtractReceipt> {
        match &self.result {
            Some(JobResult::Extract(receipt)) => Some(receipt),
            Some(JobResult::HeldExtract(decision)) => decision.receipt.as_ref(),
            Some(JobResult::PermissionSet(_) | JobResult::DirectoryImport(_)) | None => None,
        }
    }
}
