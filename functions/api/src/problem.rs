//! The only place that chooses an HTTP status: every error becomes an RFC 9457
//! `application/problem+json` body with a stable `code`. Internal failures are
//! logged once with their cause chain; the client gets a plain sentence.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_core::Error;
use gatehouse_core::error::sentence;
use gatehouse_model::Problem;

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
                (error.problem_code(), sentence(&error.to_string()))
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
            assert_eq!(gatehouse_core::Error::Refused(refusal).problem_code().as_str(), refusal.code(), "{refusal:?}");
        }
    }
}
