//! The school portal (S3) and onboarding (S4), as the wire sees them: the
//! Data Sharing Dashboard, one app's page, its actions, people selections,
//! colleagues, receipts and install booking.

use serde::{Deserialize, Serialize};

use crate::{
    EmailAddress, FeedStatus, GdprMode, InstallStatus, LogEntry, LogEvent, PersonSelection, Resource, ScopeSet,
    SelectionChoice, TeamRole,
};

/// Where an app stands with the school, as the dashboard says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchoolAppState {
    /// Invited: the app asks for access and the school has not authorised yet.
    AskingForAccess,
    /// Someone at the school authorised through an emailed link; an admin
    /// of the school approves or declines (#12).
    AwaitingApproval,
    /// Authorised by someone whose authority operations are checking.
    AwaitingVerification,
    /// Authorised: the app reads what was granted.
    Active,
    /// Authorised until a chosen date.
    RevokePending,
    /// Access ended; the app must ask again.
    Revoked,
}

impl SchoolAppState {
    pub fn label(self) -> &'static str {
        match self {
            SchoolAppState::AskingForAccess => "Asking for access",
            SchoolAppState::AwaitingApproval => "Waiting for an admin's approval",
            SchoolAppState::AwaitingVerification => "Awaiting verification",
            SchoolAppState::Active => "Sharing",
            SchoolAppState::RevokePending => "Revoke pending",
            SchoolAppState::Revoked => "Access revoked",
        }
    }
}

/// One app on the Data Sharing Dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolAppRow {
    pub app_id: String,
    pub app_name: String,
    pub partner_name: String,
    pub state: SchoolAppState,
    /// What the school authorised; empty until it does and after a revoke.
    pub granted_scopes: ScopeSet,
    /// New scopes the app asks for that the school has not approved yet.
    pub asking_for_more: ScopeSet,
    pub gdpr_mode: Option<GdprMode>,
    pub feed_status: Option<FeedStatus>,
    pub install_status: InstallStatus,
    pub mis: Option<String>,
    /// `YYYY-MM-DD` (UK date).
    pub authorised_on: Option<String>,
    /// "Name (role)" of who authorised.
    pub authorised_by: Option<String>,
    /// `YYYY-MM-DD`: when a pending revocation takes effect.
    pub revoke_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub revoked_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub invited_on: Option<String>,
    /// #16: days since access ended, while the app has not confirmed that it
    /// erased the school's data ("Erasure not yet confirmed").
    #[serde(default)]
    pub erasure_unconfirmed_days: Option<u32>,
}

/// `GET /api/school/apps`: every app with access or asking for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolDashboard {
    pub school_id: String,
    pub school_name: String,
    pub urn: String,
    /// Asking for access first, then sharing, then revoked; by name within each.
    pub apps: Vec<SchoolAppRow>,
}

/// A log entry that has a downloadable receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptRef {
    pub seq: u32,
    /// RFC 3339.
    pub at: String,
    pub event: LogEvent,
}

/// `GET /api/school/apps/{app_id}`: one app's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolAppDetail {
    pub row: SchoolAppRow,
    /// What the app asks for now: side by side with `row.granted_scopes`.
    pub requested_scopes: ScopeSet,
    /// The Authorisation Log, newest first.
    pub log: Vec<LogEntry>,
    /// The log's hash chain checks out.
    pub log_intact: bool,
    /// Entries with a receipt (grants, scope, mode and feed changes, revokes), newest first.
    pub receipts: Vec<ReceiptRef>,
    /// An authorisation made through an emailed link that waits for an
    /// admin's approval (or for verification): exactly what was asked.
    #[serde(default)]
    pub pending_request: Option<PendingRequest>,
}

/// An authorisation waiting for a decision: what the person chose in the wizard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingRequest {
    pub requested_by: String,
    pub requested_role: String,
    pub requested_email: String,
    /// RFC 3339.
    pub requested_at: String,
    pub approved_scopes: ScopeSet,
    pub gdpr_mode: GdprMode,
    pub feed_status: FeedStatus,
    pub mis: String,
    /// `AwaitingApproval` or `AwaitingVerification`.
    pub waiting_for: SchoolAppState,
}

/// `POST /api/school/apps/{app_id}/decline`: an admin declines a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchoolDeclineRequest {
    #[serde(default)]
    pub note: Option<String>,
}

/// What a school action did, and the app's page afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolAppOutcome {
    /// `false` when the app was already in the requested state.
    pub changed: bool,
    pub message: String,
    pub app: SchoolAppDetail,
}

/// `POST /api/school/apps/{app_id}/settings`: the wanted GDPR mode and/or
/// feed state. Giving the current values changes and logs nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct SchoolAppSettings {
    pub gdpr_mode: Option<GdprMode>,
    pub feed_status: Option<FeedStatus>,
}

/// `POST /api/school/apps/{app_id}/revoke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchoolRevokeRequest {
    /// `YYYY-MM-DD`, UK date from which access ends: today ends it now.
    pub revoke_on: String,
    /// Why, for the log (optional).
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/school/apps/{app_id}/authorise`: classic authorisation from
/// the portal, by the signed-in school user. For an app already authorised
/// that asks for more, `approved_scopes` says which new scopes are approved
/// (all, some or none); the existing grant stays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchoolAuthoriseRequest {
    pub approved_scopes: ScopeSet,
    pub gdpr_mode: GdprMode,
    pub feed_status: FeedStatus,
    /// The school's MIS (one of `MIS_CHOICES`); kept as is when absent.
    #[serde(default)]
    pub mis: Option<String>,
}

/// `?q=` of the people search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct SchoolPeopleQuery {
    /// Part of a name or MIS id; empty lists the first people.
    #[serde(default)]
    pub q: Option<String>,
}

/// A person found by the search, with the school's choice for this app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolPerson {
    pub mis_id: String,
    pub resource: Resource,
    pub name: String,
    pub detail: String,
    pub choice: SelectionChoice,
}

/// `GET /api/school/apps/{app_id}/people`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolPeople {
    pub gdpr_mode: Option<GdprMode>,
    /// People matching the search (empty until the MIS agent sent data).
    pub matches: Vec<SchoolPerson>,
    /// Everyone explicitly included or excluded for this app.
    pub selected: Vec<PersonSelection>,
}

/// `POST /api/school/apps/{app_id}/people`: include, exclude or reset one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPersonChoice {
    pub mis_id: String,
    pub choice: SelectionChoice,
}

/// A colleague with a school portal account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolColleague {
    pub email: EmailAddress,
    pub display_name: String,
    pub role: String,
    /// Admins authorise, revoke and change sharing, and manage the team;
    /// members see everything and change nothing.
    pub access: TeamRole,
    /// RFC 3339.
    pub added_at: String,
    pub added_by: Option<String>,
}

/// `GET /api/school/team`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolTeam {
    pub members: Vec<SchoolColleague>,
    /// Who joined, left or changed access, newest first (#12).
    #[serde(default)]
    pub changes: Vec<SchoolTeamChange>,
}

/// One change to a school's team, as its log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolTeamChange {
    /// RFC 3339.
    pub at: String,
    /// Who made the change: a colleague's name, or "Gatehouse operations".
    pub by: String,
    pub colleague: String,
    /// What changed, in words: "added as admin", "made a member", "removed".
    pub change: String,
}

/// `POST /api/school/team`: adds a colleague and emails them a welcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddSchoolColleague {
    pub name: String,
    pub email: EmailAddress,
    pub role: String,
    /// Member unless given. Giving a colleague already in the team another
    /// access changes it (and ends their sessions).
    #[serde(default)]
    pub access: TeamRole,
}

/// `POST /api/school/team/remove`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RemoveSchoolColleague {
    pub email: EmailAddress,
}

/// How the school installs the MIS agent (S4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstallType {
    SelfInstall,
    BookedWithSupport,
}

/// `GET /api/school/onboarding`: the school's install status and the slots
/// support offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolOnboarding {
    pub install_status: InstallStatus,
    pub install_type: Option<InstallType>,
    /// Free slots from today, `YYYY-MM-DDTHH:MM` (UK time), earliest first.
    pub slots: Vec<String>,
    /// Whether an agent key was issued (its secret is never shown again).
    pub agent_key_issued: bool,
}

/// `POST /api/school/onboarding/book`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookSlotRequest {
    /// One of the offered slots, `YYYY-MM-DDTHH:MM`.
    pub slot: String,
}

/// `POST /api/school/onboarding/self-install`: the agent's credential, shown
/// this once. Asking again issues a new one and the old one stops working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelfInstallKey {
    pub school_id: String,
    pub key_id: String,
    pub secret: String,
    /// Where the agent sends extracts.
    pub push_url: String,
    /// The set-up steps, in order.
    pub steps: Vec<String>,
    pub onboarding: SchoolOnboarding,
}

/// One booked install slot, as ops see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstallBooking {
    pub slot: String,
    pub school_id: String,
    pub school_name: String,
    /// The school's URN (empty for bookings made before it was kept).
    #[serde(default)]
    pub urn: String,
    /// The person who booked: the contact for the install.
    pub booked_by: String,
    #[serde(default)]
    pub contact_email: Option<String>,
    /// RFC 3339.
    pub booked_at: String,
    /// Whether ops marked the install done (RFC 3339).
    #[serde(default)]
    pub installed_at: Option<String>,
}
