//! `spawn_app()`: the local server on a free port with a fresh store and a
//! clock the test controls, plus one helper per operation.

use std::sync::Arc;

use gatehouse_core::demo::DEMO_EMAIL;
use gatehouse_core::ports::ManualClock;
use gatehouse_local::{LocalConfig, OutboxEntry, RunningServer};
use gatehouse_tests::local::{self, Local};
pub use gatehouse_tests::stack::{beas_answers, token_after};
use serde_json::{Value, json};

pub struct TestApp {
    pub server: RunningServer,
    pub clock: Arc<ManualClock>,
    /// A browser-like client: keeps cookies, sends from 127.0.0.1.
    pub client: reqwest::Client,
    _data: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// `spawn_app` with some settings changed first (e.g. short webhook retry delays).
/// A fresh app, and a client signed in as the demo partner's admin.
pub async fn spawn_app_as_demo() -> (TestApp, reqwest::Client) {
    let app = spawn_app().await;
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    (app, demo)
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut LocalConfig)) -> TestApp {
    let Local { server, clock, data } = local::start(configure).await;
    TestApp { server, clock, client: new_client(), _data: data }
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url)
    }

    pub async fn request_magic_link(&self, email: &str) -> reqwest::Response {
        self.client.post(self.url("/api/auth/magic-link")).json(&json!({ "email": email })).send().await.unwrap()
    }

    pub async fn outbox(&self) -> Vec<OutboxEntry> {
        let entries: Vec<Value> =
            self.client.get(self.url("/dev/outbox.json")).send().await.unwrap().json().await.unwrap();
        entries.into_iter().map(|entry| serde_json::from_value(entry).unwrap()).collect()
    }

    /// The token in the newest sign-in email to `email`.
    pub async fn token_from_outbox(&self, email: &str) -> String {
        // Other mail to the same address (a job's receipts) may share the sign-in's timestamp.
        let entry = self
            .outbox()
            .await
            .into_iter()
            .find(|entry| entry.to == email && entry.text.contains("#token="))
            .expect("an email with a link was sent");
        let start = entry.text.find("#token=").expect("a link with a token") + "#token=".len();
        entry.text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }

    /// Asks for a sign-in link for `email` and returns the token it carries.
    pub async fn sign_in_token(&self, email: &str) -> String {
        self.request_magic_link(email).await;
        self.token_from_outbox(email).await
    }

    pub async fn create_session(&self, client: &reqwest::Client, token: &str) -> reqwest::Response {
        client.post(self.url("/api/auth/session")).json(&json!({ "token": token })).send().await.unwrap()
    }

    /// Signs `email` in on a fresh client and returns it.
    pub async fn signed_in_client(&self, email: &str) -> reqwest::Client {
        assert_eq!(self.request_magic_link(email).await.status(), 202);
        let token = self.token_from_outbox(email).await;
        let client = new_client();
        assert_eq!(self.create_session(&client, &token).await.status(), 200);
        client
    }

    /// Signs `email` in to the school portal (`portal` = "school") or the operations console
    /// ("ops") on a fresh client, through that portal's magic link, and returns the client.
    pub async fn signed_in_portal_client(&self, portal: &str, email: &str) -> reqwest::Client {
        let requested = self
            .client
            .post(self.url(&format!("/api/{portal}/auth/magic-link")))
            .json(&json!({ "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(requested.status(), 202);
        let token = self.token_from_outbox(email).await;
        let client = new_client();
        let session = self.post(&client, &format!("/api/{portal}/auth/session"), json!({ "token": token })).await;
        assert_eq!(session.status(), 200, "{portal} sign-in");
        client
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post(&self, client: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
        client.post(self.url(path)).json(&body).send().await.unwrap()
    }

    /// POSTs and expects 200; returns the JSON body.
    pub async fn post_ok(&self, client: &reqwest::Client, path: &str, body: Value) -> Value {
        let response = self.post(client, path, body).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }

    /// Polls the job at `status_url` (#15) as `client` until it is done or failed; the job as it ended.
    pub async fn finished_job(&self, client: &reqwest::Client, status_url: &str) -> Value {
        gatehouse_tests::wait::eventually("the job to finish", || async {
            let job: Value = self.get(client, status_url).await.json().await.ok()?;
            matches!(job["state"].as_str(), Some("done" | "failed")).then_some(job)
        })
        .await
    }

    /// Saves `app_id`'s permission set (P10) as `client`: `202` and a job (#15), its status path
    /// in `Location` too, polled until it is done; what the save did, as it answered before it
    /// ran as a job.
    pub async fn save_permission_set(&self, client: &reqwest::Client, app_id: &str, requested: Value) -> Value {
        let path = format!("/api/partner/apps/{app_id}/permissions");
        let response = self.post(client, &path, json!({ "requested": requested })).await;
        let status = response.status();
        let location = response.headers().get("location").map(|value| value.to_str().unwrap().to_owned());
        let accepted: Value = response.json().await.unwrap();
        assert_eq!(status, 202, "POST {path}: {accepted}");
        assert_eq!(accepted["status_url"].as_str(), location.as_deref(), "{accepted}");
        let job = self.finished_job(client, accepted["status_url"].as_str().unwrap()).await;
        assert_eq!((&job["state"], &job["kind"]), (&json!("done"), &json!("permission_set_fan_out")), "{job}");
        job["result"]["permission_set"].clone()
    }

    /// GETs and expects 200; returns the JSON body.
    pub async fn get_ok(&self, client: &reqwest::Client, path: &str) -> Value {
        let response = self.get(client, path).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// A data API GET as the demo app, with its key.
    pub async fn get_as_app(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(&self.server.demo_app_key).send().await.unwrap()
    }

    /// [`Self::get_as_app`], expecting 200; returns the JSON body.
    pub async fn get_ok_as_app(&self, path: &str) -> Value {
        let response = self.get_as_app(path).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "GET {path} as the app: {body}");
        body
    }

    /// Emails sent to `address`, in the order the outbox lists them.
    pub async fn emails_to(&self, address: &str) -> Vec<OutboxEntry> {
        self.outbox().await.into_iter().filter(|entry| entry.to == address).collect()
    }

    /// The emails to `address` whose subject starts with `subject`.
    pub async fn emails_to_about(&self, address: &str, subject: &str) -> Vec<OutboxEntry> {
        self.emails_to(address).await.into_iter().filter(|entry| entry.subject.starts_with(subject)).collect()
    }

    /// Runs a scheduled job through the local server's `/dev/jobs`.
    pub async fn run_job(&self, name: &str) -> Value {
        self.post_ok(&self.client, &format!("/dev/jobs/{name}"), json!({})).await
    }

    pub async fn list_schools(&self, client: &reqwest::Client, query: &str) -> reqwest::Response {
        client.get(self.url(&format!("/api/partner/schools{query}"))).send().await.unwrap()
    }
}

/// The text at `field` of each element of the JSON array `list`: each school's `urn` in a page's
/// `items`, say.
pub fn field_of_each(list: &Value, field: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|item| item[field].as_str().unwrap().to_owned()).collect()
}

/// The events of a school tile's Authorisation Log, oldest first.
pub fn log_events(tile: &Value) -> Vec<String> {
    field_of_each(&tile["log"], "event")
}

/// Asserts an RFC 9457 problem with this status and code; returns the body.
pub async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["detail"].as_str().is_some_and(|detail| detail.len() > 10), "a human sentence: {body}");
    body
}
