//! #16, a person's data on request, as the school portal sees it: who can
//! see one pupil, member of staff or contact, everything Gatehouse holds
//! about them, and the two actions on them (exclude from every app, erase).

use serde::{Deserialize, Serialize};

use crate::{ExplainReason, GdprMode, PersonSummary, Resource, Scope, SelectionChoice};

/// `GET /api/school/people?q=`: the school's people matching a search,
/// across pupils, staff and contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolPersonMatches {
    pub matches: Vec<PersonSummary>,
}

/// One app, as it stands towards one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonAppAccess {
    pub app_id: String,
    pub app_name: String,
    pub partner_name: String,
    /// The app reads this person now.
    pub can_see: bool,
    /// The explain rule's answer for this app: `shared`, or the rule that hides the person.
    pub reason: ExplainReason,
    pub detail: String,
    /// What the app may read at the school now (empty while the link's gate refuses).
    pub scopes: Vec<Scope>,
    pub gdpr_mode: Option<GdprMode>,
    /// The school's choice about this person for this app.
    pub choice: SelectionChoice,
    /// RFC 3339: the last time the app was served this person, within the last 30 days.
    pub last_read_at: Option<String>,
}

/// `GET /api/school/people/{person_id}`: one person and every app's view of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolPersonDetail {
    pub mis_id: String,
    pub resource: Resource,
    /// Empty once erased: Gatehouse keeps nothing but the id.
    pub name: String,
    pub detail: String,
    /// The MIS deleted this person (a leaver), or the school erased them.
    pub deleted: bool,
    /// RFC 3339: when the school erased this person; unset if it has not.
    pub erased_at: Option<String>,
    pub apps: Vec<PersonAppAccess>,
}

/// `?format=` of the export: `json` (the default) or `html`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct PersonExportQuery {
    #[serde(default)]
    pub format: Option<String>,
}
