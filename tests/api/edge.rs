//! #18, the edge: every answer carries the security headers, and behind
//! CloudFront a call without its origin secret is refused.

use gatehouse_api::edge::{CONTENT_SECURITY_POLICY, ORIGIN_HEADER};
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/api/health", "/api/me", "/api/nowhere"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["content-security-policy"], CONTENT_SECURITY_POLICY, "{path}");
        assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers["strict-transport-security"].to_str().unwrap().starts_with("max-age="), "{path}");
    }
}

#[tokio::test]
async fn behind_cloudfront_a_direct_call_is_refused() {
    let app = spawn_app().await;
    let mut gatehouse = app.server.gatehouse.clone();
    gatehouse.settings.origin_secret = Some("s3cret-only-cloudfront-knows".to_owned());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/health", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, gatehouse_api::router(gatehouse)).await });
    let client = reqwest::Client::new();

    let direct = client.get(&url).send().await.unwrap();
    let body: Value = assert_problem(direct, 403, "direct_access_refused").await;
    assert!(body["detail"].as_str().unwrap().contains("public address"));
    let forged = client.get(&url).header(ORIGIN_HEADER, "guess").send().await.unwrap();
    assert_problem(forged, 403, "direct_access_refused").await;
    let through_cloudfront = client.get(&url).header(ORIGIN_HEADER, "s3cret-only-cloudfront-knows").send().await;
    assert_eq!(through_cloudfront.unwrap().status(), 200);
}
