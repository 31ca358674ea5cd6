//! O1, #12: the queue of authorisers whose authority at a school operations
//! verify, and the decision on one.

use axum::Json;
use gatehouse_core::verification;
use gatehouse_model::{AuthorityVerificationList, DecideAuthorityVerification};

use crate::extract::ApiJson;
use crate::session::SignedInOps;

pass_through! {
    /// `GET /api/ops/verifications`.
    pub async fn list(_: SignedInOps) -> Json<AuthorityVerificationList> = verification::waiting;

    /// `POST /api/ops/verifications/decide`.
    pub async fn decide(SignedInOps, request: ApiJson<DecideAuthorityVerification>)
        -> Json<AuthorityVerificationList> = verification::decide;
}
