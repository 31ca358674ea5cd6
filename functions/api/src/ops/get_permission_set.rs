//! `GET /api/partner/apps/{app_id}/permissions` (P10).

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::permissions;
use gatehouse_model::PermissionSet;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(app_id): Path<String>,
) -> Result<Json<PermissionSet>, ApiError> {
    Ok(Json(permissions::get(&state.gatehouse, &session, &app_id).await?))
}
