//! The job workers (#15): each kind of job's event consumer runs here, by
//! kind, for the Lambda binary, the local in-process bus and the tests.
//! `store::background` keeps the job's record; each kind's work lives in
//! its room.

use gatehouse_model::JobKind;
use serde_json::Value;

use crate::store::background::{self, WorkOutcome};
use crate::{Gatehouse, Result, directory_admin, ingestion, permissions, portal_data};

/// Runs the job a `job.*` event names, as its kind's worker function (and
/// under that function's access declaration). An `Err` is worth retrying
/// (the store failed): the job is still running and a retry runs it again.
pub async fn run(gatehouse: &Gatehouse, kind: JobKind, detail: &Value) -> Result<WorkOutcome> {
    crate::base::access::running(kind.worker(), work(gatehouse, kind, detail)).await
}

/// The kind whose worker is called `name`.
pub fn kind_of_worker(name: &str) -> Option<JobKind> {
    JobKind::ALL.into_iter().find(|kind| kind.worker() == name)
}

/// The kind whose events have this `detail-type`.
pub fn kind_of_event(detail_type: &str) -> Option<JobKind> {
    JobKind::ALL.into_iter().find(|kind| kind.detail_type() == detail_type)
}

async fn work(gatehouse: &Gatehouse, kind: JobKind, detail: &Value) -> Result<WorkOutcome> {
    let mut job = match background::start(gatehouse, kind, detail).await? {
        Ok(job) => job,
        Err(nothing_to_do) => return Ok(nothing_to_do),
    };
    let worked = match kind {
        JobKind::PushExtract => ingestion::apply_pushed(gatehouse, &job).await,
        JobKind::ReleaseHeldExtract => portal_data::release_job(gatehouse, &job).await,
        JobKind::PermissionSetFanOut => permissions::fan_out(gatehouse, &mut job).await,
        JobKind::ImportDirectory => directory_admin::import_job(gatehouse, &mut job).await,
    };
    match worked {
        Ok(()) => {
            job.drop_parts(gatehouse).await;
            Ok(WorkOutcome::Done)
        }
        Err(error) => job.failed(gatehouse, error).await,
    }
}
