//! P6 actions, P8 school tile and the Authorisation Log, as the wire sees them.

use serde::{Deserialize, Serialize};

use crate::{AuthorisationReceipt, EmailBounce, InvitationState, SchoolRow, SchoolView, ScopeSet};

/// `?app=` on a school's endpoints: which of the partner's apps the school
/// link belongs to; the partner's first app when absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct AppQuery {
    #[serde(default)]
    pub app: Option<String>,
}

/// Something that can be done to a school from its tile (P6). The tile lists
/// the ones that apply to the school's current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchoolAction {
    RevokeAccess,
    CancelRevocation,
    SetPriority,
    RemovePriority,
    CancelInvite,
    ResendInvite,
    Reinvite,
}

impl SchoolAction {
    pub fn label(self) -> &'static str {
        match self {
            SchoolAction::RevokeAccess => "Revoke Access",
            SchoolAction::CancelRevocation => "Cancel Revocation",
            SchoolAction::SetPriority => "Set Priority",
            SchoolAction::RemovePriority => "Remove Priority",
            SchoolAction::CancelInvite => "Cancel Invite",
            SchoolAction::ResendInvite => "Resend Invite",
            SchoolAction::Reinvite => "Re-invite",
        }
    }
}

/// Why a partner revokes access (the wizard's first step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    NoLongerACustomer,
    SchoolAsked,
    DuplicateRecord,
    Other,
}

impl RevokeReason {
    pub const ALL: [RevokeReason; 4] = [
        RevokeReason::NoLongerACustomer,
        RevokeReason::SchoolAsked,
        RevokeReason::DuplicateRecord,
        RevokeReason::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RevokeReason::NoLongerACustomer => "The school is no longer a customer",
            RevokeReason::SchoolAsked => "The school asked us to stop",
            RevokeReason::DuplicateRecord => "Duplicate or wrong school",
            RevokeReason::Other => "Other",
        }
    }
}

/// `POST /api/partner/schools/{school_id}/revoke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub reason: RevokeReason,
    /// Required when the reason is `other`.
    #[serde(default)]
    pub note: Option<String>,
    /// `YYYY-MM-DD`, UK date from which access ends: today revokes at once,
    /// a later date shows Revoke Pending until the daily job applies it.
    pub revoke_on: String,
}

/// `POST /api/partner/schools/{school_id}/priority`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PriorityRequest {
    pub priority: bool,
}

/// A person at the school who receives the invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    /// Their job, e.g. "Data Manager".
    #[serde(default)]
    pub role: Option<String>,
}

/// `POST …/resend-invite` and `POST …/reinvite`: to the current school contact,
/// or to a new one. Send an `Idempotency-Key` header so a retry sends once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[serde(default)]
    pub new_contact: Option<ContactInput>,
}

/// What one Authorisation Log entry records (P8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LogEvent {
    Invited,
    InvitationResent,
    InvitationCancelled,
    Reinvited,
    Reminded,
    Authorised,
    GdprModeChanged,
    FeedPaused,
    FeedEnabled,
    PersonsChanged,
    ScopesChanged,
    ReauthorisationRequested,
    PrioritySet,
    PriorityRemoved,
    RevokeScheduled,
    RevokeCancelled,
    Revoked,
    /// An authorisation through an emailed link now waits for the school's
    /// admins, or for operations to verify the person's authority (#12).
    AuthorisationRequested,
    /// An admin of the school declined a request, or operations found that
    /// the person had no authority.
    RequestDeclined,
}

impl LogEvent {
    pub fn label(self) -> &'static str {
        match self {
            LogEvent::Invited => "Invited",
            LogEvent::InvitationResent => "Invitation resent",
            LogEvent::InvitationCancelled => "Invitation cancelled",
            LogEvent::Reinvited => "Re-invited",
            LogEvent::Reminded => "Reminded",
            LogEvent::Authorised => "Authorised",
            LogEvent::GdprModeChanged => "GDPR mode changed",
            LogEvent::FeedPaused => "Feed paused",
            LogEvent::FeedEnabled => "Feed enabled",
            LogEvent::PersonsChanged => "Persons changed",
            LogEvent::ScopesChanged => "Scopes changed",
            LogEvent::ReauthorisationRequested => "Re-authorisation requested",
            LogEvent::PrioritySet => "Priority set",
            LogEvent::PriorityRemoved => "Priority removed",
            LogEvent::RevokeScheduled => "Revoke scheduled",
            LogEvent::RevokeCancelled => "Revoke cancelled",
            LogEvent::Revoked => "Revoked",
            LogEvent::AuthorisationRequested => "Authorisation requested",
            LogEvent::RequestDeclined => "Request declined",
        }
    }
}

/// One line of a school's Authorisation Log. Entries are append-only and
/// chained: `hash` covers the entry and the previous entry's hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogEntry {
    /// 1 for the first entry, then +1.
    pub seq: u32,
    /// RFC 3339, UTC.
    pub at: String,
    pub event: LogEvent,
    /// Who did it: a partner user's name, a school contact, or "Gatehouse" for jobs.
    pub actor: String,
    /// What changed, in words.
    pub detail: String,
    pub hash: String,
}

/// `GET /api/partner/schools/{school_id}`: the school tile (P8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolDetail {
    pub app_id: String,
    pub app_name: String,
    /// `None` once the invitation was cancelled: the school is in no list.
    pub view: Option<SchoolView>,
    /// The row as the lists show it: URN, LA, postcode, MIS, contacts, install
    /// status, cache age, active cases and the rest.
    pub row: SchoolRow,
    pub school_contact_name: Option<String>,
    pub school_contact_role: Option<String>,
    /// Set when emails to the school contact bounced for good or they
    /// complained (#15): Gatehouse no longer emails them, so invitations
    /// and reminders to them are not sent.
    #[serde(default)]
    pub school_contact_bounce: Option<EmailBounce>,
    pub requested_scopes: ScopeSet,
    /// What the school authorised; empty until it does.
    pub granted_scopes: ScopeSet,
    /// Newest first.
    pub log: Vec<LogEntry>,
    /// The log's hash chain checks out against the link's head hash: no entry
    /// was changed, removed or inserted after it was written.
    pub log_intact: bool,
    pub actions: Vec<SchoolAction>,
    /// The app's last data API read at the school (UTC day, this month or
    /// last), next to the row's cache age: together they say how fresh the
    /// app's copy is. `None` unless the school is active.
    #[serde(default)]
    pub last_pull_on: Option<String>,
}

/// What an action did, and the tile afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionOutcome {
    /// `false` when the school was already in the requested state.
    pub changed: bool,
    /// One sentence for the partner: what happened.
    pub message: String,
    pub school: SchoolDetail,
}

/// `POST /api/invitations/open`: the token from a "Begin Authorisation" link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenInvitationRequest {
    pub token: String,
}

/// What a live invitation link shows before the wizard starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSummary {
    pub school_name: String,
    pub partner_name: String,
    pub app_name: String,
    pub contact_name: String,
    pub requested_scopes: ScopeSet,
    /// What the school already granted: empty for a first authorisation; for
    /// a re-authorisation the wizard shows requested and granted side by side.
    pub granted_scopes: ScopeSet,
    /// The school's MIS, if known.
    pub mis: Option<String>,
    pub state: InvitationState,
    /// Set once the link was used: what was authorised.
    pub receipt: Option<AuthorisationReceipt>,
    /// RFC 3339: when the link stops working.
    pub expires_at: String,
}
