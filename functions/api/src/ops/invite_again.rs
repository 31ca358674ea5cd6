//! `POST /api/partner/schools/{school_id}/resend-invite` (P6 Resend Invite:
//! a pending school, same or new contact) and `…/reinvite` (P6 Re-invite: a
//! revoked school): a fresh invitation, the earlier link dead. One handler,
//! mounted once per action `A`.

use axum::Json;
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, InviteRequest};

use super::partner_school::PartnerSchool;
use crate::ApiError;
use crate::extract::{ApiJson, IdempotencyKey};

/// Which invitation goes again, P6's two actions.
#[derive(Debug, Clone, Copy)]
pub enum Invitation {
    /// To a pending school: Resend Invite.
    Resend,
    /// To a revoked school, or one whose invitation was cancelled: Re-invite.
    Reinvite,
}

/// The action as a type, so `ops::with_handler` can mount `handle` for each.
pub trait Again: Send + Sync + 'static {
    const INVITATION: Invitation;
}

pub struct Resend;
pub struct Reinvite;

impl Again for Resend {
    const INVITATION: Invitation = Invitation::Resend;
}

impl Again for Reinvite {
    const INVITATION: Invitation = Invitation::Reinvite;
}

pub async fn handle<A: Again>(
    school: PartnerSchool,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let (gatehouse, session, app, school_id) = school.parts();
    let key = key.as_deref();
    let outcome = match A::INVITATION {
        Invitation::Resend => {
            school_actions::resend_invitation(gatehouse, session, app, school_id, &request, key).await
        }
        Invitation::Reinvite => school_actions::reinvite(gatehouse, session, app, school_id, &request, key).await,
    };
    Ok(Json(outcome?))
}
