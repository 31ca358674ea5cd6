//! `GET /api/partner/schools/export` (P5): the filtered, sorted view as a CSV
//! download, every page of it.

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use gatehouse_core::{Error, schools};
use gatehouse_model::ListSchoolsQuery;

use crate::csv_export::schools_csv;
use crate::extract::ApiQuery;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiQuery(query): ApiQuery<ListSchoolsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let rows = schools::export(&state.gatehouse, &session, &query).await?;
    let csv = schools_csv(query.view, &rows).map_err(|e| Error::Unavailable(e.into()))?;
    let date = state.gatehouse.clock.now().format("%Y-%m-%d");
    let disposition = format!("attachment; filename=\"{}-schools-{date}.csv\"", query.view.as_str());
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, disposition)], csv))
}
