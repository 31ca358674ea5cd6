//! `GET /api/v1/schools/{school_id}/status` (A2): Test Connection.

use axum::Json;
use gatehouse_core::{SchoolId, data_api};
use gatehouse_model::SchoolConnection;

use crate::extract::AppKey;
use crate::path::IdPath;

pass_through! {
    pub async fn handle(AppKey, school_id: IdPath<SchoolId>) -> Json<SchoolConnection> = data_api::status;
}
