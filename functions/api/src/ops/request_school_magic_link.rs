//! `POST /api/school/auth/magic-link` (S3): a sign-in link to the school portal; 202 with
//! the same body whether or not the address has an account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_model::{AccountKind, MagicLinkAccepted, MagicLinkRequest};

use crate::extract::{ApiJson, ClientIp};
use crate::session::sign_in;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> Result<(StatusCode, Json<MagicLinkAccepted>), ApiError> {
    sign_in::request_link(&state, AccountKind::School, &client.0, &request).await
}
