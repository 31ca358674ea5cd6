//! `POST /api/partner/team`: add a colleague (admins).

use axum::Json;
use axum::extract::State;
use gatehouse_core::team;
use gatehouse_model::{AddTeamMember, TeamPage};

use crate::extract::ApiJson;
use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ApiJson(request): ApiJson<AddTeamMember>,
) -> Result<Json<TeamPage>, ApiError> {
    Ok(Json(team::add(&state.gatehouse, &session, &request).await?))
}
