//! `GET /api/v1/schools` (A1, A2): the calling app's schools and their states.

use axum::Json;
use axum::extract::State;
use gatehouse_core::data_api;
use gatehouse_model::AppSchools;

use crate::extract::AppKey;
use crate::{ApiError, AppState};

pub async fn handle(State(state): State<AppState>, AppKey(caller): AppKey) -> Result<Json<AppSchools>, ApiError> {
    Ok(Json(data_api::schools(&state.gatehouse, &caller).await?))
}
