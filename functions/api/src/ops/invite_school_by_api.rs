//! `POST /api/v1/invitations` (A6): an app invites a school with its API key.

use axum::Json;
use axum::extract::State;
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, InviteSchoolRequest};

use crate::extract::{ApiJson, AppKey, IdempotencyKey};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    AppKey(caller): AppKey,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<InviteSchoolRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let gatehouse = &state.gatehouse;
    let outcome =
        school_actions::invite_by_api(gatehouse, &caller.actor, caller.app.clone(), &request, key.as_deref()).await?;
    Ok(Json(outcome))
}
