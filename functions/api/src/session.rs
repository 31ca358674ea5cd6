//! The session cookie: how it is written, read and cleared, and the
//! `SignedIn` extractor that every partner operation starts with.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use chrono::Duration;
use cookie::{Cookie, SameSite};
use gatehouse_core::records::SessionRecord;
use gatehouse_core::{Error, Token, auth};

use crate::{ApiError, AppState};

/// Cookie name locally (plain HTTP).
pub const SESSION_COOKIE: &str = "gatehouse_session";
/// Cookie name over HTTPS: the `__Host-` prefix makes browsers refuse it
/// unless Secure, host-only and `Path=/`, so no subdomain can plant one.
const SECURE_SESSION_COOKIE: &str = "__Host-gatehouse_session";

/// Whether cookies carry `Secure`: always over HTTPS, never on local HTTP
/// (browsers would drop a Secure cookie there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookiePolicy {
    Secure,
    LocalHttp,
}

impl CookiePolicy {
    pub fn for_public_url(public_url: &str) -> Self {
        if public_url.starts_with("https://") { CookiePolicy::Secure } else { CookiePolicy::LocalHttp }
    }

    pub fn name(self) -> &'static str {
        match self {
            CookiePolicy::Secure => SECURE_SESSION_COOKIE,
            CookiePolicy::LocalHttp => SESSION_COOKIE,
        }
    }

    pub fn session_cookie(self, token: &Token, lifetime: Duration) -> String {
        self.build(token.expose().to_owned(), cookie::time::Duration::seconds(lifetime.num_seconds()))
    }

    pub fn cleared_cookie(self) -> String {
        self.build(String::new(), cookie::time::Duration::ZERO)
    }

    fn build(self, value: String, max_age: cookie::time::Duration) -> String {
        Cookie::build((self.name(), value))
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(self == CookiePolicy::Secure)
            .path("/")
            .max_age(max_age)
            .build()
            .to_string()
    }
}

/// The raw session cookie value, if the request carries one.
pub struct SessionCookie(pub String);

impl OptionalFromRequestParts<AppState> for SessionCookie {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        let name = state.cookies.name();
        let found = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|header| header.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == name)
            .map(|cookie| SessionCookie(cookie.value().to_owned()));
        Ok(found)
    }
}

/// A live session; 401 `sign_in_required` otherwise.
pub struct SignedIn(pub SessionRecord);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(Some(SessionCookie(raw))) =
            <SessionCookie as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state).await
        else {
            return Err(Error::SignInRequired.into());
        };
        let session = auth::session(&state.gatehouse, &raw).await?;
        tracing::Span::current().record("partner_id", session.partner_id.as_str());
        Ok(SignedIn(session))
    }
}
