//! The partner's support cases (P9), `/api/partner/cases...`: one handler
//! per operation (list, open, get, comment, escalate, close, reopen), each
//! parse → one `gatehouse_core::cases` function → respond. Another
//! partner's case is a 404.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{CaseId, cases};
use gatehouse_model::{CaseCommentRequest, CaseDetail, CaseListQuery, CasePage, EscalateCaseRequest, NewCase};

use crate::extract::{ApiJson, ApiQuery, IdempotencyKey};
use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

/// `GET /api/partner/cases`: the Active Cases tab or the archive, paged.
pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiQuery(query): ApiQuery<CaseListQuery>,
) -> Result<Json<CasePage>, ApiError> {
    let page = cases::list_for_partner(
        &state.gatehouse,
        &session.partner_id,
        query.filter,
        query.cursor.as_deref(),
        query.limit,
    )
    .await?;
    Ok(Json(page))
}

/// `POST /api/partner/cases`: New Case.
pub async fn open(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<NewCase>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(cases::open_case(&state.gatehouse, &session, &request, key.as_deref()).await?))
}

pass_through! {
    /// `GET /api/partner/cases/{case_id}`: the case page.
    pub async fn get(SignedIn, case_id: IdPath<CaseId>) -> CaseDetail = cases::get_for_partner;
}

/// `POST /api/partner/cases/{case_id}/comments`: Add comment.
pub async fn comment(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(case_id): IdPath<CaseId>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<CaseCommentRequest>,
) -> Result<Json<CaseDetail>, ApiError> {
    let detail = cases::comment_as_partner(&state.gatehouse, &session, &case_id, &request.text, key.as_deref()).await?;
    Ok(Json(detail))
}

/// `POST /api/partner/cases/{case_id}/escalate`.
pub async fn escalate(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(case_id): IdPath<CaseId>,
    ApiJson(request): ApiJson<EscalateCaseRequest>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(cases::escalate(&state.gatehouse, &session, &case_id, &request.reason).await?))
}

pass_through! {
    /// `POST /api/partner/cases/{case_id}/close`.
    pub async fn close(SignedIn, case_id: IdPath<CaseId>) -> CaseDetail = cases::close_as_partner;

    /// `POST /api/partner/cases/{case_id}/reopen`.
    pub async fn reopen(SignedIn, case_id: IdPath<CaseId>) -> CaseDetail = cases::reopen;
}
