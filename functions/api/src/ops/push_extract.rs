//! `POST /api/agent/v1/extracts` (G1, #15): the MIS agent pushes its
//! school's data; a job applies it, and the agent polls the job.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_core::ingestion::{self, Pushed};
use gatehouse_model::Extract;

use crate::agent_auth::AgentKey;
use crate::extract::{ApiJson, IdempotencyKey};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AgentKey(agent): AgentKey,
    IdempotencyKey(key): IdempotencyKey,
    // Ingestion rejects a record with a control character and keeps the rest.
    ApiJson(extract): ApiJson<Extract, false>,
) -> Result<Response, ApiError> {
    Ok(match ingestion::accept_push(&state.gatehouse, &agent, &extract, key.as_deref()).await? {
        Pushed::Accepted(job) => super::Accepted::from(job).into_response(),
        // The agent's protocol (G1): nothing could be taken, and the receipt says why.
        Pushed::Rejected(receipt) => (StatusCode::UNPROCESSABLE_ENTITY, Json(receipt)).into_response(),
    })
}
