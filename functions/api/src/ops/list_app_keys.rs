//! `GET /api/partner/apps/{app_id}/keys` (A1): an app's keys, never their secrets.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, app_keys};
use gatehouse_model::AppKeyList;

use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
) -> Result<Json<AppKeyList>, ApiError> {
    Ok(Json(app_keys::list(&state.gatehouse, &session, &app_id).await?))
}
