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
