//! `POST /api/partner/team`: add a colleague (admins).

use axum::Json;
use gatehouse_core::team;
use gatehouse_model::{AddTeamMember, TeamPage};

use crate::extract::ApiJson;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, request: ApiJson<AddTeamMember>) -> Json<TeamPage> = team::add;
}
