//! `GET /api/partner/team`: the partner's colleagues.

use gatehouse_core::team;
use gatehouse_model::TeamPage;

use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn) -> TeamPage = team::list;
}
