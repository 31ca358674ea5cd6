//! The server under attack and the callers that attack it: the local server
//! over a fresh embedded store with the demo data, one signed-in session per
//! portal, an app key and an agent key, and a raw HTTP client that sends
//! exactly the bytes a case asks for.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use gatehouse_core::ports::ManualClock;
use gatehouse_local::RunningServer;
use gatehouse_tests::local::{self, Local};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::wait;

/// Who sends a request: a route is driven as a caller allowed to call it,
/// so its input is checked rather than its caller refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// No credentials: the public routes (sign-in, invitation links).
    Anonymous,
    Partner,
    School,
    /// An admin of a school whose MIS agent is not installed yet: the
    /// onboarding routes (the school portal's own school has an agent here).
    Onboarding,
    Ops,
    App,
    Agent,
}

/// One request, as bytes.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: reqwest::Method,
    /// Already percent-encoded.
    pub path: String,
    /// Already percent-encoded, without `?`.
    pub query: Option<String>,
    pub caller: Caller,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// `None` sends no `Content-Type`.
    pub content_type: Option<String>,
    pub body: Option<Vec<u8>>,
    /// Send from a loopback address of its own, so the per-address rate
    /// limits of the public routes count this request alone.
    pub own_address: bool,
    /// Replace the caller's session cookie (or bearer key) with this value.
    pub credential_override: Option<String>,
}

impl Request {
    pub fn new(method: reqwest::Method, path: String, caller: Caller) -> Self {
        Request {
            method,
            path,
            query: None,
            caller,
            headers: Vec::new(),
            content_type: None,
            body: None,
            own_address: false,
            credential_override: None,
        }
    }

    pub fn json(mut self, body: &Value) -> Self {
        self.content_type = Some("application/json".to_owned());
        self.body = Some(serde_json::to_vec(body).unwrap());
        self
    }

    pub fn target(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.chars().take(400).collect()
    }
}

/// The store as `(pk, sk, JSON)` rows in key order.
pub type Snapshot = Vec<(String, String, String)>;

pub struct Harness {
    pub url: String,
    pub server: RunningServer,
    _clock: Arc<ManualClock>,
    client: reqwest::Client,
    partner: String,
    school: String,
    onboarding: String,
    ops: String,
    pub app_key: String,
    pub agent_key: String,
    next_address: AtomicU32,
    _data: tempfile::TempDir,
}

const PARTNER_COOKIE: &str = "gatehouse_session";
const SCHOOL_COOKIE: &str = "gatehouse_school_session";
const OPS_COOKIE: &str = "gatehouse_ops_session";

impl Harness {
    pub async fn start() -> Harness {
        let Local { server, clock, data } = local::start(|config| {
            // Retries of webhook deliveries and sign-in sends land at once, so
            // the store settles before the next case instead of mid-run.
            config.webhook_retry_delays = vec![Duration::from_millis(5); 2];
        })
        .await;
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut harness = Harness {
            url: server.url.clone(),
            server,
            _clock: clock,
            client,
            partner: String::new(),
            school: String::new(),
            onboarding: String::new(),
            ops: String::new(),
            app_key: String::new(),
            agent_key: String::new(),
            next_address: AtomicU32::new(0),
            _data: data,
        };
        harness.partner = harness.sign_in("/api/auth", gatehouse_core::demo::DEMO_EMAIL, PARTNER_COOKIE).await;
        harness.school =
            harness.sign_in("/api/school/auth", gatehouse_core::demo::DEMO_SCHOOL_EMAIL, SCHOOL_COOKIE).await;
        harness.ops = harness.sign_in("/api/ops/auth", gatehouse_core::demo::DEMO_OPS_EMAIL, OPS_COOKIE).await;
        harness
    }

    pub fn snapshot(&self) -> Snapshot {
        self.server.store.dump().expect("the store reads")
    }

    /// Waits until the store has not changed for a while and no job is
    /// waiting or running: work an accepted request set off after its
    /// answer (a sign-in send, a webhook delivery and its retries, a push's
    /// job) is done, and is not taken for the next request's.
    pub async fn settle(&self) -> Snapshot {
        /// Looks in a row, 50 ms apart, that must find the store unchanged: 100 ms of quiet.
        const QUIET: u32 = 3;
        let (mut last, mut quiet) = (self.snapshot(), 0);
        let unfinished_job = |(pk, sk, json): &(String, String, String)| {
            pk.starts_with("JOB#")
                && sk == "JOB"
                && (json.contains(r#""state":"accepted""#) || json.contains(r#""state":"running""#))
        };
        let settled = wait::until(|| {
            let now = self.snapshot();
            if now.iter().any(unfinished_job) {
                (last, quiet) = (now, 0);
            } else if now == last {
                quiet += 1;
            } else {
                (last, quiet) = (now, 0);
            }
            std::future::ready((quiet >= QUIET).then(|| last.clone()))
        });
        settled.await.expect("the store to stop changing after a request")
    }

    /// Every outbox entry, newest first.
    pub async fn outbox(&self) -> Vec<Value> {
        let response = self.client.get(format!("{}/dev/outbox.json", self.url)).send().await.unwrap();
        response.json().await.unwrap()
    }

    /// The token after `marker` in the newest email to `address` that has
    /// one; emails are sent after the answer, so this polls.
    pub async fn token_for(&self, address: &str, marker: &str) -> String {
        let text = wait::eventually(&format!("an email to {address} with {marker}"), || async {
            let mails = self.outbox().await;
            let found = mails
                .into_iter()
                .find(|mail| mail["to"] == address && mail["text"].as_str().is_some_and(|text| text.contains(marker)));
            found.map(|mail| mail["text"].as_str().unwrap_or_default().to_owned())
        })
        .await;
        gatehouse_tests::stack::token_after(&text, marker)
    }

    /// Signs `email` in to the school portal as the `Onboarding` caller.
    pub async fn sign_in_onboarding(&mut self, email: &str) {
        self.onboarding = self.sign_in("/api/school/auth", email, SCHOOL_COOKIE).await;
    }

    /// Signs in through the emailed link; returns the session cookie's value.
    async fn sign_in(&self, prefix: &str, email: &str, cookie: &str) -> String {
        let request = Request::new(reqwest::Method::POST, format!("{prefix}/magic-link"), Caller::Anonymous)
            .json(&serde_json::json!({ "email": email }));
        let answer = self.send(&request).await.expect("magic link request");
        assert_eq!(answer.status, 202, "{email} asks for a link: {}", answer.text());
        let marker = match prefix {
            "/api/auth" => "/auth#token=",
            "/api/school/auth" => "/school/auth#token=",
            _ => "/ops/auth#token=",
        };
        let token = self.token_for(email, marker).await;
        let response = self
            .client
            .post(format!("{}{prefix}/session", self.url))
            .json(&serde_json::json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{email} signs in");
        let set_cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with(&format!("{cookie}=")))
            .expect("a session cookie")
            .to_owned();
        let pair = set_cookie.split(';').next().unwrap();
        pair[cookie.len() + 1..].to_owned()
    }

    /// A client bound to a loopback address no other request used.
    fn own_client(&self) -> reqwest::Client {
        let n = self.next_address.fetch_add(1, Ordering::Relaxed) + 2;
        let address = Ipv4Addr::new(127, 1 + (n / 65_000) as u8, ((n / 250) % 250) as u8, (n % 250 + 1) as u8);
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(IpAddr::V4(address))
            .build()
            .unwrap()
    }

    /// Sends the request; `Err` is a transport failure (reset, no answer).
    pub async fn send(&self, request: &Request) -> Result<Answer, String> {
        let own;
        let client = if request.own_address {
            own = self.own_client();
            &own
        } else {
            &self.client
        };
        let url = format!("{}{}", self.url, request.target());
        let mut builder = client.request(request.method.clone(), url).timeout(Duration::from_secs(60));
        let cookie = |name: &str, value: &str| format!("{name}={value}");
        let credential = |own: &str| request.credential_override.clone().unwrap_or_else(|| own.to_owned());
        builder = match request.caller {
            Caller::Anonymous => match &request.credential_override {
                Some(value) => builder.header(reqwest::header::COOKIE, cookie(PARTNER_COOKIE, value)),
                None => builder,
            },
            Caller::Partner => {
                builder.header(reqwest::header::COOKIE, cookie(PARTNER_COOKIE, &credential(&self.partner)))
            }
            Caller::School => builder.header(reqwest::header::COOKIE, cookie(SCHOOL_COOKIE, &credential(&self.school))),
            Caller::Onboarding => {
                builder.header(reqwest::header::COOKIE, cookie(SCHOOL_COOKIE, &credential(&self.onboarding)))
            }
            Caller::Ops => builder.header(reqwest::header::COOKIE, cookie(OPS_COOKIE, &credential(&self.ops))),
            Caller::App => builder.bearer_auth(credential(&self.app_key)),
            Caller::Agent => builder.bearer_auth(credential(&self.agent_key)),
        };
        for (name, value) in &request.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        if let Some(content_type) = &request.content_type {
            builder = builder.header(reqwest::header::CONTENT_TYPE, content_type.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = builder.send().await.map_err(|error| format!("no answer: {error:?}"))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await.map_err(|error| format!("body cut short: {error:?}"))?.to_vec();
        Ok(Answer { status, content_type, body })
    }

    /// Sends a setup request that must succeed; returns its JSON.
    pub async fn ok(&self, caller: Caller, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = Request::new(method, path.to_owned(), caller);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let answer = self.send(&request).await.unwrap_or_else(|error| panic!("{path}: {error}"));
        assert!((200..300).contains(&answer.status), "setup {path}: {} {}", answer.status, answer.text());
        answer.json()
    }

    pub async fn get(&self, caller: Caller, path: &str) -> Value {
        self.ok(caller, reqwest::Method::GET, path, None).await
    }

    /// A setup POST; a job it starts (#15) has finished when this returns.
    pub async fn post(&self, caller: Caller, path: &str, body: Value) -> Value {
        let answer = self.ok(caller, reqwest::Method::POST, path, Some(body)).await;
        self.settle().await;
        answer
    }
}
