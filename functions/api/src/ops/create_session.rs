//! `POST /api/auth/session` (P1), `/api/school/auth/session` (S3) and
//! `/api/ops/auth/session` (O1): a link token in, the session cookie of the
//! kind of account `K` out.

use axum::extract::State;
use gatehouse_model::SessionRequest;

use crate::extract::ApiJson;
use crate::session::sign_in::{self, Kind, WithCookie};
use crate::{ApiError, AppState};

pub async fn handle<K: Kind>(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<WithCookie<K::Me>, ApiError> {
    let session = K::create_session(&state.gatehouse, &request.token).await?;
    Ok(sign_in::signed_in(&state, K::KIND, session))
}
