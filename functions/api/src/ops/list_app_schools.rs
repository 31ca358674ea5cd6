//! `GET /api/v1/schools` (A1, A2): the calling app's schools and their states.

use axum::Json;
use gatehouse_core::data_api;
use gatehouse_model::AppSchools;

use crate::extract::AppKey;

pass_through! {
    pub async fn handle(AppKey) -> Json<AppSchools> = data_api::schools;
}
