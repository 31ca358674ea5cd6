//! `POST /api/auth/logout` (P1): revokes the session and clears the cookie.

use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_model::AccountKind;

use crate::session::{AnySessionCookies, sign_in};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    cookies: AnySessionCookies,
) -> Result<(StatusCode, [(axum::http::HeaderName, String); 1]), ApiError> {
    sign_in::logout(&state, AccountKind::Partner, &cookies).await
}
