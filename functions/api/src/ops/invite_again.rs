//! `POST /api/partner/schools/{school_id}/resend-invite` (P6 Resend Invite:
//! a pending school, same or new contact) and `…/reinvite` (P6 Re-invite: a
//! revoked school): a fresh invitation, the earlier link dead. One handler,
//! mounted once per action `A`.

use axum::Json;
use gatehouse_core::school_actions::{self, InviteAgain};
use gatehouse_model::{ActionOutcome, InviteRequest};

use super::partner_school::PartnerSchool;
use crate::ApiError;
use crate::extract::{ApiJson, IdempotencyKey};

/// The action as a type, so `ops::with_handler` can mount `handle` for each.
pub trait Again: Send + Sync + 'static {
    const INVITATION: InviteAgain;
}

pub struct Resend;
pub struct Reinvite;

impl Again for Resend {
    const INVITATION: InviteAgain = InviteAgain::Resend;
}

impl Again for Reinvite {
    const INVITATION: InviteAgain = InviteAgain::Reinvite;
}

pub async fn handle<A: Again>(
    school: PartnerSchool,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let (gatehouse, at) = school.parts();
    Ok(Json(school_actions::invite_again(gatehouse, at, A::INVITATION, &request, key.as_deref()).await?))
}
