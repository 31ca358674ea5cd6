//! `POST /api/auth/session` (P1): a link token in, a session cookie out.

use axum::extract::State;
use gatehouse_core::auth;
use gatehouse_model::{AccountKind, Me, SessionRequest};

use crate::extract::ApiJson;
use crate::session::sign_in::{self, WithCookie};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<WithCookie<Me>, ApiError> {
    let session = auth::create_session(&state.gatehouse, &request.token).await?;
    Ok(sign_in::signed_in(&state, AccountKind::Partner, session))
}
