//! `GET /api/v1/schools/{school_id}/explain?mis_id=`: why a person is missing.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{MisId, SchoolId, data_reads};
use gatehouse_model::{ExplainQuery, Explanation};

use crate::extract::{ApiQuery, AppKey};
use crate::path::IdPath;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AppKey(caller): AppKey,
    IdPath(school_id): IdPath<SchoolId>,
    ApiQuery(query): ApiQuery<ExplainQuery>,
) -> Result<Json<Explanation>, ApiError> {
    Ok(Json(data_reads::explain(&state.gatehouse, &caller, &school_id, &MisId::parse(&query.mis_id)?).await?))
}
