//! `POST /api/partner/webhooks/{app_id}` (A4): set the URL or switch delivery
//! off; the first save returns the signing secret, this once.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, webhooks};
use gatehouse_model::{SetWebhook, WebhookSaved};

use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
    ApiJson(request): ApiJson<SetWebhook>,
) -> Result<Json<WebhookSaved>, ApiError> {
    Ok(Json(webhooks::set(&state.gatehouse, &session, &app_id, &request).await?))
}
