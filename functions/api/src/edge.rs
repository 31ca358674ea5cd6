//! The edge (#18). Behind CloudFront only CloudFront may reach the functions:
//! it adds a secret origin header, and a request without it (a direct call
//! to the API Gateway endpoint) is refused before any handler runs, so the
//! viewer address CloudFront adds can be trusted. Every answer carries the
//! security headers the CloudFront response headers policy also sets
//! (`infra/template.yaml`; `tests/parity.rs` holds the two together).

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::ApiError;

/// The header CloudFront adds to every request it forwards to the API.
pub const ORIGIN_HEADER: &str = "x-gatehouse-origin";

/// Scripts, styles, the wasm module and API calls from the site itself and
/// nothing else; never framed. `wasm-unsafe-eval` lets the page compile its
/// own WebAssembly (not `eval`); inline `style` attributes are what Leptos
/// sets for a few widths.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Every response's security headers, by name.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("strict-transport-security", "max-age=63072000; includeSubDomains"),
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
];

/// Adds the security headers to a response that has not set its own.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(*name) {
            headers.insert(*name, HeaderValue::from_static(value));
        }
    }
    response
}

/// The origin secret, hashed once so the comparison takes the same time
/// whatever the caller sent.
#[derive(Clone)]
pub struct OriginSecret(Option<[u8; 32]>);

impl OriginSecret {
    pub fn new(secret: Option<&str>) -> Self {
        OriginSecret(secret.filter(|secret| !secret.is_empty()).map(|secret| Sha256::digest(secret).into()))
    }
}

/// Refuses a request without CloudFront's origin header, when the
/// deployment has a secret (locally there is none and nothing is refused).
pub async fn require_origin(State(secret): State<OriginSecret>, request: Request, next: Next) -> Response {
    let Some(expected) = secret.0 else {
        return next.run(request).await;
    };
    let sent = request.headers().get(ORIGIN_HEADER).map(|value| Sha256::digest(value.as_bytes()));
    // Equal digests of equal length: compared whole, in constant time.
    let matches = sent.is_some_and(|sent| sent.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0);
    if matches { next.run(request).await } else { ApiError::DirectAccess.into_response() }
}
