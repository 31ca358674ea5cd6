//! International school requests (P7, O1): the partner's form and list,
//! `/api/partner/international-requests`, and the ops queue with accept and
//! decline, `/api/ops/international-requests...`.

use axum::Json;
use gatehouse_core::{RequestId, international};
use gatehouse_model::{
    AcceptInternationalRequest, DeclineInternationalRequest, InternationalRequest, InternationalRequestList,
    InternationalRequestQuery, NewInternationalRequest,
};

use crate::extract::{ApiJson, ApiQuery};
use crate::path::IdPath;
use crate::session::{SignedIn, SignedInOps};

pass_through! {
    /// `POST /api/partner/international-requests`.
    pub async fn submit(SignedIn, key: IdempotencyKey, request: ApiJson<NewInternationalRequest>)
        -> Json<InternationalRequest> = international::submit;

    /// `GET /api/partner/international-requests`: the partner's own requests.
    pub async fn list_mine(SignedIn) -> Json<InternationalRequestList> = international::list_for_partner;

    /// `GET /api/ops/international-requests?state=`.
    pub async fn queue(_: SignedInOps, query: ApiQuery<InternationalRequestQuery>)
        -> Json<InternationalRequestList> = international::queue;

    /// `POST /api/ops/international-requests/{request_id}/accept`.
    pub async fn accept(SignedInOps, request_id: IdPath<RequestId>, answer: ApiJson<AcceptInternationalRequest>)
        -> Json<InternationalRequest> = international::accept;

    /// `POST /api/ops/international-requests/{request_id}/decline`.
    pub async fn decline(SignedInOps, request_id: IdPath<RequestId>, answer: ApiJson<DeclineInternationalRequest>)
        -> Json<InternationalRequest> = international::decline;
}
