//! `POST /api/partner/webhooks/{app_id}/rotate-secret` (A4): a new signing
//! secret, in this response only; the old one stops at once.

use axum::Json;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::WebhookSaved;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>) -> Json<WebhookSaved> = webhooks::rotate_secret;
}
