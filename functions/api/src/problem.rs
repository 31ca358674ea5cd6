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
        code: &'static str,
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
        let mut bearer_challenge = false;
        let (status, code, title, detail) = match self {
            ApiError::Domain(Error::Invalid { field: name, reason }) => {
                field = Some(name.to_owned());
                (StatusCode::BAD_REQUEST, "invalid", "Invalid input", sentence(&reason))
            }
            ApiError::Domain(error @ Error::SignInRequired) => {
                (StatusCode::UNAUTHORIZED, "sign_in_required", "Sign-in required", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::InvalidCredentials) => {
                bearer_challenge = true;
                (StatusCode::UNAUTHORIZED, "invalid_credentials", "Invalid credentials", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::NotFound(_)) => {
                (StatusCode::NOT_FOUND, "not_found", "Not found", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::Forbidden(_)) => {
                (StatusCode::FORBIDDEN, "forbidden", "Not allowed", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::InvitationExpired) => {
                (StatusCode::GONE, "invitation_expired", "Invitation link expired", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::AlreadyLinked(_)) => {
                (StatusCode::CONFLICT, "already_invited", "Already invited", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::LinkSuperseded) => {
                (StatusCode::GONE, "link_superseded", "Link replaced", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::InvitationUsed) => {
                (StatusCode::CONFLICT, "invitation_used", "Invitation already used", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::Conflict(_)) => {
                (StatusCode::CONFLICT, "conflict", "Conflict", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::CaseArchived) => {
                (StatusCode::GONE, "case_archived", "Case archived", sentence(&error.to_string()))
            }
            ApiError::Domain(error @ Error::LinkExpired) => {
                (StatusCode::GONE, "link_expired", "Sign-in link expired", sentence(&error.to_string()))
            }
            ApiError::Domain(Error::Refused(refusal)) => {
                let status = match refusal {
                    Refusal::NotAuthorised
                    | Refusal::AwaitingVerification
                    | Refusal::AwaitingSchoolApproval
                    | Refusal::AuthorisationRevoked
                    | Refusal::FeedPaused
                    | Refusal::ScopeNotGranted(_) => StatusCode::FORBIDDEN,
                    Refusal::NotInstalled | Refusal::ExtractInProgress => StatusCode::CONFLICT,
                    Refusal::InvalidCursor => StatusCode::BAD_REQUEST,
                    Refusal::SyncTokenExpired => StatusCode::GONE,
                    Refusal::NoHeldExtract => StatusCode::NOT_FOUND,
                };
                let title = match status {
                    StatusCode::FORBIDDEN => "Not shared with this app",
                    StatusCode::BAD_REQUEST => "Invalid cursor",
                    StatusCode::GONE => "Full sync required",
                    _ => "Not possible now",
                };
                (status, refusal.code(), title, sentence(&refusal.message()))
            }
            ApiError::Domain(error @ Error::RateLimited { retry_after_seconds }) => {
                retry_after = Some(retry_after_seconds);
                (StatusCode::TOO_MANY_REQUESTS, "rate_limited", "Too many requests", sentence(&error.to_string()))
            }
            ApiError::Domain(Error::Unavailable(source)) => {
                tracing::error!(error = ?source, "operation failed");
                let detail = "Something went wrong on our side. Please try again in a moment.".to_owned();
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", detail)
            }
            ApiError::BadRequest { code, detail } => (StatusCode::BAD_REQUEST, code, "Invalid request", detail),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "Send the body as JSON with `Content-Type: application/json`.".to_owned(),
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Body too large",
                "The body is larger than this operation accepts.".to_owned(),
            ),
            ApiError::NoSuchRoute => (
                StatusCode::NOT_FOUND,
                "no_such_route",
                "No such route",
                "There is no operation at this path; see /api/openapi.json.".to_owned(),
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                "This path exists but not with this method; see /api/openapi.json.".to_owned(),
            ),
            ApiError::DirectAccess => (
                StatusCode::FORBIDDEN,
                "direct_access_refused",
                "Use the Gatehouse address",
                "Call Gatehouse through its public address, not the API's own endpoint.".to_owned(),
            ),
        };
        let problem = Problem {
            problem_type: format!("/problems/{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            field,
            request_id: current_request_id(),
        };
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(Problem::CONTENT_TYPE));
        if let Some(seconds) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        if bearer_challenge {
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
