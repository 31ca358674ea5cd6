//! `POST /api/partner/schools/{school_id}/resend-invite` (P6): same or new contact.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, AppQuery, InviteRequest};

use crate::extract::{ApiJson, ApiQuery, IdempotencyKey};
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<AppQuery>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let app = query.app.as_deref();
    let outcome =
        school_actions::resend_invitation(&state.gatehouse, &session, app, &school_id, &request, key.as_deref())
            .await?;
    Ok(Json(outcome))
}
