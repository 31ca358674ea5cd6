//! `GET /api/agent/v1/status` (G1): the school as its agent sees it.

use axum::Json;
use axum::extract::State;
use gatehouse_core::ingestion;
use gatehouse_model::AgentStatus;

use crate::agent_auth::AgentKey;
use crate::{ApiError, AppState};

pub async fn handle(State(state): State<AppState>, AgentKey(agent): AgentKey) -> Result<Json<AgentStatus>, ApiError> {
    Ok(Json(ingestion::agent_status(&state.gatehouse, &agent).await?))
}
