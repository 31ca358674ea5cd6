//! `GET /api/partner/apps/{app_id}/keys` (A1): an app's keys, never their secrets.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::app_keys;
use gatehouse_model::AppKeyList;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(app_id): Path<String>,
) -> Result<Json<AppKeyList>, ApiError> {
    Ok(Json(app_keys::list(&state.gatehouse, &session, &app_id).await?))
}
