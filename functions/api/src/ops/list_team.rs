//! `GET /api/partner/team`: the partner's colleagues.

use axum::Json;
use gatehouse_core::team;
use gatehouse_model::TeamPage;

use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn) -> Json<TeamPage> = team::list;
}
