//! `POST /api/auth/logout` (P1): revokes the session and clears the cookie.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use gatehouse_core::auth;

use crate::session::SessionCookie;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    cookie: Option<SessionCookie>,
) -> Result<(StatusCode, [(axum::http::HeaderName, String); 1]), ApiError> {
    if let Some(SessionCookie(raw)) = cookie {
        auth::logout(&state.gatehouse, &raw).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, state.cookies.cleared_cookie())]))
}
