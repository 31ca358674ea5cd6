//! The session cookie: how it is written, read and cleared, and the
//! extractors every signed-in operation starts with: `SignedIn` (partner),
//! `SignedInSchool` and `SignedInOps`.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use chrono::Duration;
use cookie::{Cookie, SameSite};
use gatehouse_core::records::{OpsSessionRecord, SchoolSessionRecord, SessionRecord};
use gatehouse_core::{Error, Token, auth};
use gatehouse_model::AccountKind;

use crate::{ApiError, AppState};

/// Cookie names locally (plain HTTP), one per kind of account: each portal
/// has its own session, and a cookie of one kind is never read as another.
pub const SESSION_COOKIE: &str = "gatehouse_session";
const SCHOOL_SESSION_COOKIE: &str = "gatehouse_school_session";
const OPS_SESSION_COOKIE: &str = "gatehouse_ops_session";
/// Cookie names over HTTPS: the `__Host-` prefix makes browsers refuse them
/// unless Secure, host-only and `Path=/`, so no subdomain can plant one.
const SECURE_SESSION_COOKIE: &str = "__Host-gatehouse_session";
const SECURE_SCHOOL_SESSION_COOKIE: &str = "__Host-gatehouse_school_session";
const SECURE_OPS_SESSION_COOKIE: &str = "__Host-gatehouse_ops_session";

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

    pub fn name(self, kind: AccountKind) -> &'static str {
        match (self, kind) {
            (CookiePolicy::Secure, AccountKind::Partner) => SECURE_SESSION_COOKIE,
            (CookiePolicy::Secure, AccountKind::School) => SECURE_SCHOOL_SESSION_COOKIE,
            (CookiePolicy::Secure, AccountKind::Ops) => SECURE_OPS_SESSION_COOKIE,
            (CookiePolicy::LocalHttp, AccountKind::Partner) => SESSION_COOKIE,
            (CookiePolicy::LocalHttp, AccountKind::School) => SCHOOL_SESSION_COOKIE,
            (CookiePolicy::LocalHttp, AccountKind::Ops) => OPS_SESSION_COOKIE,
        }
    }

    pub fn session_cookie(self, kind: AccountKind, token: &Token, lifetime: Duration) -> String {
        self.build(kind, token.expose().to_owned(), cookie::time::Duration::seconds(lifetime.num_seconds()))
    }

    pub fn cleared_cookie(self, kind: AccountKind) -> String {
        self.build(kind, String::new(), cookie::time::Duration::ZERO)
    }

    fn build(self, kind: AccountKind, value: String, max_age: cookie::time::Duration) -> String {
        Cookie::build((self.name(kind), value))
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(self == CookiePolicy::Secure)
            .path("/")
            .max_age(max_age)
            .build()
            .to_string()
    }
}

/// The raw value of the session cookie of `kind`, if the request carries one.
pub fn session_cookie(parts: &Parts, state: &AppState, kind: AccountKind) -> Option<String> {
    let name = state.cookies.name(kind);
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// A live partner session; 401 `sign_in_required` otherwise.
pub struct SignedIn(pub SessionRecord);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let raw = session_cookie(parts, state, AccountKind::Partner).ok_or(Error::SignInRequired)?;
        let session = auth::session(&state.gatehouse, &raw).await?;
        tracing::Span::current().record("partner_id", session.partner_id.as_str());
        Ok(SignedIn(session))
    }
}

/// A live school portal session (S3); 401 `sign_in_required` otherwise. A
/// partner or ops session does not count.
pub struct SignedInSchool(pub SchoolSessionRecord);

impl FromRequestParts<AppState> for SignedInSchool {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let raw = session_cookie(parts, state, AccountKind::School).ok_or(Error::SignInRequired)?;
        let session = auth::school_session(&state.gatehouse, &raw).await?;
        tracing::Span::current().record("school_id", session.school_id.as_str());
        Ok(SignedInSchool(session))
    }
}

/// A live school portal session of an admin of the school (#12): every
/// school write takes this. A member is 403 `forbidden`; no session is 401.
/// The access is the session's copy, and a change of access ends the
/// account's sessions, so it is never stale.
pub struct SchoolAdmin(pub SchoolSessionRecord);

impl FromRequestParts<AppState> for SchoolAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedInSchool(session) = SignedInSchool::from_request_parts(parts, state).await?;
        gatehouse_core::school_portal::require_admin(&session)?;
        Ok(SchoolAdmin(session))
    }
}

/// A live operations console session (O1); 401 `sign_in_required` otherwise.
pub struct SignedInOps(pub OpsSessionRecord);

impl FromRequestParts<AppState> for SignedInOps {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let raw = session_cookie(parts, state, AccountKind::Ops).ok_or(Error::SignInRequired)?;
        Ok(SignedInOps(auth::ops_session(&state.gatehouse, &raw).await?))
    }
}

/// Every session cookie the request carries, read by the logouts.
pub struct AnySessionCookies {
    pub partner: Option<String>,
    pub school: Option<String>,
    pub ops: Option<String>,
}

impl FromRequestParts<AppState> for AnySessionCookies {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(AnySessionCookies {
            partner: session_cookie(parts, state, AccountKind::Partner),
            school: session_cookie(parts, state, AccountKind::School),
            ops: session_cookie(parts, state, AccountKind::Ops),
        })
    }
}

impl AnySessionCookies {
    pub fn of(&self, kind: AccountKind) -> Option<&str> {
        match kind {
            AccountKind::Partner => self.partner.as_deref(),
            AccountKind::School => self.school.as_deref(),
            AccountKind::Ops => self.ops.as_deref(),
        }
    }
}

/// The three steps of signing in, shared by every kind of account: the
/// handlers of each portal's routes are these with their kind.
pub mod sign_in {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::http::header::SET_COOKIE;
    use gatehouse_core::{Gatehouse, auth};
    use gatehouse_model::{AccountKind, MagicLinkAccepted, MagicLinkRequest, Me, OpsMe, SchoolMe};

    use super::AnySessionCookies;
    use crate::{ApiError, AppState};

    pub type WithCookie<T> = ([(axum::http::HeaderName, String); 1], Json<T>);

    /// A kind of account as a type, so that one handler signs in all three:
    /// `ops::with_handler` mounts it once per kind.
    pub trait Kind: Send + Sync + 'static {
        const KIND: AccountKind;
        /// Who signed in, as the session exchange answers.
        type Me: serde::Serialize + Send;

        /// Exchanges a sign-in link's token for a session of this kind.
        fn create_session(
            gatehouse: &Gatehouse,
            raw_token: &str,
        ) -> impl Future<Output = gatehouse_core::Result<auth::NewSession<Self::Me>>> + Send;
    }

    /// The partner portal (P1).
    pub struct Partner;
    /// The school portal (S3).
    pub struct School;
    /// The operations console (O1).
    pub struct Ops;

    impl Kind for Partner {
        const KIND: AccountKind = AccountKind::Partner;
        type Me = Me;

        fn create_session(
            gatehouse: &Gatehouse,
            raw_token: &str,
        ) -> impl Future<Output = gatehouse_core::Result<auth::NewSession<Me>>> + Send {
            auth::create_session(gatehouse, raw_token)
        }
    }

    impl Kind for School {
        const KIND: AccountKind = AccountKind::School;
        type Me = SchoolMe;

        fn create_session(
            gatehouse: &Gatehouse,
            raw_token: &str,
        ) -> impl Future<Output = gatehouse_core::Result<auth::NewSession<SchoolMe>>> + Send {
            auth::create_school_session(gatehouse, raw_token)
        }
    }

    impl Kind for Ops {
        const KIND: AccountKind = AccountKind::Ops;
        type Me = OpsMe;

        fn create_session(
            gatehouse: &Gatehouse,
            raw_token: &str,
        ) -> impl Future<Output = gatehouse_core::Result<auth::NewSession<OpsMe>>> + Send {
            auth::create_ops_session(gatehouse, raw_token)
        }
    }

    pub async fn request_link(
        state: &AppState,
        kind: AccountKind,
        client: &str,
        request: &MagicLinkRequest,
    ) -> Result<(StatusCode, Json<MagicLinkAccepted>), ApiError> {
        auth::request_magic_link(&state.gatehouse, kind, &request.email, client).await?;
        let accepted = MagicLinkAccepted {
            message: "If this address belongs to a Gatehouse account, a sign-in link is on its way.".to_owned(),
            expires_in_minutes: auth::LINK_LIFETIME.num_minutes() as u32,
        };
        Ok((StatusCode::ACCEPTED, Json(accepted)))
    }

    /// The response of a session exchange: the cookie of `kind` and who signed in.
    pub fn signed_in<M>(state: &AppState, kind: AccountKind, session: auth::NewSession<M>) -> WithCookie<M> {
        let cookie = state.cookies.session_cookie(kind, &session.token, auth::SESSION_LIFETIME);
        ([(SET_COOKIE, cookie)], Json(session.me))
    }

    pub async fn logout(
        state: &AppState,
        kind: AccountKind,
        cookies: &AnySessionCookies,
    ) -> Result<(StatusCode, [(axum::http::HeaderName, String); 1]), ApiError> {
        if let Some(raw) = cookies.of(kind) {
            auth::logout(&state.gatehouse, kind, raw).await?;
        }
        Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, state.cookies.cleared_cookie(kind))]))
    }
}
