//! `GET /api/agent/v1/jobs/{job_id}` (G1, #15): one of the agent's jobs.

use axum::Json;
use gatehouse_core::{JobId, ingestion};
use gatehouse_model::JobStatus;

use crate::agent_auth::AgentKey;
use crate::path::IdPath;

pass_through! {
    pub async fn handle(AgentKey, job: IdPath<JobId>) -> Json<JobStatus> = ingestion::agent_job;
}
