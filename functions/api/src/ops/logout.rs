//! `POST /api/auth/logout` (P1), `/api/school/auth/logout` (S3) and
//! `/api/ops/auth/logout` (O1): ends the session of portal `K` and clears
//! its cookie. One handler, mounted once per kind of account, like the
//! sign-in exchange.

use axum::extract::State;
use axum::http::StatusCode;

use crate::session::sign_in::Kind;
use crate::session::{AnySessionCookies, sign_in};
use crate::{ApiError, AppState};

pub async fn handle<K: Kind>(
    State(state): State<AppState>,
    cookies: AnySessionCookies,
) -> Result<(StatusCode, [(axum::http::HeaderName, String); 1]), ApiError> {
    sign_in::logout(&state, K::KIND, &cookies).await
}
