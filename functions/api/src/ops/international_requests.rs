//! International school requests (P7, O1): the partner's form and list,
//! `/api/partner/international-requests`, and the ops queue with accept and
//! decline, `/api/ops/international-requests...`.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{RequestId, international};
use gatehouse_model::{
    AcceptInternationalRequest, DeclineInternationalRequest, InternationalRequest, InternationalRequestList,
    InternationalRequestQuery, NewInternationalRequest,
};

use crate::extract::{ApiJson, ApiQuery, IdempotencyKey};
use crate::path::IdPath;
use crate::session::{SignedIn, SignedInOps};
use crate::{ApiError, AppState};

/// `POST /api/partner/international-requests`.
pub async fn submit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<NewInternationalRequest>,
) -> Result<Json<InternationalRequest>, ApiError> {
    Ok(Json(international::submit(&state.gatehouse, &session, &request, key.as_deref()).await?))
}

pass_through! {
    /// `GET /api/partner/international-requests`: the partner's own requests.
    pub async fn list_mine(SignedIn) -> InternationalRequestList = international::list_for_partner;
}

/// `GET /api/ops/international-requests?state=`.
pub async fn queue(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiQuery(query): ApiQuery<InternationalRequestQuery>,
) -> Result<Json<InternationalRequestList>, ApiError> {
    Ok(Json(international::queue(&state.gatehouse, query.state).await?))
}

pass_through! {
    /// `POST /api/ops/international-requests/{request_id}/accept`.
    pub async fn accept(SignedInOps, request_id: IdPath<RequestId>, answer: ApiJson<AcceptInternationalRequest>)
        -> InternationalRequest = international::accept;
}

/// `POST /api/ops/international-requests/{request_id}/decline`.
pub async fn decline(
    State(state): State<AppState>,
    SignedInOps(ops): SignedInOps,
    IdPath(request_id): IdPath<RequestId>,
    ApiJson(answer): ApiJson<DeclineInternationalRequest>,
) -> Result<Json<InternationalRequest>, ApiError> {
    Ok(Json(international::decline(&state.gatehouse, &ops, &request_id, &answer.reason).await?))
}
