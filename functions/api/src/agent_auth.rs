//! The MIS agent's credential (G1): `Authorization: Bearer <agent key>`.
//! An agent speaks for exactly one school; any failure is 401
//! `invalid_credentials`, the same as a bad app key.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::extract::bearer;
use crate::{ApiError, AppState};

pub struct AgentKey(pub gatehouse_core::agent_keys::AgentCaller);

impl FromRequestParts<AppState> for AgentKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let agent = gatehouse_core::agent_keys::authenticate(&state.gatehouse, bearer(parts)).await?;
        tracing::Span::current().record("school_id", agent.school_id.as_str());
        Ok(AgentKey(agent))
    }
}
