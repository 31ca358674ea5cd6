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
    /// A body value its type refuses, at `field` (a path such as `to.email`).
    InvalidField {
        field: String,
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

/// The codes are wire facts, declared in `model` beside `Problem`.
pub(crate) use gatehouse_model::ProblemCode as Code;

/// The status `code` is sent with.
pub(crate) fn status(code: Code) -> StatusCode {
    StatusCode::from_u16(code.status()).expect("every problem code's status is a valid HTTP status")
}

/// The code of a refusal of the data API or the deletion guard.
fn refusal_code(refusal: Refusal) -> Code {
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
        Refusal::NotRevoked => Code::NotRevoked,
        Refusal::ErasureAlreadyConfirmed => Code::ErasureAlreadyConfirmed,
        Refusal::NoAuthorisedApp => Code::NoAuthorisedApp,
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
        Error::Refused(refusal) => refusal_code(*refusal),
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
            ApiError::InvalidField { field: name, detail } => {
                field = Some(name);
                (Code::Invalid, detail)
            }
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
        let status = status(code);
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
        // For `refusals::check`: the code, without parsing the body again.
        response.extensions_mut().insert(code);
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
pub(crate) fn sentence(text: &str) -> String {
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
            Refusal::NotRevoked,
            Refusal::ErasureAlreadyConfirmed,
            Refusal::NoAuthorisedApp,
        ];
        for refusal in refusals {
            assert_eq!(super::refusal_code(refusal).as_str(), refusal.code(), "{refusal:?}");
        }
    }
}
