//! `POST /api/ops/schools/{school_id}/agent-key` (G1, O1): ops issue or rotate a
//! school's MIS agent key; the secret is in this answer only.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{SchoolId, agent_keys};
use gatehouse_model::AgentKeyIssued;

use crate::path::IdPath;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    IdPath(school_id): IdPath<SchoolId>,
) -> Result<Json<AgentKeyIssued>, ApiError> {
    let key = agent_keys::issue_by_ops(&state.gatehouse, &school_id).await?;
    Ok(Json(AgentKeyIssued {
        school_id: key.school_id.to_string(),
        key_id: key.key_id,
        secret: key.secret.expose().to_owned(),
        push_url: format!("{}/api/agent/v1/extracts", state.gatehouse.settings.public_url),
        created_at: key.created_at,
    }))
}
