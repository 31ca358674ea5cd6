//! `POST /api/partner/apps/{app_id}/permissions` (P10): the whole new set.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, permissions};
use gatehouse_model::{PermissionSetSaved, UpdatePermissionSet};

use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
    ApiJson(request): ApiJson<UpdatePermissionSet>,
) -> Result<Json<PermissionSetSaved>, ApiError> {
    Ok(Json(permissions::update(&state.gatehouse, &session, &app_id, &request).await?))
}
