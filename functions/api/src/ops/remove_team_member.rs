//! `POST /api/partner/team/remove`: remove a colleague and end their sessions (admins).

use axum::Json;
use axum::extract::State;
use gatehouse_core::team;
use gatehouse_model::{RemoveTeamMember, TeamPage};

use crate::extract::ApiJson;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiJson(request): ApiJson<RemoveTeamMember>,
) -> Result<Json<TeamPage>, ApiError> {
    Ok(Json(team::remove(&state.gatehouse, &session, &request).await?))
}
