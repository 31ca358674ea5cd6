//! `POST /api/auth/magic-link` (P1), `/api/school/auth/magic-link` (S3) and
//! `/api/ops/auth/magic-link` (O1): a sign-in link for the kind of account
//! `K`; 202 with the same body whether or not the address has an account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_model::{MagicLinkAccepted, MagicLinkRequest};

use crate::extract::{ApiJson, ClientIp};
use crate::session::sign_in::{self, Kind};
use crate::{ApiError, AppState};

pub async fn handle<K: Kind>(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> Result<(StatusCode, Json<MagicLinkAccepted>), ApiError> {
    sign_in::request_link(&state, K::KIND, &client.0, &request).await
}
