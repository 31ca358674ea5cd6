//! `GET /api/directory/schools?q=` (P7): find a school to invite.

use axum::Json;
use axum::extract::State;
use gatehouse_core::directory;
use gatehouse_model::{DirectoryQuery, DirectoryResults};

use crate::extract::ApiQuery;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(_session): SignedIn,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> Result<Json<DirectoryResults>, ApiError> {
    Ok(Json(directory::search(state.gatehouse.table.as_ref(), &query.q).await?))
}
