//! `POST /api/auth/session` (P1): a link token in, a session cookie out.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use gatehouse_core::auth;
use gatehouse_model::{Me, SessionRequest};

use crate::extract::ApiJson;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<([(axum::http::HeaderName, String); 1], Json<Me>), ApiError> {
    let session = auth::create_session(&state.gatehouse, &request.token).await?;
    let cookie = state.cookies.session_cookie(&session.token, auth::SESSION_LIFETIME);
    Ok(([(SET_COOKIE, cookie)], Json(session.me)))
}
