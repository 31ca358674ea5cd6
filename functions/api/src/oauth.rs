//! The token endpoint's edge (RFC 6749 §4.4, #17): its form, the client's
//! HTTP Basic credentials, and answers in OAuth's shape rather than as
//! problems, because off-the-shelf OAuth clients read `error`, not `code`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use gatehouse_core::oauth::ClientCredentials;
use gatehouse_model::{OAuthError, OAuthErrorCode, OAuthToken, OAuthTokenRequest};

use crate::extract::{Documented, Reads, percent_decode};
use crate::openapi::schema;

/// A token request: the client, however it named itself, and the form.
/// Never rejects: a malformed request is the client's `invalid_request`,
/// answered by the handler like every other refusal.
pub struct OAuthForm {
    pub client: Result<ClientCredentials, OAuthError>,
    pub request: OAuthTokenRequest,
}

fn invalid_request(why: &str) -> OAuthError {
    OAuthError { error: OAuthErrorCode::InvalidRequest, error_description: why.to_owned() }
}

impl<S: Send + Sync> FromRequest<S> for OAuthForm {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let header = basic_credentials(request.headers());
        let form = match form_content_type(request.headers()) {
            true => match Bytes::from_request(request, state).await {
                Ok(bytes) => parse_form(&bytes),
                Err(_) => Err(invalid_request("the body could not be read")),
            },
            false => Err(invalid_request("send the request as application/x-www-form-urlencoded")),
        };
        let form = form.and_then(|request| {
            let header = header?;
            Ok((gatehouse_core::oauth::client_of(header, &request), request))
        });
        Ok(match form {
            Ok((client, request)) => OAuthForm { client, request },
            Err(refusal) => OAuthForm { client: Err(refusal), request: OAuthTokenRequest::default() },
        })
    }
}

fn form_content_type(headers: &HeaderMap) -> bool {
    let value = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    value.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// The form's four fields; any other is ignored and none may come twice
/// (RFC 6749 §3.2).
fn parse_form(bytes: &[u8]) -> Result<OAuthTokenRequest, OAuthError> {
    let mut request = OAuthTokenRequest::default();
    let text = std::str::from_utf8(bytes).map_err(|_| invalid_request("the form is not UTF-8"))?;
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = form_decode(value).ok_or_else(|| invalid_request("a form value is not UTF-8"))?;
        let field = match form_decode(name).as_deref() {
            Some("grant_type") => &mut request.grant_type,
            Some("scope") => &mut request.scope,
            Some("client_id") => &mut request.client_id,
            Some("client_secret") => &mut request.client_secret,
            _ => continue,
        };
        if field.replace(value).is_some() {
            return Err(invalid_request("a parameter appears twice"));
        }
    }
    Ok(request)
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space.
fn form_decode(text: &str) -> Option<String> {
    String::from_utf8(percent_decode(&text.replace('+', " "))).ok()
}

/// `Authorization: Basic …`: the client id and secret, each form-encoded
/// before they were joined (RFC 6749 §2.3.1). `Ok(None)` without Basic;
/// a Basic header that does not decode is the client's `invalid_client`.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<ClientCredentials>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()) else { return Ok(None) };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else { return Ok(None) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let refused = || OAuthError {
        error: OAuthErrorCode::InvalidClient,
        error_description: "the Basic credentials do not decode".into(),
    };
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| refused())?;
    let joined = String::from_utf8(decoded).map_err(|_| refused())?;
    let (id, secret) = joined.split_once(':').ok_or_else(refused)?;
    let (client_id, client_secret) = (form_decode(id).ok_or_else(refused)?, form_decode(secret).ok_or_else(refused)?);
    Ok(Some(ClientCredentials { client_id, client_secret }))
}

impl Documented for OAuthForm {
    fn add_to(reads: &mut Reads) {
        reads.body = Some(schema::<OAuthTokenRequest>());
        reads.form_body = true;
        reads.oauth_errors = true;
    }
}

/// The token, never cached (RFC 6749 §5.1).
pub fn token(token: OAuthToken) -> Response {
    let headers = [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")];
    (StatusCode::OK, headers, axum::Json(token)).into_response()
}

/// A refusal as RFC 6749 §5.2 shapes it; `invalid_client` is a 401 that
/// names the Basic scheme, as the RFC asks.
pub fn refusal(refusal: OAuthError) -> Response {
    let status = StatusCode::from_u16(refusal.error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response =
        (status, [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")], axum::Json(refusal)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Basic realm=\"gatehouse\""));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization.parse().unwrap());
        headers
    }

    #[test]
    fn basic_credentials_are_form_decoded_and_other_schemes_ignored() {
        let encoded = base64::engine::general_purpose::STANDARD.encode("my%20client:p%3Ass+word");
        let client = basic_credentials(&headers(&format!("Basic {encoded}"))).unwrap().unwrap();
        assert_eq!((client.client_id.as_str(), client.client_secret.as_str()), ("my client", "p:ss word"));
        assert!(basic_credentials(&headers("Bearer abc")).unwrap().is_none());
        assert!(basic_credentials(&HeaderMap::new()).unwrap().is_none());
        let refused = basic_credentials(&headers("Basic !!!")).unwrap_err();
        assert_eq!(refused.error, OAuthErrorCode::InvalidClient);
        let no_colon = base64::engine::general_purpose::STANDARD.encode("client");
        assert!(basic_credentials(&headers(&format!("Basic {no_colon}"))).is_err());
    }

    #[test]
    fn the_form_takes_its_four_fields_once_each() {
        let request = parse_form(b"grant_type=client_credentials&scope=a+b&client_id=x&other=1").unwrap();
        assert_eq!(request.grant_type.as_deref(), Some("client_credentials"));
        assert_eq!(request.scope.as_deref(), Some("a b"));
        assert_eq!((request.client_id.as_deref(), request.client_secret.as_deref()), (Some("x"), None));
        assert_eq!(parse_form(b"scope=a&scope=b").unwrap_err().error, OAuthErrorCode::InvalidRequest);
        assert_eq!(parse_form(b"scope=%FF").unwrap_err().error, OAuthErrorCode::InvalidRequest);
    }

    #[test]
    fn invalid_client_is_a_401_naming_basic_and_nothing_is_cached() {
        let response = refusal(OAuthError { error: OAuthErrorCode::InvalidClient, error_description: "no".into() });
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], "Basic realm=\"gatehouse\"");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
        let response = refusal(OAuthError { error: OAuthErrorCode::InvalidScope, error_description: "no".into() });
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.headers().get(WWW_AUTHENTICATE).is_none());
    }
}
