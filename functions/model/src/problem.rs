//! RFC 9457 problem details: the one error body every operation returns.

use serde::{Deserialize, Serialize};

/// `application/problem+json`. `code` is stable and machine-readable; `detail`
/// is a sentence for a person. Internals never appear here.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type, `about:blank` style: `/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `link_expired`.
    pub code: String,
    /// The field at fault, for validation problems.
    pub field: Option<String>,
    /// Quote this to support: it finds the log lines of the request.
    pub request_id: Option<String>,
}

impl Problem {
    pub const CONTENT_TYPE: &'static str = "application/problem+json";
}

/// Every `code` a problem can carry, each with the one status it is sent
/// with. The API's responses, the OpenAPI document and each operation's
/// declared refusals (`routes.rs`) all read this list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemCode {
    Invalid,
    InvalidBody,
    InvalidQuery,
    InvalidPath,
    InvalidHeader,
    InvalidCursor,
    SignInRequired,
    InvalidCredentials,
    Forbidden,
    DirectAccessRefused,
    NotAuthorised,
    AwaitingVerification,
    AwaitingSchoolApproval,
    AuthorisationRevoked,
    FeedPaused,
    ScopeNotGranted,
    NotFound,
    NoSuchRoute,
    NoHeldExtract,
    MethodNotAllowed,
    AlreadyInvited,
    InvitationUsed,
    Conflict,
    NotRevoked,
    ErasureAlreadyConfirmed,
    NotInstalled,
    ExtractInProgress,
    /// A push for a school whose MIS data was deleted because no app had
    /// access for 30 days, and still none has (#16).
    NoAuthorisedApp,
    InvitationExpired,
    LinkSuperseded,
    LinkExpired,
    CaseArchived,
    SyncTokenExpired,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Unavailable,
}

impl ProblemCode {
    /// What the problem's `code` says; the refusals' spelling is core's
    /// (`Refusal::code`, checked by a test in the API crate).
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Invalid => "invalid",
            ProblemCode::InvalidBody => "invalid_body",
            ProblemCode::InvalidQuery => "invalid_query",
            ProblemCode::InvalidPath => "invalid_path",
            ProblemCode::InvalidHeader => "invalid_header",
            ProblemCode::InvalidCursor => "invalid_cursor",
            ProblemCode::SignInRequired => "sign_in_required",
            ProblemCode::InvalidCredentials => "invalid_credentials",
            ProblemCode::Forbidden => "forbidden",
            ProblemCode::DirectAccessRefused => "direct_access_refused",
            ProblemCode::NotAuthorised => "not_authorised",
            ProblemCode::AwaitingVerification => "awaiting_verification",
            ProblemCode::AwaitingSchoolApproval => "awaiting_school_approval",
            ProblemCode::AuthorisationRevoked => "authorisation_revoked",
            ProblemCode::FeedPaused => "feed_paused",
            ProblemCode::ScopeNotGranted => "scope_not_granted",
            ProblemCode::NotFound => "not_found",
            ProblemCode::NoSuchRoute => "no_such_route",
            ProblemCode::NoHeldExtract => "no_held_extract",
            ProblemCode::MethodNotAllowed => "method_not_allowed",
            ProblemCode::AlreadyInvited => "already_invited",
            ProblemCode::InvitationUsed => "invitation_used",
            ProblemCode::Conflict => "conflict",
            ProblemCode::NotRevoked => "not_revoked",
            ProblemCode::ErasureAlreadyConfirmed => "erasure_already_confirmed",
            ProblemCode::NotInstalled => "not_installed",
            ProblemCode::ExtractInProgress => "extract_in_progress",
            ProblemCode::NoAuthorisedApp => "no_authorised_app",
            ProblemCode::InvitationExpired => "invitation_expired",
            ProblemCode::LinkSuperseded => "link_superseded",
            ProblemCode::LinkExpired => "link_expired",
            ProblemCode::CaseArchived => "case_archived",
            ProblemCode::SyncTokenExpired => "sync_token_expired",
            ProblemCode::PayloadTooLarge => "payload_too_large",
            ProblemCode::UnsupportedMediaType => "unsupported_media_type",
            ProblemCode::RateLimited => "rate_limited",
            ProblemCode::Unavailable => "unavailable",
        }
    }

    /// The HTTP status it is sent with.
    pub fn status(self) -> u16 {
        match self {
            ProblemCode::Invalid
            | ProblemCode::InvalidBody
            | ProblemCode::InvalidQuery
            | ProblemCode::InvalidPath
            | ProblemCode::InvalidHeader
            | ProblemCode::InvalidCursor => 400,
            ProblemCode::SignInRequired | ProblemCode::InvalidCredentials => 401,
            ProblemCode::Forbidden
            | ProblemCode::DirectAccessRefused
            | ProblemCode::NotAuthorised
            | ProblemCode::AwaitingVerification
            | ProblemCode::AwaitingSchoolApproval
            | ProblemCode::AuthorisationRevoked
            | ProblemCode::FeedPaused
            | ProblemCode::ScopeNotGranted => 403,
            ProblemCode::NotFound | ProblemCode::NoSuchRoute | ProblemCode::NoHeldExtract => 404,
            ProblemCode::MethodNotAllowed => 405,
            ProblemCode::AlreadyInvited
            | ProblemCode::InvitationUsed
            | ProblemCode::Conflict
            | ProblemCode::NotRevoked
            | ProblemCode::ErasureAlreadyConfirmed
            | ProblemCode::NotInstalled
            | ProblemCode::ExtractInProgress
            | ProblemCode::NoAuthorisedApp => 409,
            ProblemCode::InvitationExpired
            | ProblemCode::LinkSuperseded
            | ProblemCode::LinkExpired
            | ProblemCode::CaseArchived
            | ProblemCode::SyncTokenExpired => 410,
            ProblemCode::PayloadTooLarge => 413,
            ProblemCode::UnsupportedMediaType => 415,
            ProblemCode::RateLimited => 429,
            ProblemCode::Unavailable => 503,
        }
    }

    /// The problem's `title`.
    pub fn title(self) -> &'static str {
        match self {
            ProblemCode::Invalid => "Invalid input",
            ProblemCode::InvalidBody
            | ProblemCode::InvalidQuery
            | ProblemCode::InvalidPath
            | ProblemCode::InvalidHeader => "Invalid request",
            ProblemCode::InvalidCursor => "Invalid cursor",
            ProblemCode::SignInRequired => "Sign-in required",
            ProblemCode::InvalidCredentials => "Invalid credentials",
            ProblemCode::Forbidden => "Not allowed",
            ProblemCode::DirectAccessRefused => "Use the Gatehouse address",
            ProblemCode::NotAuthorised
            | ProblemCode::AwaitingVerification
            | ProblemCode::AwaitingSchoolApproval
            | ProblemCode::AuthorisationRevoked
            | ProblemCode::FeedPaused
            | ProblemCode::ScopeNotGranted => "Not shared with this app",
            ProblemCode::NotFound => "Not found",
            ProblemCode::NoSuchRoute => "No such route",
            ProblemCode::MethodNotAllowed => "Method not allowed",
            ProblemCode::AlreadyInvited => "Already invited",
            ProblemCode::InvitationUsed => "Invitation already used",
            ProblemCode::Conflict => "Conflict",
            ProblemCode::NotRevoked => "Access has not ended",
            ProblemCode::ErasureAlreadyConfirmed => "Erasure already confirmed",
            ProblemCode::NoHeldExtract | ProblemCode::NotInstalled | ProblemCode::ExtractInProgress => {
                "Not possible now"
            }
            ProblemCode::NoAuthorisedApp => "No app has access",
            ProblemCode::InvitationExpired => "Invitation link expired",
            ProblemCode::LinkSuperseded => "Link replaced",
            ProblemCode::LinkExpired => "Sign-in link expired",
            ProblemCode::CaseArchived => "Case archived",
            ProblemCode::SyncTokenExpired => "Full sync required",
            ProblemCode::PayloadTooLarge => "Body too large",
            ProblemCode::UnsupportedMediaType => "Unsupported media type",
            ProblemCode::RateLimited => "Too many requests",
            ProblemCode::Unavailable => "Service unavailable",
        }
    }

    /// What the code means to a caller, for the OpenAPI document.
    pub fn meaning(self) -> &'static str {
        match self {
            ProblemCode::Invalid => "invalid input (`field` names the field at fault)",
            ProblemCode::InvalidBody => "the body is not a JSON object of this operation's shape",
            ProblemCode::InvalidQuery => "an unknown, malformed or overlong query parameter",
            ProblemCode::InvalidPath => "the path is not UTF-8 once percent-decoded, or holds a control character",
            ProblemCode::InvalidHeader => "the Idempotency-Key is not visible ASCII",
            ProblemCode::InvalidCursor => "the cursor or sync token is not one this endpoint issued",
            ProblemCode::SignInRequired => "sign in first (the portal's or console's session cookie)",
            ProblemCode::InvalidCredentials => "no valid key in `Authorization: Bearer <key>`",
            ProblemCode::Forbidden => "this user's role does not allow it (e.g. only an admin may)",
            ProblemCode::DirectAccessRefused => "called past the public address",
            ProblemCode::NotAuthorised => "the school has not authorised the app",
            ProblemCode::AwaitingVerification => "the authoriser's authority is still being verified",
            ProblemCode::AwaitingSchoolApproval => "an admin of the school has not approved the request yet",
            ProblemCode::AuthorisationRevoked => "the school revoked the app's authorisation",
            ProblemCode::FeedPaused => "the school paused the feed for the app",
            ProblemCode::ScopeNotGranted => "the school has not granted the scope this data needs",
            ProblemCode::NotFound => "no such record here; `detail` names which",
            ProblemCode::NoSuchRoute => "no operation at this path",
            ProblemCode::NoHeldExtract => "nothing held (already released or rejected)",
            ProblemCode::MethodNotAllowed => "the path exists, not with this method",
            ProblemCode::AlreadyInvited => "already invited or authorised for this app",
            ProblemCode::InvitationUsed => "the invitation link was already used to authorise",
            ProblemCode::Conflict => "changed meanwhile, or not possible in its state; reload and try again",
            ProblemCode::NotRevoked => "the school still authorises the app: confirm erasure once access ends",
            ProblemCode::ErasureAlreadyConfirmed => {
                "erasure was already confirmed for this revocation, differently; the first confirmation is final"
            }
            ProblemCode::NotInstalled => "the school's MIS agent is not installed yet",
            ProblemCode::ExtractInProgress => "another push for this school is being applied",
            ProblemCode::NoAuthorisedApp => {
                "no app has had access to this school for 30 days, so its MIS data was deleted; stop pushing \
                 until the school authorises an app"
            }
            ProblemCode::InvitationExpired => "the invitation expired, was cancelled or replaced by a newer one",
            ProblemCode::LinkSuperseded => "the school's sharing changed after the link was sent",
            ProblemCode::LinkExpired => "the sign-in link expired or was already used",
            ProblemCode::CaseArchived => "closed 30 or more days ago: archived, raise a new case",
            ProblemCode::SyncTokenExpired => {
                "the sync token is more than 35 days old (deleted persons are kept as tombstones for 36 days \
                 only), or the school changed its GDPR mode or scopes; run a full sync"
            }
            ProblemCode::PayloadTooLarge => "the body is larger than this operation accepts",
            ProblemCode::UnsupportedMediaType => "the body is not sent as `application/json`",
            ProblemCode::RateLimited => "too many requests; `Retry-After` says when to try again",
            ProblemCode::Unavailable => "something failed on Gatehouse's side; try again in a moment",
        }
    }
}
