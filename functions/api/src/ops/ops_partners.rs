//! The operations console's partner organisations (O1), `/api/ops/partners`:
//! list them, and create one with its first admin and app.

use axum::Json;
use gatehouse_core::partners;
use gatehouse_model::{NewPartner, PartnerCreated, PartnerList};

use crate::extract::ApiJson;
use crate::session::SignedInOps;

pass_through! {
    /// `GET /api/ops/partners`.
    pub async fn list(_: SignedInOps) -> Json<PartnerList> = partners::list;

    /// `POST /api/ops/partners`.
    pub async fn create(SignedInOps, request: ApiJson<NewPartner>) -> Json<PartnerCreated> = partners::create;
}
