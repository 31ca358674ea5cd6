//! `POST /api/partner/apps/{app_id}/keys` (A1): a new key; its secret is in this response only.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::app_keys;
use gatehouse_model::{CreateAppKey, CreatedAppKey};

use crate::extract::ApiJson;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(app_id): Path<String>,
    ApiJson(request): ApiJson<CreateAppKey>,
) -> Result<Json<CreatedAppKey>, ApiError> {
    Ok(Json(app_keys::create(&state.gatehouse, &session, &app_id, &request).await?))
}
