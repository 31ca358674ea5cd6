//! `POST /api/ops/auth/session` (O1): a operations console link token in, its session cookie out.

use axum::extract::State;
use gatehouse_core::auth;
use gatehouse_model::{AccountKind, OpsMe, SessionRequest};

use crate::extract::ApiJson;
use crate::session::sign_in::{self, WithCookie};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<WithCookie<OpsMe>, ApiError> {
    let session = auth::create_ops_session(&state.gatehouse, &request.token).await?;
    Ok(sign_in::signed_in(&state, AccountKind::Ops, session))
}
