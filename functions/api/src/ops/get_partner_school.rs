//! `GET /api/partner/schools/{school_id}` (P8): the school tile.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::school_actions;
use gatehouse_model::{AppQuery, SchoolDetail};

use crate::extract::ApiQuery;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<AppQuery>,
) -> Result<Json<SchoolDetail>, ApiError> {
    Ok(Json(school_actions::detail(&state.gatehouse, &session, query.app.as_deref(), &school_id).await?))
}
