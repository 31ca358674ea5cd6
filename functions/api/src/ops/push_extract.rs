//! `POST /api/agent/v1/extracts` (G1): the MIS agent pushes its school's data.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_core::ingestion;
use gatehouse_model::{Extract, ExtractReceipt};

use crate::agent_auth::AgentKey;
use crate::extract::ApiJson;
use crate::{ApiError, AppState, problem};

pub async fn handle(
    State(state): State<AppState>,
    AgentKey(agent): AgentKey,
    // Ingestion rejects a record with a control character and keeps the rest.
    ApiJson(extract): ApiJson<Extract, false>,
) -> Result<(StatusCode, Json<ExtractReceipt>), ApiError> {
    let receipt = ingestion::push(&state.gatehouse, &agent, &extract).await?;
    Ok((problem::extract_status(receipt.outcome), Json(receipt)))
}
