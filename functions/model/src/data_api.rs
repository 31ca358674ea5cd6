//! The data API's view of a school (A1, A2): what an app calling with its
//! key may know about the schools related to it.

use serde::{Deserialize, Serialize};

use crate::{FeedStatus, GdprMode, ScopeSet};

/// A2 "Test Connection": one state an app can show its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// No invitation for this app (or it was cancelled).
    AwaitingInvitation,
    /// Invited; the school has not authorised yet.
    NotAuthorised,
    /// Someone at the school authorised, but their authority to share the
    /// school's data is not verified yet; nothing flows until it is.
    AwaitingVerification,
    /// Someone at the school asked to share; the school's admins decide.
    AwaitingSchoolApproval,
    /// Authorised, but the school's MIS agent is not installed yet.
    NotInstalled,
    /// Authorised and installed; the school paused the feed.
    FeedPaused,
    /// The school or the partner ended access.
    Revoked,
    Connected,
}

/// One school as the app sees it, with the facts behind its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "school_id": "3280003", "urn": "100003", "name": "Millbrook Academy", "state": "connected",
    "invited": true, "authorised": true, "installed": true, "feed_enabled": true,
    "authorised_on": "2026-09-14", "gdpr_mode": "Include All",
    "scopes": ["students", "staff", "contacts", "groups", "pupil_premium", "free_school_meals", "sen_status"],
    "last_extract_at": "2026-11-23T06:00:00Z", "last_pull_on": "2026-11-23"
})))]
pub struct SchoolConnection {
    pub school_id: String,
    pub urn: Option<String>,
    pub name: String,
    pub state: ConnectionState,
    pub invited: bool,
    pub authorised: bool,
    pub installed: bool,
    pub feed_enabled: bool,
    /// `YYYY-MM-DD`.
    pub authorised_on: Option<String>,
    pub gdpr_mode: Option<GdprMode>,
    /// What the app may read now: granted and still requested.
    pub scopes: ScopeSet,
    /// RFC 3339: the school's last MIS extract, to within the hour (pushes
    /// within an hour of the last one copied are not copied again); a data
    /// page's `last_extract_at` and the `data.refreshed` event are exact.
    pub last_extract_at: Option<String>,
    /// `YYYY-MM-DD` (UTC): the last day this app read the school's data,
    /// this month or last. In `status` only; absent from the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_pull_on: Option<String>,
}

/// `GET /api/v1/schools`: every school related to the calling app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSchools {
    pub schools: Vec<SchoolConnection>,
}

impl SchoolConnection {
    pub fn feed(&self) -> Option<FeedStatus> {
        self.authorised.then_some(if self.feed_enabled { FeedStatus::Enabled } else { FeedStatus::Paused })
    }
}

/// `POST /api/v1/schools/{school_id}/erasure-confirmation` (#16): after access
/// ends, the app confirms that it erased the school's data. Validated by
/// Gatehouse: `erased_at` is not in the future nor before access ended,
/// `records` is true (confirm only once they are erased), the backups' date
/// is not before `erased_at` and at most 90 days after it, and `note` is at
/// most 500 characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "erased_at": "2026-11-24T10:00:00Z", "records": true,
    "backups": { "erased_by": "2026-12-24" }, "note": "Nightly backups expire after 30 days"
})))]
#[serde(deny_unknown_fields)]
pub struct ErasureConfirmationRequest {
    /// RFC 3339: when the app erased the school's records.
    pub erased_at: String,
    /// The school's records (pupils, staff, contacts, groups) are erased from
    /// the app's live systems: must be `true`.
    pub records: bool,
    pub backups: BackupErasure,
    /// Anything the school should know, in plain words.
    #[serde(default)]
    pub note: Option<String>,
}

/// What happens to copies of the school's data in the app's backups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupErasure {
    /// `YYYY-MM-DD`: the date by which every backup holding the school's data
    /// is erased (backups expire); `null` when the app kept no backups of it.
    pub erased_by: Option<String>,
}

/// The app's confirmation that it erased a school's data, as Gatehouse
/// stored it: the first confirmation is final; sending the same again
/// answers it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureConfirmation {
    pub school_id: String,
    /// `YYYY-MM-DD` (UK date): when access ended.
    pub revoked_on: String,
    /// RFC 3339, as the app sent it (normalised to UTC).
    pub erased_at: String,
    pub records: bool,
    pub backups: BackupErasure,
    pub note: Option<String>,
    /// RFC 3339, UTC: when Gatehouse recorded the confirmation.
    pub confirmed_at: String,
    /// The Authorisation Log entry that records it (its receipt's number).
    pub log_seq: u32,
}
