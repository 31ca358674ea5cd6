//! `POST /api/partner/apps/{app_id}/permissions` (P10): the whole new set,
//! saved at once; a job asks the schools (#15): `202` and the job.

use axum::extract::State;
use axum::response::Response;
use gatehouse_core::{AppId, permissions};
use gatehouse_model::UpdatePermissionSet;

use super::accepted;
use crate::extract::{ApiJson, IdempotencyKey};
use crate::path::IdPath;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(app_id): IdPath<AppId>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<UpdatePermissionSet>,
) -> Result<Response, ApiError> {
    let job = permissions::update(&state.gatehouse, &session, &app_id, &request, key.as_deref()).await?;
    Ok(accepted(job))
}
