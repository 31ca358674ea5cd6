//! The OneRoster rostering service's edge (#17): the app's bearer token
//! (an OAuth access token or an API key), the query as sent, and answers in
//! the binding's shape: envelopes with `X-Total-Count` and `Link`, and
//! `imsx_StatusInfo` for every refusal, since OneRoster clients read that,
//! not problems.

use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_core::Error;
use gatehouse_core::app_keys::AppCaller;
use gatehouse_core::data::oneroster::read::{Answer, RosterPath, read};
use gatehouse_model::oneroster::{CodeMinor, OneRosterQuery, StatusInfo};

use crate::AppState;
use crate::extract::{Documented, Reads, bearer};
use crate::openapi::query;
use gatehouse_model::Audience;

/// A rostering read: who calls, what they asked and the URL they asked it
/// at (for `Link`). Never rejects: a bad token is answered by the handler
/// in the binding's shape.
pub struct RosterRequest {
    state: AppState,
    caller: Result<AppCaller, Error>,
    params: Vec<(String, String)>,
    url: url::Url,
}

impl FromRequestParts<AppState> for RosterRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let caller = gatehouse_core::app_keys::authenticate(&state.gatehouse, bearer(parts)).await;
        if let Ok(caller) = &caller {
            tracing::Span::current().record("partner_id", caller.actor.partner_id.as_str());
        }
        let query = parts.uri.query().unwrap_or_default();
        let params = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        // Links name the public address, as the client called it.
        let public = &state.gatehouse.settings.public_url;
        let mut url = url::Url::parse(&format!("{public}{}", parts.uri.path()))
            .unwrap_or_else(|_| url::Url::parse("https://gatehouse.invalid/").expect("a URL"));
        url.set_query(parts.uri.query());
        Ok(RosterRequest { state: state.clone(), caller, params, url })
    }
}

impl Documented for RosterRequest {
    fn add_to(reads: &mut Reads) {
        reads.credential_of = Some(&[Audience::App]);
        reads.query = Some(query::<OneRosterQuery>());
        reads.oneroster_errors = true;
    }
}

impl RosterRequest {
    /// The answer to a read of `path`.
    pub async fn answer(self, path: RosterPath<'_>) -> Response {
        let RosterRequest { state, caller, params, url } = self;
        let caller = match caller {
            Ok(caller) => caller,
            Err(Error::InvalidCredentials) => {
                let description = "send a live access token from /oauth/token (or an API key) as a Bearer token";
                let mut response = failure(CodeMinor::Unauthorisedrequest, description);
                response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"gatehouse\""));
                return response;
            }
            Err(error) => return unavailable(&error),
        };
        match read(&state.gatehouse, &caller, path, &params).await {
            Ok(Ok(Answer::Collection { key, page, listing })) => {
                let total = HeaderValue::from(page.total);
                let links = HeaderValue::from_str(&listing.links(&url, page.total)).ok();
                let mut response =
                    (StatusCode::OK, axum::Json(serde_json::json!({ key: page.objects }))).into_response();
                let headers = response.headers_mut();
                headers.insert("x-total-count", total);
                if let Some(links) = links {
                    headers.insert(axum::http::header::LINK, links);
                }
                headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            Ok(Ok(Answer::Object { key, object })) => {
                let headers = [(CACHE_CONTROL, "no-store")];
                (StatusCode::OK, headers, axum::Json(serde_json::json!({ key: object }))).into_response()
            }
            Ok(Err(refusal)) => failure(refusal.code, &refusal.description),
            Err(error) => unavailable(&error),
        }
    }
}

/// The binding's error body with the status it pairs with.
fn failure(code: CodeMinor, description: &str) -> Response {
    let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(StatusInfo::failure(code, description))).into_response()
}

fn unavailable(error: &Error) -> Response {
    tracing::error!(error = ?error, "a rostering read failed");
    failure(CodeMinor::InternalServerError, "something went wrong on our side; please try again in a moment")
}
