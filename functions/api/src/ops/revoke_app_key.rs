//! `POST /api/partner/apps/{app_id}/keys/{key_id}/revoke` (A1).

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::app_keys;
use gatehouse_model::AppKeyList;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((app_id, key_id)): Path<(String, String)>,
) -> Result<Json<AppKeyList>, ApiError> {
    Ok(Json(app_keys::revoke(&state.gatehouse, &session, &app_id, &key_id).await?))
}
