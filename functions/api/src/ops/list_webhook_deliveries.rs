//! `GET /api/partner/webhooks/{app_id}/deliveries` (A4): the last 30 days'
//! deliveries and dead letters, newest first.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::webhooks;
use gatehouse_model::WebhookDeliveries;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(app_id): Path<String>,
) -> Result<Json<WebhookDeliveries>, ApiError> {
    Ok(Json(webhooks::deliveries(&state.gatehouse, &session, &app_id).await?))
}
