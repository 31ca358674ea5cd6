//! The operations console's partner organisations (O1), `/api/ops/partners`:
//! list them, and create one with its first admin and app.

use axum::Json;
use axum::extract::State;
use gatehouse_core::partners;
use gatehouse_model::{NewPartner, PartnerCreated, PartnerList};

use crate::extract::ApiJson;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

/// `GET /api/ops/partners`.
pub async fn list(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
) -> Result<Json<PartnerList>, ApiError> {
    Ok(Json(partners::list(&state.gatehouse).await?))
}

pass_through! {
    /// `POST /api/ops/partners`.
    pub async fn create(SignedInOps, request: ApiJson<NewPartner>) -> PartnerCreated = partners::create;
}
