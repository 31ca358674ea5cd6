//! The school a partner acts on (P6, P8): the signed-in partner, the school
//! in the path and the app in `?app=` (the partner's first when absent), read
//! once for the tile and every action on it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use gatehouse_core::records::SessionRecord;
use gatehouse_core::{AppId, Gatehouse, SchoolId, school_actions};
use gatehouse_model::AppQuery;

use crate::AppState;
use crate::extract::{ApiQuery, Documented, Reads, part};
use crate::path::{IdPath, query_id};
use crate::session::SignedIn;

/// `/api/partner/schools/{school_id}/...?app=`.
pub struct PartnerSchool {
    state: AppState,
    session: SessionRecord,
    school_id: SchoolId,
    app: Option<AppId>,
}

impl FromRequestParts<AppState> for PartnerSchool {
    type Rejection = Response;

    /// In the order a handler taking each would read them: the session first.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let SignedIn(session) = part(parts, state).await?;
        let IdPath(school_id) = part(parts, state).await?;
        let ApiQuery(AppQuery { app }) = part(parts, state).await?;
        let app = query_id(app.as_deref()).map_err(IntoResponse::into_response)?;
        Ok(PartnerSchool { state: state.clone(), session, school_id, app })
    }
}

impl Documented for PartnerSchool {
    fn add_to(reads: &mut Reads) {
        IdPath::<SchoolId>::add_to(reads);
        SignedIn::add_to(reads);
        ApiQuery::<AppQuery>::add_to(reads);
    }
}

impl PartnerSchool {
    /// What `gatehouse_core::school_actions` takes: the `Gatehouse`, and the school.
    pub fn parts(&self) -> (&Gatehouse, school_actions::PartnerSchool<'_>) {
        (&self.state.gatehouse, school_actions::PartnerSchool::new(&self.session, self.app.as_ref(), &self.school_id))
    }
}
