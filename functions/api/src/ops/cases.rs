//! The partner's support cases (P9), `/api/partner/cases...`: one handler
//! per operation (list, open, get, comment, escalate, close, reopen), each
//! parse → one `gatehouse_core::cases` function → respond. Another
//! partner's case is a 404.

use axum::Json;
use gatehouse_core::{CaseId, cases};
use gatehouse_model::{CaseCommentRequest, CaseDetail, CaseListQuery, CasePage, EscalateCaseRequest, NewCase};

use crate::extract::{ApiJson, ApiQuery};
use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    /// `GET /api/partner/cases`: the Active Cases tab or the archive, paged.
    pub async fn list(SignedIn, query: ApiQuery<CaseListQuery>) -> Json<CasePage> = cases::list_for_partner;

    /// `POST /api/partner/cases`: New Case.
    pub async fn open(SignedIn, key: IdempotencyKey, request: ApiJson<NewCase>) -> Json<CaseDetail> = cases::open_case;

    /// `GET /api/partner/cases/{case_id}`: the case page.
    pub async fn get(SignedIn, case_id: IdPath<CaseId>) -> Json<CaseDetail> = cases::get_for_partner;

    /// `POST /api/partner/cases/{case_id}/comments`: Add comment.
    pub async fn comment(SignedIn, case_id: IdPath<CaseId>, key: IdempotencyKey, request: ApiJson<CaseCommentRequest>)
        -> Json<CaseDetail> = cases::comment_as_partner;

    /// `POST /api/partner/cases/{case_id}/escalate`.
    pub async fn escalate(SignedIn, case_id: IdPath<CaseId>, request: ApiJson<EscalateCaseRequest>)
        -> Json<CaseDetail> = cases::escalate;

    /// `POST /api/partner/cases/{case_id}/close`.
    pub async fn close(SignedIn, case_id: IdPath<CaseId>) -> Json<CaseDetail> = cases::close_as_partner;

    /// `POST /api/partner/cases/{case_id}/reopen`.
    pub async fn reopen(SignedIn, case_id: IdPath<CaseId>) -> Json<CaseDetail> = cases::reopen;
}
