//! `GET /api/ops/me` (O1): who is signed in to the operations console.

use axum::Json;
use gatehouse_core::auth;
use gatehouse_model::OpsMe;

use crate::session::SignedInOps;

pub async fn handle(SignedInOps(session): SignedInOps) -> Json<OpsMe> {
    Json(auth::ops_me_of(&session))
}
