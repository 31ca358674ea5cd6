//! `GET /api/partner/schools` (P2–P4): one page of one view of an app's schools.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{AppId, schools};
use gatehouse_model::{ListSchoolsQuery, SchoolPage};

use crate::extract::ApiQuery;
use crate::path::query_id;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiQuery(query): ApiQuery<ListSchoolsQuery>,
) -> Result<Json<SchoolPage>, ApiError> {
    let app = query_id::<AppId>(query.app.as_deref())?;
    Ok(Json(schools::list(&state.gatehouse, &session, app.as_ref(), &query).await?))
}
