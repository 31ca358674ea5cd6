//! `POST /api/partner/webhooks/{app_id}/rotate-secret` (A4): a new signing
//! secret, in this response only; the old one stops at once.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::WebhookSaved;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
) -> Result<Json<WebhookSaved>, ApiError> {
    Ok(Json(webhooks::rotate_secret(&state.gatehouse, &session, &app_id).await?))
}
