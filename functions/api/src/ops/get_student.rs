//! `GET /api/v1/schools/{school_id}/students/{student_id}` (A1): one pupil.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{MisId, SchoolId, data_reads};
use gatehouse_model::DataRecord;

use crate::extract::AppKey;
use crate::path::IdPath;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AppKey(caller): AppKey,
    IdPath((school_id, student_id)): IdPath<(SchoolId, MisId)>,
) -> Result<Json<DataRecord>, ApiError> {
    Ok(Json(data_reads::student(&state.gatehouse, &caller, &school_id, &student_id).await?))
}
