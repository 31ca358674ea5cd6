//! `POST /api/partner/webhooks/{app_id}/deliveries/{delivery_id}/redeliver`
//! (A4): sends one delivery again, now, and answers with how it went.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::webhooks;
use gatehouse_model::WebhookDelivery;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((app_id, delivery_id)): Path<(String, String)>,
) -> Result<Json<WebhookDelivery>, ApiError> {
    Ok(Json(webhooks::redeliver(&state.gatehouse, &session, &app_id, &delivery_id).await?))
}
