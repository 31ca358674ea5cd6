//! The sign-in → Active Schools slice on the AWS shape: the same API router a
//! Lambda serves, over the DynamoDB, SES and EventBridge adapters on moto.
//! Also pins how many DynamoDB requests each operation makes.

use std::sync::Arc;

use anyhow::Context;
use chrono::{TimeZone, Utc};
use gatehouse_aws::{AwsPorts, ResourceNames, create_table};
use gatehouse_core::demo::{self, DEMO_EMAIL};
use gatehouse_core::ports::ManualClock;
use gatehouse_core::{EmailAddress, Settings};
use gatehouse_tests::moto;
use serde_json::{Value, json};

struct AwsApp {
    url: String,
    ports: AwsPorts,
    sender: String,
    client: reqwest::Client,
}

/// Fresh resources in moto, demo data, and the API on a free port.
async fn spawn_aws_app() -> anyhow::Result<AwsApp> {
    let config = moto::sdk_config().await;
    let domain = format!("{}.example", moto::unique_name("slice"));
    let names = ResourceNames {
        table: moto::unique_name("slice-table"),
        event_bus: moto::unique_name("slice-bus"),
        sender: EmailAddress::parse(&format!("no-reply@{domain}"))?,
    };
    create_table(&aws_sdk_dynamodb::Client::new(&config), &names.table).await?;
    aws_sdk_sesv2::Client::new(&config).create_email_identity().email_identity(&domain).send().await?;
    aws_sdk_eventbridge::Client::new(&config).create_event_bus().name(&names.event_bus).send().await?;

    let ports = AwsPorts::new(&config, &names);
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    demo::seed(ports.table.as_ref(), now).await?;
    let settings = Settings { public_url: "https://gatehouse.example".to_owned() };
    let router = gatehouse_api::router(ports.gatehouse(settings, Arc::new(ManualClock::at(now))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(AwsApp { url, ports, sender: names.sender.as_str().to_owned(), client: reqwest::Client::new() })
}

impl AwsApp {
    /// DynamoDB requests made while `action` runs.
    async fn requests_during<T>(&self, action: impl std::future::Future<Output = T>) -> (T, u64) {
        let before = self.ports.table.requests_made();
        let output = action.await;
        (output, self.ports.table.requests_made() - before)
    }

    async fn newest_link_token(&self) -> anyhow::Result<String> {
        let state: Value = reqwest::get(format!("{}/moto-api/data.json", moto::endpoint())).await?.json().await?;
        let messages = state["ses"]["Message"].as_array().context("no SES messages")?;
        let body = messages
            .iter()
            .rev()
            .find(|message| message["source"] == self.sender.as_str())
            .and_then(|message| message["body"].as_str())
            .context("no sign-in email from this app's sender")?;
        let start = body.find("/auth#token=").context("a link")? + "/auth#token=".len();
        Ok(body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_signs_in_and_lists_active_schools_on_aws_adapters() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;

    let (response, requests) = app
        .requests_during(
            app.client.post(format!("{}/api/auth/magic-link", app.url)).json(&json!({"email": DEMO_EMAIL})).send(),
        )
        .await;
    assert_eq!(response?.status(), 202);
    assert_eq!(requests, 4, "two rate-limit counters, the user, the link");

    let token = app.newest_link_token().await?;
    let (response, requests) = app
        .requests_during(app.client.post(format!("{}/api/auth/session", app.url)).json(&json!({"token": token})).send())
        .await;
    let response = response?;
    assert_eq!(response.status(), 200);
    assert_eq!(requests, 5, "consume the link, user, partner, apps, session");
    let set_cookie = response.headers()["set-cookie"].to_str()?.to_owned();
    assert!(set_cookie.starts_with("__Host-gatehouse_session="), "{set_cookie}");
    assert!(set_cookie.contains("Secure") && set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let (response, requests) = app
        .requests_during(
            app.client
                .get(format!("{}/api/partner/schools?view=active&page=1&page_size=50", app.url))
                .header("cookie", &cookie)
                .send(),
        )
        .await;
    let page: Value = response?.json().await?;
    assert_eq!(page["total"], 42);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(42));
    assert_eq!(requests, 2, "an Active Schools page is the session read plus one Query");

    let (response, requests) = app
        .requests_during(
            app.client
                .get(format!("{}/api/partner/schools/export?status=Error", app.url))
                .header("cookie", &cookie)
                .send(),
        )
        .await;
    assert!(response?.text().await?.contains("School ID"));
    assert_eq!(requests, 2, "an export is the same single Query");

    let (response, requests) =
        app.requests_during(app.client.get(format!("{}/api/me", app.url)).header("cookie", &cookie).send()).await;
    assert_eq!(response?.status(), 200);
    assert_eq!(requests, 1, "the session holds the identity snapshot");

    let used_again =
        app.client.post(format!("{}/api/auth/session", app.url)).json(&json!({"token": token})).send().await?;
    assert_eq!(used_again.status(), 410);
    Ok(())
}
