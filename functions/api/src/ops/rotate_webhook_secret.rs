//! `POST /api/partner/webhooks/{app_id}/rotate-secret` (A4): a new signing
//! secret, in this response only; the old one stops at once.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::webhooks;
use gatehouse_model::WebhookSaved;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(app_id): Path<String>,
) -> Result<Json<WebhookSaved>, ApiError> {
    Ok(Json(webhooks::rotate_secret(&state.gatehouse, &session, &app_id).await?))
}
