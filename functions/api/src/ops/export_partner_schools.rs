//! `GET /api/partner/schools/export` (P5): the filtered, sorted view as a CSV
//! download, every page of it, streamed in chunks so a large list starts
//! downloading at once. (API Gateway buffers Lambda responses up to 6 MB,
//! about 25,000 rows; the local server streams.)

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use gatehouse_core::{AppId, schools};
use gatehouse_model::ListSchoolsQuery;

use crate::csv_export::schools_csv_chunks;
use crate::extract::ApiQuery;
use crate::path::query_id;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiQuery(query): ApiQuery<ListSchoolsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let app = query_id::<AppId>(query.app.as_deref())?;
    let rows = schools::export(&state.gatehouse, &session, app.as_ref(), &query).await?;
    let chunks = schools_csv_chunks(query.view, rows).map(|chunk| chunk.map_err(std::io::Error::other));
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    let date = state.gatehouse.clock.now().format("%Y-%m-%d");
    let disposition = format!("attachment; filename=\"{}-schools-{date}.csv\"", query.view.as_str());
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, disposition)], body))
}
