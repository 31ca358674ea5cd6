//! `GET /api/partner/webhooks/{app_id}/deliveries` (A4): the last 30 days'
//! deliveries and dead letters, newest first.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::WebhookDeliveries;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
) -> Result<Json<WebhookDeliveries>, ApiError> {
    Ok(Json(webhooks::deliveries(&state.gatehouse, &session, &app_id).await?))
}
