//! `GET /api/partner/webhooks/{app_id}` (A4): the app's webhook, never its secret.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::webhooks;
use gatehouse_model::WebhookSettings;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(app_id): Path<String>,
) -> Result<Json<WebhookSettings>, ApiError> {
    Ok(Json(webhooks::settings(&state.gatehouse, &session, &app_id).await?))
}
