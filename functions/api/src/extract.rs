//! Extractors that turn bad input into problems instead of axum's plain-text
//! rejections, and find who is calling.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use gatehouse_core::ingestion::is_hidden_control;
use gatehouse_model::Audience;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ApiError;
use crate::openapi::{QueryRef, SchemaRef, query, schema};
use crate::problem::Code;

/// A JSON body; a malformed one is a 400 (or 413, 415) problem. Unless
/// `CHECK_TEXT` is off, the body must be a JSON object and no string in it
/// may hold a hidden control character (issue 18); the agent's extract turns
/// it off, as ingestion rejects such a record on its own and keeps the rest.
pub struct ApiJson<T, const CHECK_TEXT: bool = true>(pub T);

impl<S: Send + Sync, T: DeserializeOwned, const CHECK_TEXT: bool> FromRequest<S> for ApiJson<T, CHECK_TEXT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !json_content_type(&request) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest { code: Code::InvalidBody, detail: rejection.body_text() }
            }
        })?;
        let value = parse_body::<T>(&bytes)?;
        if CHECK_TEXT {
            let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if !json.is_object() {
                let detail = "Send a JSON object.".to_owned();
                return Err(ApiError::BadRequest { code: Code::InvalidBody, detail });
            }
            if let Some(at) = hidden_control_at(&json, String::new()) {
                let detail = format!("`{at}` holds a control or bidirectional formatting character; remove it.");
                return Err(ApiError::BadRequest { code: Code::InvalidBody, detail });
            }
        }
        Ok(ApiJson(value))
    }
}

/// The body as `T`. A value its type refuses (an email address that is not
/// one, an unknown choice, a number for a text) is `invalid` and names the
/// field by its path, e.g. `school_contact.email`, so a form can show the
/// error beside its input; a body that is not JSON, or lacks or adds a field,
/// is `invalid_body`.
fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let invalid_body = |detail: String| ApiError::BadRequest {
        code: Code::InvalidBody,
        detail: format!("Failed to parse the JSON body into what this operation takes: {detail}"),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.inner();
        let position = format!(" at line {} column {}", inner.line(), inner.column());
        let message = inner.to_string();
        let message = message.strip_suffix(&position).unwrap_or(&message);
        let about_the_shape = message.starts_with("missing field") || message.starts_with("unknown field");
        if inner.is_data() && field != "." && !about_the_shape {
            ApiError::InvalidField { field, detail: gatehouse_core::error::sentence(message) }
        } else {
            invalid_body(error.to_string())
        }
    })?;
    deserializer.end().map_err(|error| invalid_body(error.to_string()))?;
    Ok(value)
}

/// As axum's `Json`: `application/json`, or any `application/*+json`.
fn json_content_type(request: &Request) -> bool {
    let Some(value) = request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => false,
    }
}

/// The JSON pointer of the first string holding a hidden control character.
fn hidden_control_at(value: &Value, at: String) -> Option<String> {
    match value {
        Value::String(text) => text.chars().any(is_hidden_control).then_some(at),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(index, item)| hidden_control_at(item, format!("{at}/{index}")))
        }
        Value::Object(map) => map.iter().find_map(|(key, item)| hidden_control_at(item, format!("{at}/{key}"))),
        _ => None,
    }
}

/// A text body (the register's CSV); over the limit is a 413 problem, not
/// UTF-8 a 400 one, never axum's plain-text rejection.
pub struct ApiText(pub String);

impl<S: Send + Sync> FromRequest<S> for ApiText {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match String::from_request(request, state).await {
            Ok(text) => Ok(ApiText(text)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::PayloadTooLarge),
            Err(rejection) => Err(ApiError::BadRequest { code: Code::InvalidBody, detail: rejection.body_text() }),
        }
    }
}

/// The longest value a query parameter may have; the longest the product
/// makes (a cursor, a sync token) is far shorter.
const MAX_QUERY_VALUE: usize = 1_000;

/// A query string; unknown values are a 400 problem, and so is a value that
/// is not UTF-8, too long or holds a hidden control character (issue 18).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let invalid = |detail: String| ApiError::BadRequest { code: Code::InvalidQuery, detail };
        for pair in parts.uri.query().unwrap_or_default().split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = if name.len() <= 40 { name } else { "a parameter" };
            let decoded = percent_decode(&value.replace('+', " "));
            let Ok(text) = std::str::from_utf8(&decoded) else {
                return Err(invalid(format!("`{name}` is not UTF-8 once percent-decoded.")));
            };
            if text.chars().count() > MAX_QUERY_VALUE {
                return Err(invalid(format!("`{name}` is longer than {MAX_QUERY_VALUE} characters.")));
            }
            if text.chars().any(is_hidden_control) {
                return Err(invalid(format!("`{name}` holds a control or bidirectional formatting character.")));
            }
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(invalid(rejection.body_text())),
        }
    }
}

/// `%XX` sequences to bytes; anything else as it is (as browsers do).
pub(crate) fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) =
                (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Refuses a path that is not UTF-8 once percent-decoded or holds a hidden
/// control character (issue 18), before any route's `Path` reads it: axum
/// would answer the first in plain text.
pub async fn check_path(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let decoded = percent_decode(request.uri().path());
    let fine = std::str::from_utf8(&decoded).is_ok_and(|path| !path.chars().any(is_hidden_control));
    if fine {
        next.run(request).await
    } else {
        let detail = "The path is not UTF-8 once percent-decoded, or holds a control character.".to_owned();
        ApiError::BadRequest { code: Code::InvalidPath, detail }.into_response()
    }
}

/// The caller's IP address, for rate limits. The Lambda glue inserts it from
/// the API Gateway context (or CloudFront's viewer header); the local server
/// from the socket. Never logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ip) = parts.extensions.get::<ClientIp>() {
            return Ok(ip.clone());
        }
        if let Some(ConnectInfo(address)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Ok(ClientIp(address.ip().to_string()));
        }
        // Without either, all such callers share one budget: stricter, never looser.
        Ok(ClientIp("unknown".to_owned()))
    }
}

/// The optional `Idempotency-Key` header: a retry with the same key gets the
/// first result instead of running again (see `gatehouse_core::idempotency`).
pub struct IdempotencyKey(pub Option<String>);

impl IdempotencyKey {
    const HEADER: &'static str = "Idempotency-Key";

    /// The header in the OpenAPI document.
    pub fn parameter() -> utoipa::openapi::path::Parameter {
        utoipa::openapi::path::ParameterBuilder::new()
            .name(Self::HEADER)
            .parameter_in(utoipa::openapi::path::ParameterIn::Header)
            .description(Some("Any unique string per intended send; a retry with it sends nothing twice."))
            .schema(Some(utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String)))
            .build()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        match parts.headers.get(Self::HEADER) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(key) => Ok(IdempotencyKey(Some(key.to_owned()))),
                Err(_) => Err(ApiError::BadRequest {
                    code: Code::InvalidHeader,
                    detail: format!("{} must be visible ASCII characters.", Self::HEADER),
                }),
            },
        }
    }
}

/// The key in `Authorization: Bearer <key>`, as an app or the MIS agent sends it.
pub(crate) fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// An app calling the data API with `Authorization: Bearer <key>`; 401
/// `invalid_credentials` otherwise.
pub struct AppKey(pub gatehouse_core::app_keys::AppCaller);

impl FromRequestParts<crate::AppState> for AppKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &crate::AppState) -> Result<Self, ApiError> {
        let caller = gatehouse_core::app_keys::authenticate(&state.gatehouse, bearer(parts)).await?;
        tracing::Span::current().record("partner_id", caller.actor.partner_id.as_str());
        Ok(AppKey(caller))
    }
}

/// One extractor read inside another: its rejection as the response it
/// would have been on its own.
pub(crate) async fn part<T>(parts: &mut Parts, state: &crate::AppState) -> Result<T, axum::response::Response>
where
    T: FromRequestParts<crate::AppState>,
    T::Rejection: axum::response::IntoResponse,
{
    use axum::response::IntoResponse;
    T::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)
}

/// What a handler reads besides its path and its caller, for the OpenAPI
/// document: gathered from the handler's own arguments, so the document
/// names the body, query string and headers the handler decodes rather than
/// a list kept beside it.
#[derive(Default)]
pub(crate) struct Reads {
    pub body: Option<SchemaRef>,
    pub query: Option<QueryRef>,
    pub idempotency_key: bool,
    /// The problems the extractors themselves answer with.
    pub codes: Vec<Code>,
    /// The audiences whose credential the handler reads; `None` when it
    /// reads none (anyone may call it).
    pub credential_of: Option<&'static [Audience]>,
    /// The body is a form (`application/x-www-form-urlencoded`), not JSON.
    pub form_body: bool,
    /// Refusals are OAuth's `{error, error_description}` (#17), not problems.
    pub oauth_errors: bool,
    /// Refusals are OneRoster's `imsx_StatusInfo` (#17), not problems.
    pub oneroster_errors: bool,
}

/// An argument of a handler, and what it adds to the handler's `Reads`.
pub(crate) trait Documented {
    fn add_to(_reads: &mut Reads) {}
}

impl<T: utoipa::ToSchema, const CHECK_TEXT: bool> Documented for ApiJson<T, CHECK_TEXT> {
    fn add_to(reads: &mut Reads) {
        reads.body = Some(schema::<T>());
        reads.codes.extend([Code::InvalidBody, Code::Invalid, Code::UnsupportedMediaType, Code::PayloadTooLarge]);
    }
}

impl<T: utoipa::IntoParams + utoipa::ToSchema> Documented for ApiQuery<T> {
    fn add_to(reads: &mut Reads) {
        reads.query = Some(query::<T>());
        reads.codes.push(Code::InvalidQuery);
    }
}

impl Documented for IdempotencyKey {
    fn add_to(reads: &mut Reads) {
        reads.idempotency_key = true;
        reads.codes.push(Code::InvalidHeader);
    }
}

/// Path parameters come from the route's path; callers and sessions are not
/// inputs of the operation (their codes are the operation's to list).
impl<S> Documented for axum::extract::State<S> {}
impl<T> Documented for axum::extract::Path<T> {}
impl Documented for ApiText {
    fn add_to(reads: &mut Reads) {
        reads.codes.extend([Code::InvalidBody, Code::PayloadTooLarge]);
    }
}
impl Documented for ClientIp {}
/// Logout reads whichever session cookie comes, and needs none.
impl Documented for crate::session::AnySessionCookies {}

/// A credential extractor: the audiences whose credential it reads.
macro_rules! credential {
    ($extractor:ty => $($audience:ident),+) => {
        impl Documented for $extractor {
            fn add_to(reads: &mut Reads) {
                reads.credential_of = Some(&[$(Audience::$audience),+]);
            }
        }
    };
}

credential!(AppKey => App);
credential!(crate::agent_auth::AgentKey => Agent);
// A partner's admin rights are checked by the domain, on the same session.
credential!(crate::session::SignedIn => PartnerMember, PartnerAdmin);
credential!(crate::session::SignedInSchool => SchoolMember);
credential!(crate::session::SchoolAdmin => SchoolAdmin);
credential!(crate::session::SignedInOps => Ops);

/// A handler whose every argument is `Documented`: what it reads.
pub(crate) trait DocumentedHandler<Args> {
    fn reads() -> Reads;
}

macro_rules! documented_handler {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg: Documented),*> DocumentedHandler<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
        {
            #[allow(unused_mut)]
            fn reads() -> Reads {
                let mut reads = Reads::default();
                $($arg::add_to(&mut reads);)*
                reads
            }
        }
    };
}

documented_handler!();
documented_handler!(A1);
documented_handler!(A1, A2);
documented_handler!(A1, A2, A3);
documented_handler!(A1, A2, A3, A4);
documented_handler!(A1, A2, A3, A4, A5);
documented_handler!(A1, A2, A3, A4, A5, A6);
documented_handler!(A1, A2, A3, A4, A5, A6, A7);
