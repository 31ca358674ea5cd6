//! API Gateway HTTP API (v2) events, as Lambda receives them, go through
//! `with_client_ip` the way `lambda_http::run` sends them: the handler must
//! see the viewer's IP, not CloudFront's.

use axum::body::to_bytes;
use axum::routing::post;
use axum::{Extension, Router};
use gatehouse_api::ClientIp;
use gatehouse_lambdas::with_client_ip;
use tower::ServiceExt;

/// Answers with the `ClientIp` the layer inserted; a 500 if it inserted none.
fn echo_client_ip() -> Router {
    Router::new().route("/api/auth/magic-link", post(|Extension(ClientIp(ip)): Extension<ClientIp>| async move { ip }))
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
    let ip = client_ip_seen_for(include_str!("fixtures/magic_link_direct.json")).await;
    assert_eq!(ip, "203.0.113.24");
}

#[tokio::test]
async fn call_through_cloudfront_uses_the_viewer_address_without_port() {
    let ip = client_ip_seen_for(include_str!("fixtures/magic_link_via_cloudfront.json")).await;
    // Not 198.51.100.77: that is the CloudFront edge API Gateway saw.
    assert_eq!(ip, "2001:db8:4006:812::200e");
}
