//! `GET /api/v1/schools/{school_id}/groups` (A1, A3): the school's classes and groups shared with the app.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::data_reads;
use gatehouse_model::{DataPage, DataQuery, Resource};

use crate::extract::{ApiQuery, AppKey};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AppKey(caller): AppKey,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<DataQuery>,
) -> Result<Json<DataPage>, ApiError> {
    Ok(Json(data_reads::list(&state.gatehouse, &caller, &school_id, Resource::Groups, &query).await?))
}
