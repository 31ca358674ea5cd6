//! `POST /api/partner/schools/{school_id}/cancel-revoke` (P6).

use axum::Json;
use axum::extract::{Path, State};
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, AppQuery};

use crate::extract::ApiQuery;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(school_id): Path<String>,
    ApiQuery(query): ApiQuery<AppQuery>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let outcome =
        school_actions::cancel_revocation(&state.gatehouse, &session, query.app.as_deref(), &school_id).await?;
    Ok(Json(outcome))
}
