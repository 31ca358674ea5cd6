//! `POST /api/partner/apps/{app_id}/keys` (A1): a new key; its secret is in this response only.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, app_keys};
use gatehouse_model::{CreateAppKey, CreatedAppKey};

use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
    ApiJson(request): ApiJson<CreateAppKey>,
) -> Result<Json<CreatedAppKey>, ApiError> {
    Ok(Json(app_keys::create(&state.gatehouse, &session, &app_id, &request).await?))
}
