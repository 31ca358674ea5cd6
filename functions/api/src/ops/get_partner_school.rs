//! `GET /api/partner/schools/{school_id}` (P8): the school tile.

use axum::Json;
use gatehouse_core::school_actions;
use gatehouse_model::SchoolDetail;

use super::partner_school::PartnerSchool;
use crate::ApiError;

pub async fn handle(school: PartnerSchool) -> Result<Json<SchoolDetail>, ApiError> {
    let (gatehouse, at) = school.parts();
    Ok(Json(school_actions::detail(gatehouse, at).await?))
}
