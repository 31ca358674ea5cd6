//! `POST /api/partner/webhooks/{app_id}` (A4): set the URL or switch delivery
//! off; the first save returns the signing secret, this once.

use axum::Json;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::{SetWebhook, WebhookSaved};

use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>, request: ApiJson<SetWebhook>) -> Json<WebhookSaved> = webhooks::set;
}
