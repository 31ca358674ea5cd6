//! `GET /api/partner/webhooks/{app_id}/deliveries` (A4): the last 30 days'
//! deliveries and dead letters, newest first.

use axum::Json;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::WebhookDeliveries;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>) -> Json<WebhookDeliveries> = webhooks::deliveries;
}
