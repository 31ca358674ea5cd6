//! `POST /api/v1/invitations` (A6): an app invites a school with its API key.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{idempotency, school_actions};
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
    let scope = format!("app#{}#invite", caller.app.app_id);
    let outcome = idempotency::once(gatehouse, &scope, key.as_deref(), &request, || {
        school_actions::invite(gatehouse, &caller.actor, caller.app.clone(), &request)
    })
    .await?;
    Ok(Json(outcome))
}
