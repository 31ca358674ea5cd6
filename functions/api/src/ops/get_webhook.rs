//! `GET /api/partner/webhooks/{app_id}` (A4): the app's webhook, never its secret.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::WebhookSettings;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
) -> Result<Json<WebhookSettings>, ApiError> {
    Ok(Json(webhooks::settings(&state.gatehouse, &session, &app_id).await?))
}
