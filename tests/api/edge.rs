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

/// #18: the /dev pages answer only to this machine's own name (a page
/// elsewhere rebinding its name to 127.0.0.1 gets nothing), and the command
/// line's `create-ops-user` reaches a running server.
#[tokio::test]
async fn dev_pages_answer_only_to_this_machine_and_the_command_line_reaches_them() {
    let app = spawn_app().await;
    let outbox = app.client.get(app.url("/dev/outbox")).send().await.unwrap();
    assert_eq!(outbox.status(), 200);
    assert_eq!(outbox.headers()["content-security-policy"], CONTENT_SECURITY_POLICY);
    let port = app.server.addr.port();
    let rebound = app.client.get(app.url("/dev/outbox.json")).header("host", format!("evil.example:{port}")).send();
    assert_problem(rebound.await.unwrap(), 403, "forbidden").await;
    let by_name = app.client.get(app.url("/dev/outbox.json")).header("host", format!("localhost:{port}")).send();
    assert_eq!(by_name.await.unwrap().status(), 200);

    let stream = tokio::net::TcpStream::connect(app.server.addr).await.unwrap();
    let body = br#"{"email":"new.ops@gatehouse.example","display_name":"New Ops"}"#;
    let answer = gatehouse_local::post_to_running_server(stream, app.server.addr, "/dev/ops-users", body).await;
    assert_eq!(answer.unwrap(), r#"{"created":true}"#);
}
