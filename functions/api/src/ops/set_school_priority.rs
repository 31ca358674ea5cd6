//! `POST /api/partner/schools/{school_id}/priority` (P6): set or remove priority.

use axum::Json;
use gatehouse_core::school_actions::{self, PriorityAction};
use gatehouse_model::{ActionOutcome, PriorityRequest};

use super::partner_school::PartnerSchool;
use crate::ApiError;
use crate::extract::ApiJson;

pub async fn handle(
    school: PartnerSchool,
    ApiJson(request): ApiJson<PriorityRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let (gatehouse, at) = school.parts();
    let action = if request.priority { PriorityAction::Set } else { PriorityAction::Remove };
    Ok(Json(school_actions::set_priority(gatehouse, at, action).await?))
}
