//! `POST /api/partner/team/remove`: remove a colleague and end their sessions (admins).

use axum::Json;
use gatehouse_core::team;
use gatehouse_model::{RemoveTeamMember, TeamPage};

use crate::extract::ApiJson;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, request: ApiJson<RemoveTeamMember>) -> Json<TeamPage> = team::remove;
}
