//! `GET /api/v1/schools/{school_id}/explain?mis_id=`: why a person is missing.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::data_reads;
use gatehouse_model::{ExplainQuery, Explanation};

use crate::extract::{ApiQuery, AppKey};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AppKey(caller): AppKey,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<ExplainQuery>,
) -> Result<Json<Explanation>, ApiError> {
    Ok(Json(data_reads::explain(&state.gatehouse, &caller, &school_id, &query.mis_id).await?))
}
