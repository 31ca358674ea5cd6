//! The operations console's view of MIS data retention (#16, O1):
//! `/api/ops/mis-retention`.

use axum::Json;
use gatehouse_core::data::retention;
use gatehouse_model::MisRetentionList;

use crate::session::SignedInOps;

pass_through! {
    /// `GET /api/ops/mis-retention`.
    pub async fn list(SignedInOps) -> Json<MisRetentionList> = retention::for_ops;
}
