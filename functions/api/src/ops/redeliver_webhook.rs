//! `POST /api/partner/webhooks/{app_id}/deliveries/{delivery_id}/redeliver`
//! (A4): sends one delivery again, now, and answers with how it went.

use axum::Json;
use gatehouse_core::{AppId, DeliveryId, webhooks};
use gatehouse_model::WebhookDelivery;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, (app_id, delivery_id): IdPath<(AppId, DeliveryId)>) -> Json<WebhookDelivery> = webhooks::redeliver;
}
