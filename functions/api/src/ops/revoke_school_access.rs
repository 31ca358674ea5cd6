//! `POST /api/partner/schools/{school_id}/revoke` (P6): revoke today or from a date.

use axum::Json;
use gatehouse_core::{calendar, school_actions};
use gatehouse_model::{ActionOutcome, RevokeRequest};

use super::partner_school::PartnerSchool;
use crate::ApiError;
use crate::extract::ApiJson;

pub async fn handle(
    school: PartnerSchool,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let (gatehouse, at) = school.parts();
    let on = calendar::date_field("revoke_on", &request.revoke_on)?;
    Ok(Json(school_actions::revoke(gatehouse, at, &request, on).await?))
}
