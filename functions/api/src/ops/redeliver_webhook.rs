//! `POST /api/partner/webhooks/{app_id}/deliveries/{delivery_id}/redeliver`
//! (A4): sends one delivery again, now, and answers with how it went.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, DeliveryId, webhooks};
use gatehouse_model::WebhookDelivery;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath((app_id, delivery_id)): IdPath<(AppId, DeliveryId)>,
) -> Result<Json<WebhookDelivery>, ApiError> {
    Ok(Json(webhooks::redeliver(&state.gatehouse, &session, &app_id, &delivery_id).await?))
}
