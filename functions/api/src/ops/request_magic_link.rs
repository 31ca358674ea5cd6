//! `POST /api/auth/magic-link` (P1): 202 with the same body whether or not the
//! address has an account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_core::auth;
use gatehouse_model::{MagicLinkAccepted, MagicLinkRequest};

use crate::extract::{ApiJson, ClientIp};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> Result<(StatusCode, Json<MagicLinkAccepted>), ApiError> {
    auth::request_magic_link(&state.gatehouse, &request.email, &client.0).await?;
    let accepted = MagicLinkAccepted {
        message: "If this address belongs to a Gatehouse account, a sign-in link is on its way.".to_owned(),
        expires_in_minutes: auth::LINK_LIFETIME.num_minutes() as u32,
    };
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}
