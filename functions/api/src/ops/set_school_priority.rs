//! `POST /api/partner/schools/{school_id}/priority` (P6): set or remove priority.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, AppQuery, PriorityRequest};

use crate::extract::{ApiJson, ApiQuery};
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<AppQuery>,
    ApiJson(request): ApiJson<PriorityRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let app = query.app.as_deref();
    let outcome = school_actions::set_priority(&state.gatehouse, &session, app, &school_id, request.priority).await?;
    Ok(Json(outcome))
}
