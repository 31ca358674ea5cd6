//! `POST /api/partner/apps/{app_id}/keys/{key_id}/revoke` (A1).

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, KeyId, app_keys};
use gatehouse_model::AppKeyList;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath((app_id, key_id)): IdPath<(AppId, KeyId)>,
) -> Result<Json<AppKeyList>, ApiError> {
    Ok(Json(app_keys::revoke(&state.gatehouse, &session, &app_id, &key_id).await?))
}
