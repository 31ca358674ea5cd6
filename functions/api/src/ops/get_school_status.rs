//! `GET /api/v1/schools/{school_id}/status` (A2): Test Connection.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{SchoolId, data_api};
use gatehouse_model::SchoolConnection;

use crate::extract::AppKey;
use crate::path::IdPath;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AppKey(caller): AppKey,
    IdPath(school_id): IdPath<SchoolId>,
) -> Result<Json<SchoolConnection>, ApiError> {
    Ok(Json(data_api::status(&state.gatehouse, &caller, &school_id).await?))
}
