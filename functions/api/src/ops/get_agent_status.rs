//! `GET /api/agent/v1/status` (G1): the school as its agent sees it.

use axum::Json;
use gatehouse_core::ingestion;
use gatehouse_model::AgentStatus;

use crate::agent_auth::AgentKey;

pass_through! {
    pub async fn handle(AgentKey) -> Json<AgentStatus> = ingestion::agent_status;
}
