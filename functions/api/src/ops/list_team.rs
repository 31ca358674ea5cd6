//! `GET /api/partner/team`: the partner's colleagues.

use axum::Json;
use axum::extract::State;
use gatehouse_core::team;
use gatehouse_model::TeamPage;

use crate::session::SignedIn;
use crate::{ApiError, AppState};

pub async fn handle(State(state): State<AppState>, SignedIn(session): SignedIn) -> Result<Json<TeamPage>, ApiError> {
    Ok(Json(team::list(&state.gatehouse, &session).await?))
}
