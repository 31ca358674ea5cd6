//! `POST /api/partner/schools/{school_id}/cancel-revoke` (P6).

use axum::Json;
use gatehouse_core::school_actions;
use gatehouse_model::ActionOutcome;

use super::partner_school::PartnerSchool;
use crate::ApiError;

pub async fn handle(school: PartnerSchool) -> Result<Json<ActionOutcome>, ApiError> {
    let (gatehouse, at) = school.parts();
    Ok(Json(school_actions::cancel_revocation(gatehouse, at).await?))
}
