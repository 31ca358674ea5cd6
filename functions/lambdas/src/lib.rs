//! The glue every Lambda binary shares: JSON logs for CloudWatch, and the
//! caller's IP taken from the API Gateway event. Handlers stay the same code
//! the local server runs.

use std::net::IpAddr;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use gatehouse_api::ClientIp;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use tracing_subscriber::EnvFilter;

/// Added by CloudFront in front of the API: the viewer's address and source
/// port, e.g. `198.51.100.10:46532` or `2001:db8::7:46532`.
const VIEWER_ADDRESS: &str = "cloudfront-viewer-address";

/// JSON lines on stdout, one object per event with its span fields, at the
/// level `RUST_LOG` names (`info` when unset or unreadable). No colours:
/// CloudWatch would store the escape codes.
pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(true)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
}

/// Gives every request the `ClientIp` extension the handlers read, as the
/// local server does from its socket.
pub fn with_client_ip(router: Router) -> Router {
    router.layer(middleware::from_fn(insert_client_ip))
}

async fn insert_client_ip(mut request: Request, next: Next) -> Response {
    if let Some(ip) = client_ip(&request) {
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

/// Behind CloudFront the API Gateway source is an edge server, shared by
/// many viewers, so CloudFront's viewer header wins when it parses. Without
/// either, the handler's own fallback applies. A caller that skips
/// CloudFront can forge the header and so spread requests over per-IP
/// budgets; the per-address budget still holds.
fn client_ip(request: &Request) -> Option<String> {
    let viewer = request.headers().get(VIEWER_ADDRESS).and_then(|value| value.to_str().ok()).and_then(viewer_ip);
    viewer.or_else(|| match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    })
}

/// The IP of a `CloudFront-Viewer-Address` value, without its `:port`
/// (IPv6 addresses come unbracketed, so the port is after the last colon).
/// Normalised, so one viewer always counts against one rate-limit key.
fn viewer_ip(value: &str) -> Option<String> {
    let value = value.trim();
    let without_port = value.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map(|(ip, _)| ip);
    let parse = |text: &str| text.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
    without_port.and_then(parse).or_else(|| parse(value)).map(|ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::viewer_ip;

    #[test]
    fn viewer_address_loses_its_port() {
        assert_eq!(viewer_ip("198.51.100.10:46532").as_deref(), Some("198.51.100.10"));
        assert_eq!(viewer_ip("2001:DB8:0:0::7:46532").as_deref(), Some("2001:db8::7"));
        assert_eq!(viewer_ip("[2001:db8::7]:443").as_deref(), Some("2001:db8::7"));
    }

    #[test]
    fn viewer_address_without_port_or_garbage() {
        assert_eq!(viewer_ip("198.51.100.10").as_deref(), Some("198.51.100.10"));
        assert_eq!(viewer_ip("not-an-address:80"), None);
        assert_eq!(viewer_ip(""), None);
    }
}

/// API Gateway HTTP API (v2) events, as Lambda receives them, go through
/// `with_client_ip` the way `lambda_http::run` sends them: the handler must
/// see the viewer's IP, not CloudFront's. (Here rather than in `tests/` so
/// that testing it does not build every operation's binary.)
#[cfg(test)]
mod client_ip_tests {
    use super::with_client_ip;
    use axum::body::to_bytes;
    use axum::routing::post;
    use axum::{Extension, Router};
    use gatehouse_api::ClientIp;
    use tower::ServiceExt;

    /// Answers with the `ClientIp` the layer inserted; a 500 if it inserted none.
    fn echo_client_ip() -> Router {
        Router::new()
            .route("/api/auth/magic-link", post(|Extension(ClientIp(ip)): Extension<ClientIp>| async move { ip }))
    }

    async fn client_ip_seen_for(event: &str) -> String {
        let request = lambda_http::request::from_str(event).expect("the fixture is an HTTP API v2 event");
        let response = with_client_ip(echo_client_ip()).oneshot(request).await.expect("routers are infallible");
        assert!(response.status().is_success(), "status {}", response.status());
        let body = to_bytes(response.into_body(), 1024).await.expect("a short body");
        String::from_utf8(body.to_vec()).expect("UTF-8")
    }

    #[tokio::test]
    async fn direct_call_uses_the_api_gateway_source_ip() {
        let ip = client_ip_seen_for(include_str!("../tests/fixtures/magic_link_direct.json")).await;
        assert_eq!(ip, "203.0.113.24");
    }

    #[tokio::test]
    async fn call_through_cloudfront_uses_the_viewer_address_without_port() {
        let ip = client_ip_seen_for(include_str!("../tests/fixtures/magic_link_via_cloudfront.json")).await;
        // Not 198.51.100.77: that is the CloudFront edge API Gateway saw.
        assert_eq!(ip, "2001:db8:4006:812::200e");
    }
}
