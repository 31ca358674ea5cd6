//! #16, a person's data on request (`/api/school/people/…`): parse → one
//! `gatehouse_core::school::person_requests` function → respond. A member
//! reads; exporting, excluding and erasing take an admin (`SchoolAdmin`).
//! Another school's person is not found: every read names the session's school.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use gatehouse_core::MisId;
use gatehouse_core::school::person_requests;
use gatehouse_model::{PersonExportQuery, SchoolPeopleQuery, SchoolPersonDetail, SchoolPersonMatches};

use crate::extract::ApiQuery;
use crate::path::IdPath;
use crate::session::{SchoolAdmin, SignedInSchool};
use crate::{ApiError, AppState};

pass_through! {
    /// `GET /api/school/people?q=`.
    pub async fn search(SignedInSchool, query: ApiQuery<SchoolPeopleQuery>)
        -> Json<SchoolPersonMatches> = person_requests::search;

    /// `GET /api/school/people/{person_id}`.
    pub async fn detail(SignedInSchool, person: IdPath<MisId>) -> Json<SchoolPersonDetail> = person_requests::detail;

    /// `POST /api/school/people/{person_id}/exclusion`.
    pub async fn exclude(SchoolAdmin, person: IdPath<MisId>)
        -> Json<SchoolPersonDetail> = person_requests::exclude_everywhere;

    /// `POST /api/school/people/{person_id}/erasure`.
    pub async fn erase(SchoolAdmin, person: IdPath<MisId>) -> Json<SchoolPersonDetail> = person_requests::erase;
}

/// `GET /api/school/people/{person_id}/export?format=json|html`: a file to download.
pub async fn export(
    State(state): State<AppState>,
    SchoolAdmin(session): SchoolAdmin,
    IdPath(mis_id): IdPath<MisId>,
    ApiQuery(query): ApiQuery<PersonExportQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let file = person_requests::export(&state.gatehouse, &session, &mis_id, query.format.as_deref()).await?;
    let disposition = format!("attachment; filename=\"{}\"", file.filename);
    Ok((
        [
            (CONTENT_TYPE, file.content_type.to_owned()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        file.body,
    ))
}
