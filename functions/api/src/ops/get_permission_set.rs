//! `GET /api/partner/apps/{app_id}/permissions` (P10).

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, permissions};
use gatehouse_model::PermissionSet;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
) -> Result<Json<PermissionSet>, ApiError> {
    Ok(Json(permissions::get(&state.gatehouse, &session, &app_id).await?))
}
