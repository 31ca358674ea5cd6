//! `POST /api/partner/invitations` (P7): the invite wizard's last step.

use axum::Json;
use axum::extract::State;
use gatehouse_core::school_actions;
use gatehouse_model::{ActionOutcome, AppQuery, InviteSchoolRequest};

use crate::extract::{ApiJson, ApiQuery};
use crate::path::query_id;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiQuery(query): ApiQuery<AppQuery>,
    ApiJson(request): ApiJson<InviteSchoolRequest>,
) -> Result<Json<ActionOutcome>, ApiError> {
    let app = query_id(query.app.as_deref())?;
    Ok(Json(school_actions::invite_school(&state.gatehouse, &session, app.as_ref(), &request).await?))
}
