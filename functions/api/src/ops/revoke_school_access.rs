//! `POST /api/partner/schools/{school_id}/revoke` (P6): revoke today or from a date.

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, AppQuery, RevokeRequest};

use crate::extract::{ApiJson, ApiQuery};
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<AppQuery>,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let outcome =
        school_actions::revoke(&state.gatehouse, &session, query.app.as_deref(), &school_id, &request).await?;
    Ok(Json(outcome))
}
