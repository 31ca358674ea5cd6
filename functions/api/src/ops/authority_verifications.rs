//! O1, #12: the queue of authorisers whose authority at a school operations
//! verify, and the decision on one.

use axum::Json;
use axum::extract::State;
use gatehouse_core::verification;
use gatehouse_model::{AuthorityVerificationList, DecideAuthorityVerification};

use crate::extract::ApiJson;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

/// `GET /api/ops/verifications`.
pub async fn list(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
) -> Result<Json<AuthorityVerificationList>, ApiError> {
    Ok(Json(verification::waiting(&state.gatehouse).await?))
}

pass_through! {
    /// `POST /api/ops/verifications/decide`.
    pub async fn decide(SignedInOps, request: ApiJson<DecideAuthorityVerification>)
        -> AuthorityVerificationList = verification::decide;
}
