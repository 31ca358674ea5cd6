//! The support queue in the operations console (O1), `/api/ops/cases...`:
//! one handler per operation, each parse → one `gatehouse_core::cases`
//! support function → respond. Ops see every partner's cases.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{CaseId, cases};
use gatehouse_model::{CaseDetail, CasePage, QueueFilter, ReassignCase, SupportQueueQuery, SupportReply};

use crate::extract::{ApiJson, ApiQuery, IdempotencyKey};
use crate::path::IdPath;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

/// `GET /api/ops/cases?filter=&cursor=&limit=`: one state's queue, escalated
/// first; new (`open`) cases when no filter is given.
pub async fn queue(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiQuery(query): ApiQuery<SupportQueueQuery>,
) -> Result<Json<CasePage>, ApiError> {
    let filter = query.filter.unwrap_or(QueueFilter::Open);
    Ok(Json(cases::queue(&state.gatehouse, filter, query.cursor.as_deref(), query.limit).await?))
}

pass_through! {
    /// `GET /api/ops/cases/{case_id}`.
    pub async fn get(_: SignedInOps, case_id: IdPath<CaseId>) -> Json<CaseDetail> = cases::get_for_support;

    /// `POST /api/ops/cases/{case_id}/reassign`.
    pub async fn reassign(_: SignedInOps, case_id: IdPath<CaseId>, request: ApiJson<ReassignCase>)
        -> Json<CaseDetail> = cases::reassign;
}

/// `POST /api/ops/cases/{case_id}/reply`: signed with the ops user's name.
pub async fn reply(
    State(state): State<AppState>,
    SignedInOps(ops): SignedInOps,
    IdPath(case_id): IdPath<CaseId>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(reply): ApiJson<SupportReply>,
) -> Result<Json<CaseDetail>, ApiError> {
    let detail =
        cases::reply_as_support(&state.gatehouse, &case_id, &ops.display_name, &reply.text, key.as_deref()).await?;
    Ok(Json(detail))
}

/// `POST /api/ops/cases/{case_id}/close`.
pub async fn close(
    State(state): State<AppState>,
    SignedInOps(ops): SignedInOps,
    IdPath(case_id): IdPath<CaseId>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(cases::close_as_support(&state.gatehouse, &case_id, &ops.display_name).await?))
}
