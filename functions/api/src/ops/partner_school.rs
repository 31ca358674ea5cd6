//! The school a partner acts on (P6, P8): the signed-in partner, the school
//! in the path and the app in `?app=` (the partner's first when absent), read
//! once for the tile and every action on it.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::Response;
use gatehouse_core::Gatehouse;
use gatehouse_core::records::SessionRecord;
use gatehouse_model::AppQuery;

use crate::AppState;
use crate::extract::{ApiQuery, Documented, Reads, part};
use crate::session::SignedIn;

/// `/api/partner/schools/{school_id}/...?app=`.
pub struct PartnerSchool {
    state: AppState,
    session: SessionRecord,
    school_id: String,
    app: Option<String>,
}

impl FromRequestParts<AppState> for PartnerSchool {
    type Rejection = Response;

    /// In the order a handler taking each would read them: the session first.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let SignedIn(session) = part(parts, state).await?;
        let Path(school_id) = part(parts, state).await?;
        let ApiQuery(AppQuery { app }) = part(parts, state).await?;
        Ok(PartnerSchool { state: state.clone(), session, school_id, app })
    }
}

impl Documented for PartnerSchool {
    fn add_to(reads: &mut Reads) {
        ApiQuery::<AppQuery>::add_to(reads);
    }
}

impl PartnerSchool {
    /// What `gatehouse_core::school_actions` takes, in its order.
    pub fn parts(&self) -> (&Gatehouse, &SessionRecord, Option<&str>, &str) {
        (&self.state.gatehouse, &self.session, self.app.as_deref(), &self.school_id)
    }
}
