//! The only place that chooses an HTTP status: every error becomes an RFC 9457
//! `application/problem+json` body with a stable `code`. Internal failures are
//! logged once with their cause chain; the client gets a plain sentence.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_core::Error;
use gatehouse_core::people::Refusal;
use gatehouse_model::{ExtractOutcome, Problem};

use crate::telemetry::current_request_id;

/// Everything a handler or extractor can fail with.
#[derive(Debug)]
pub enum ApiError {
    Domain(Error),
    BadRequest {
        code: Code,
        detail: String,
    },
    UnsupportedMediaType,
    /// A body over the route's limit.
    PayloadTooLarge,
    NoSuchRoute,
    MethodNotAllowed,
    /// A call that did not come through CloudFront (#18, `edge`).
    DirectAccess,
}

/// Every `code` a problem can carry, each with the one status it is sent
/// with: the responses below and the OpenAPI document's error descriptions
/// (`openapi.rs`) both read this list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
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
    NotInstalled,
    ExtractInProgress,
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

impl Code {
    /// What the problem's `code` says; the refusals' spelling is core's
    /// (`Refusal::code`, checked by a test below).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Invalid => "invalid",
            Code::InvalidBody => "invalid_body",
            Code::InvalidQuery => "invalid_query",
            Code::InvalidPath => "invalid_path",
            Code::InvalidHeader => "invalid_header",
            Code::InvalidCursor => "invalid_cursor",
            Code::SignInRequired => "sign_in_required",
            Code::InvalidCredentials => "invalid_credentials",
            Code::Forbidden => "forbidden",
            Code::DirectAccessRefused => "direct_access_refused",
            Code::NotAuthorised => "not_authorised",
            Code::AwaitingVerification => "awaiting_verification",
            Code::AwaitingSchoolApproval => "awaiting_school_approval",
            Code::AuthorisationRevoked => "authorisation_revoked",
            Code::FeedPaused => "feed_paused",
            Code::ScopeNotGranted => "scope_not_granted",
            Code::NotFound => "not_found",
            Code::NoSuchRoute => "no_such_route",
            Code::NoHeldExtract => "no_held_extract",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::AlreadyInvited => "already_invited",
            Code::InvitationUsed => "invitation_used",
            Code::Conflict => "conflict",
            Code::NotInstalled => "not_installed",
            Code::ExtractInProgress => "extract_in_progress",
            Code::InvitationExpired => "invitation_expired",
            Code::LinkSuperseded => "link_superseded",
            Code::LinkExpired => "link_expired",
            Code::CaseArchived => "case_archived",
            Code::SyncTokenExpired => "sync_token_expired",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::RateLimited => "rate_limited",
            Code::Unavailable => "unavailable",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Code::Invalid
            | Code::InvalidBody
            | Code::InvalidQuery
            | Code::InvalidPath
            | Code::InvalidHeader
            | Code::InvalidCursor => StatusCode::BAD_REQUEST,
            Code::SignInRequired | Code::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Code::Forbidden
            | Code::DirectAccessRefused
            | Code::NotAuthorised
            | Code::AwaitingVerification
            | Code::AwaitingSchoolApproval
            | Code::AuthorisationRevoked
            | Code::FeedPaused
            | Code::ScopeNotGranted => StatusCode::FORBIDDEN,
            Code::NotFound | Code::NoSuchRoute | Code::NoHeldExtract => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::AlreadyInvited
            | Code::InvitationUsed
            | Code::Conflict
            | Code::NotInstalled
            | Code::ExtractInProgress => StatusCode::CONFLICT,
            Code::InvitationExpired
            | Code::LinkSuperseded
            | Code::LinkExpired
            | Code::CaseArchived
            | Code::SyncTokenExpired => StatusCode::GONE,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The problem's `title`.
    fn title(self) -> &'static str {
        match self {
            Code::Invalid => "Invalid input",
            Code::InvalidBody | Code::InvalidQuery | Code::InvalidPath | Code::InvalidHeader => "Invalid request",
            Code::InvalidCursor => "Invalid cursor",
            Code::SignInRequired => "Sign-in required",
            Code::InvalidCredentials => "Invalid credentials",
            Code::Forbidden => "Not allowed",
            Code::DirectAccessRefused => "Use the Gatehouse address",
            Code::NotAuthorised
            | Code::AwaitingVerification
            | Code::AwaitingSchoolApproval
            | Code::AuthorisationRevoked
            | Code::FeedPaused
            | Code::ScopeNotGranted => "Not shared with this app",
            Code::NotFound => "Not found",
            Code::NoSuchRoute => "No such route",
            Code::MethodNotAllowed => "Method not allowed",
            Code::AlreadyInvited => "Already invited",
            Code::InvitationUsed => "Invitation already used",
            Code::Conflict => "Conflict",
            Code::NoHeldExtract | Code::NotInstalled | Code::ExtractInProgress => "Not possible now",
            Code::InvitationExpired => "Invitation link expired",
            Code::LinkSuperseded => "Link replaced",
            Code::LinkExpired => "Sign-in link expired",
            Code::CaseArchived => "Case archived",
            Code::SyncTokenExpired => "Full sync required",
            Code::PayloadTooLarge => "Body too large",
            Code::UnsupportedMediaType => "Unsupported media type",
            Code::RateLimited => "Too many requests",
            Code::Unavailable => "Service unavailable",
        }
    }

    /// What the code means to a caller, for the OpenAPI document.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::Invalid => "invalid input (`field` names the field at fault)",
            Code::InvalidBody => "the body is not a JSON object of this operation's shape",
            Code::InvalidQuery => "an unknown, malformed or overlong query parameter",
            Code::InvalidPath => "the path is not UTF-8 once percent-decoded, or holds a control character",
            Code::InvalidHeader => "the Idempotency-Key is not visible ASCII",
            Code::InvalidCursor => "the cursor or sync token is not one this endpoint issued",
            Code::SignInRequired => "sign in first (the portal's or console's session cookie)",
            Code::InvalidCredentials => "no valid key in `Authorization: Bearer <key>`",
            Code::Forbidden => "this user's role does not allow it (e.g. only an admin may)",
            Code::DirectAccessRefused => "called past the public address",
            Code::NotAuthorised => "the school has not authorised the app",
            Code::AwaitingVerification => "the authoriser's authority is still being verified",
            Code::AwaitingSchoolApproval => "an admin of the school has not approved the request yet",
            Code::AuthorisationRevoked => "the school revoked the app's authorisation",
            Code::FeedPaused => "the school paused the feed for the app",
            Code::ScopeNotGranted => "the school has not granted the scope this data needs",
            Code::NotFound => "no such record here; `detail` names which",
            Code::NoSuchRoute => "no operation at this path",
            Code::NoHeldExtract => "nothing held (already released or rejected)",
            Code::MethodNotAllowed => "the path exists, not with this method",
            Code::AlreadyInvited => "already invited or authorised for this app",
            Code::InvitationUsed => "the invitation link was already used to authorise",
            Code::Conflict => "changed meanwhile, or not possible in its state; reload and try again",
            Code::NotInstalled => "the school's MIS agent is not installed yet",
            Code::ExtractInProgress => "another push for this school is being applied",
            Code::InvitationExpired => "the invitation expired, was cancelled or replaced by a newer one",
            Code::LinkSuperseded => "the school's sharing changed after the link was sent",
            Code::LinkExpired => "the sign-in link expired or was already used",
            Code::CaseArchived => "closed 30 or more days ago: archived, raise a new case",
            Code::SyncTokenExpired => {
                "the sync token is more than 35 days old (deleted persons are kept as tombstones for 36 days \
                 only), or the school changed its GDPR mode or scopes; run a full sync"
            }
            Code::PayloadTooLarge => "the body is larger than this operation accepts",
            Code::UnsupportedMediaType => "the body is not sent as `application/json`",
            Code::RateLimited => "too many requests; `Retry-After` says when to try again",
            Code::Unavailable => "something failed on Gatehouse's side; try again in a moment",
        }
    }
}

impl From<Refusal> for Code {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotAuthorised => Code::NotAuthorised,
            Refusal::AwaitingVerification => Code::AwaitingVerification,
            Refusal::AwaitingSchoolApproval => Code::AwaitingSchoolApproval,
            Refusal::AuthorisationRevoked => Code::AuthorisationRevoked,
            Refusal::FeedPaused => Code::FeedPaused,
            Refusal::ScopeNotGranted(_) => Code::ScopeNotGranted,
            Refusal::NotInstalled => Code::NotInstalled,
            Refusal::ExtractInProgress => Code::ExtractInProgress,
            Refusal::InvalidCursor => Code::InvalidCursor,
            Refusal::SyncTokenExpired => Code::SyncTokenExpired,
            Refusal::NoHeldExtract => Code::NoHeldExtract,
        }
    }
}

/// The code of a domain error whose message is its detail.
fn domain_code(error: &Error) -> Code {
    match error {
        Error::Invalid { .. } => Code::Invalid,
        Error::SignInRequired => Code::SignInRequired,
        Error::InvalidCredentials => Code::InvalidCredentials,
        Error::NotFound(_) => Code::NotFound,
        Error::Forbidden(_) => Code::Forbidden,
        Error::Conflict(_) => Code::Conflict,
        Error::AlreadyLinked(_) => Code::AlreadyInvited,
        Error::LinkExpired => Code::LinkExpired,
        Error::InvitationExpired => Code::InvitationExpired,
        Error::InvitationUsed => Code::InvitationUsed,
        Error::LinkSuperseded => Code::LinkSuperseded,
        Error::CaseArchived => Code::CaseArchived,
        Error::Refused(refusal) => Code::from(*refusal),
        Error::RateLimited { .. } => Code::RateLimited,
        Error::Unavailable(_) => Code::Unavailable,
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError::Domain(error)
    }
}

pub async fn no_such_route() -> ApiError {
    ApiError::NoSuchRoute
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut field = None;
        let mut retry_after = None;
        let (code, detail) = match self {
            ApiError::Domain(Error::Invalid { field: name, reason }) => {
                field = Some(name.to_owned());
                (Code::Invalid, sentence(&reason))
            }
            ApiError::Domain(Error::Unavailable(source)) => {
                tracing::error!(error = ?source, "operation failed");
                (Code::Unavailable, "Something went wrong on our side. Please try again in a moment.".to_owned())
            }
            ApiError::Domain(error) => {
                if let Error::RateLimited { retry_after_seconds } = error {
                    retry_after = Some(retry_after_seconds);
                }
                (domain_code(&error), sentence(&error.to_string()))
            }
            ApiError::BadRequest { code, detail } => (code, detail),
            ApiError::UnsupportedMediaType => {
                (Code::UnsupportedMediaType, "Send the body as JSON with `Content-Type: application/json`.".to_owned())
            }
            ApiError::PayloadTooLarge => {
                (Code::PayloadTooLarge, "The body is larger than this operation accepts.".to_owned())
            }
            ApiError::NoSuchRoute => {
                (Code::NoSuchRoute, "There is no operation at this path; see /api/openapi.json.".to_owned())
            }
            ApiError::MethodNotAllowed => {
                (Code::MethodNotAllowed, "This path exists but not with this method; see /api/openapi.json.".to_owned())
            }
            ApiError::DirectAccess => (
                Code::DirectAccessRefused,
                "Call Gatehouse through its public address, not the API's own endpoint.".to_owned(),
            ),
        };
        let status = code.status();
        let problem = Problem {
            problem_type: format!("/problems/{}", code.as_str()),
            title: code.title().to_owned(),
            status: status.as_u16(),
            detail,
            code: code.as_str().to_owned(),
            field,
            request_id: current_request_id(),
        };
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(Problem::CONTENT_TYPE));
        if let Some(seconds) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        if code == Code::InvalidCredentials {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The status of an agent's push: applied, held by the deletion guard
/// (accepted, not applied), or rejected whole.
pub fn extract_status(outcome: ExtractOutcome) -> StatusCode {
    match outcome {
        ExtractOutcome::Applied => StatusCode::OK,
        ExtractOutcome::Held => StatusCode::ACCEPTED,
        ExtractOutcome::Rejected => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A message as a sentence for a person: capital first, full stop last.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_core::people::Refusal;
    use gatehouse_model::Scope;

    use super::Code;

    #[test]
    fn refusal_codes_are_spelled_as_core_spells_them() {
        let refusals = [
            Refusal::NotAuthorised,
            Refusal::AwaitingVerification,
            Refusal::AwaitingSchoolApproval,
            Refusal::AuthorisationRevoked,
            Refusal::NotInstalled,
            Refusal::FeedPaused,
            Refusal::ScopeNotGranted(Scope::Students),
            Refusal::InvalidCursor,
            Refusal::SyncTokenExpired,
            Refusal::ExtractInProgress,
            Refusal::NoHeldExtract,
        ];
        for refusal in refusals {
            assert_eq!(Code::from(refusal).as_str(), refusal.code(), "{refusal:?}");
        }
    }
}
