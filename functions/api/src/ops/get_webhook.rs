//! `GET /api/partner/webhooks/{app_id}` (A4): the app's webhook, never its secret.

use axum::Json;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::WebhookSettings;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>) -> Json<WebhookSettings> = webhooks::settings;
}
