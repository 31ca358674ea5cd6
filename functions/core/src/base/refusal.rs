//! Why the data API refuses a read. Kept beside the error type, which carries
//! it, so the error needs nothing from the data room.

use gatehouse_model::Scope;

/// Days a sync token (`since`) is honoured; an older one is refused with
/// `sync_token_expired`, since the tombstones it would need may be gone.
pub const SYNC_TOKEN_DAYS: i64 = 35;
/// Why the data API refuses: each has a stable code an app can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotAuthorised,
    /// Authorised by someone whose authority is being verified (#12).
    AwaitingVerification,
    /// Asked for by someone at the school; its admins have not decided.
    AwaitingSchoolApproval,
    AuthorisationRevoked,
    NotInstalled,
    FeedPaused,
    ScopeNotGranted(Scope),
    InvalidCursor,
    /// The school changed what the app may read since the token was issued.
    SyncTokenExpired,
    /// Another extract for the school is being applied.
    ExtractInProgress,
    /// The school has a held extract waiting for release or rejection.
    NoHeldExtract,
    /// An erasure confirmation for a school that still authorises the app (#16).
    NotRevoked,
    /// A second erasure confirmation that differs from the first (#16).
    ErasureAlreadyConfirmed,
    /// A push for a school whose MIS data was purged because no app had
    /// access for 30 days, while still none has (#16).
    NoAuthorisedApp,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotAuthorised => "not_authorised",
            Refusal::AwaitingVerification => "awaiting_verification",
            Refusal::AwaitingSchoolApproval => "awaiting_school_approval",
            Refusal::AuthorisationRevoked => "authorisation_revoked",
            Refusal::NotInstalled => "not_installed",
            Refusal::FeedPaused => "feed_paused",
            Refusal::ScopeNotGranted(_) => "scope_not_granted",
            Refusal::InvalidCursor => "invalid_cursor",
            Refusal::SyncTokenExpired => "sync_token_expired",
            Refusal::ExtractInProgress => "extract_in_progress",
            Refusal::NoHeldExtract => "no_held_extract",
            Refusal::NotRevoked => "not_revoked",
            Refusal::ErasureAlreadyConfirmed => "erasure_already_confirmed",
            Refusal::NoAuthorisedApp => "no_authorised_app",
        }
    }

    pub fn message(self) -> String {
        match self {
            Refusal::NotAuthorised => {
                "this school has not authorised your app; send it an invitation and wait for it to authorise".into()
            }
            Refusal::AwaitingVerification => "someone at this school authorised your app, but Gatehouse is still \
                verifying that they may share the school's data; nothing is shared until then"
                .into(),
            Refusal::AwaitingSchoolApproval => "someone at this school asked to share data with your app; an admin \
                of the school must approve it before anything is shared"
                .into(),
            Refusal::AuthorisationRevoked => {
                "this school's authorisation for your app was revoked; it must authorise again".into()
            }
            Refusal::NotInstalled => "this school's MIS agent is not installed yet, so there is no data".into(),
            Refusal::FeedPaused => "this school has paused the data feed for your app".into(),
            Refusal::ScopeNotGranted(scope) => {
                format!("this school has not granted the \"{}\" scope to your app", scope.as_str())
            }
            Refusal::InvalidCursor => {
                "the cursor or sync token is not one this endpoint issued; start again without it".into()
            }
            Refusal::SyncTokenExpired => format!(
                "this sync token is more than {SYNC_TOKEN_DAYS} days old, or the school changed its GDPR mode or \
                 the scopes your app may read since it was issued; run a full sync (without `since`)"
            ),
            Refusal::ExtractInProgress => {
                "another extract for this school is being applied; push again in a minute".into()
            }
            Refusal::NoHeldExtract => "this school has no held extract".into(),
            Refusal::NotRevoked => "this school still authorises your app; confirm erasure once access ends".into(),
            Refusal::ErasureAlreadyConfirmed => "erasure was already confirmed for this revocation with different \
                details; the first confirmation is final (send the same one again to read it back)"
                .into(),
            Refusal::NoAuthorisedApp => format!(
                "no app has had access to this school for {} days, so Gatehouse deleted its MIS data and stores \
                 nothing more; stop pushing extracts until the school authorises an app",
                crate::base::retention::MIS_CACHE_UNUSED_DAYS
            ),
        }
    }
}
