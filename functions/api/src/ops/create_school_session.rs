//! `POST /api/school/auth/session` (S3): a school portal link token in, its session cookie out.

use axum::extract::State;
use gatehouse_core::auth;
use gatehouse_model::{AccountKind, SchoolMe, SessionRequest};

use crate::extract::ApiJson;
use crate::session::sign_in::{self, WithCookie};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<WithCookie<SchoolMe>, ApiError> {
    let session = auth::create_school_session(&state.gatehouse, &request.token).await?;
    Ok(sign_in::signed_in(&state, AccountKind::School, session))
}
