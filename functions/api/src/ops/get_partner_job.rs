//! `GET /api/partner/jobs/{job_id}` (P10, #15): one of the partner's jobs.

use axum::Json;
use gatehouse_core::{JobId, permissions};
use gatehouse_model::JobStatus;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, job: IdPath<JobId>) -> Json<JobStatus> = permissions::partner_job;
}
