//! One Gatehouse to attack, on either shape: the local server over the
//! embedded store and file outbox, or the same API router over DynamoDB, SES
//! and EventBridge on moto. Every attack runs on both (`both!`), so a check
//! that holds on one store and not the other fails.

use std::sync::Arc;

use crate::local::{self, Local, demo_now};
use crate::moto;
use gatehouse_aws::{AwsPorts, ResourceNames, create_table};
use gatehouse_core::ports::ManualClock;
use gatehouse_core::{EmailAddress, Gatehouse, Settings, demo, directory};
use gatehouse_local::RunningServer;
use serde_json::{Value, json};

/// An email as the recipient sees it.
pub struct Mail {
    pub subject: String,
    pub text: String,
}

enum Mailbox {
    /// The local server's outbox, read through `/dev/outbox.json`.
    Outbox,
    /// SES on moto: messages from this stack's sender.
    Moto { sender: String },
}

pub struct Stack {
    pub url: String,
    pub gatehouse: Gatehouse,
    pub clock: Arc<ManualClock>,
    mailbox: Mailbox,
    _server: Option<RunningServer>,
    _data: Option<tempfile::TempDir>,
}

/// The directory rows the attacks use, with the register's header: Brookside
/// Infant School (a website, so a verified domain) and Millbrook Academy
/// (none). Importing all 240 on moto would cost minutes for nothing.
fn directory_rows() -> String {
    let sample = std::str::from_utf8(gatehouse_local::DIRECTORY_SAMPLE).expect("UTF-8 sample");
    let mut lines = sample.lines();
    let mut rows = vec![lines.next().expect("header").to_owned()];
    rows.extend(lines.filter(|line| line.starts_with("140004,") || line.starts_with("140007,")).map(str::to_owned));
    rows.join("\n") + "\n"
}

impl Stack {
    /// The local server on a free port, with a fresh embedded store.
    pub async fn embedded() -> Stack {
        let Local { server, clock, data } = local::start(|_| {}).await;
        Stack {
            url: server.url.clone(),
            gatehouse: server.gatehouse.clone(),
            clock,
            mailbox: Mailbox::Outbox,
            _server: Some(server),
            _data: Some(data),
        }
    }

    /// The API router a Lambda serves, over fresh moto resources.
    pub async fn on_moto() -> Stack {
        Self::try_on_moto().await.expect("moto stack")
    }

    async fn try_on_moto() -> anyhow::Result<Stack> {
        let config = moto::sdk_config().await;
        let domain = format!("{}.example", moto::unique_name("abuse"));
        let names = ResourceNames {
            table: moto::unique_name("abuse-table"),
            event_bus: moto::unique_name("abuse-bus"),
            sender: EmailAddress::parse(&format!("no-reply@{domain}"))?,
            configuration_set: None,
        };
        create_table(&aws_sdk_dynamodb::Client::new(&config), &names.table).await?;
        aws_sdk_sesv2::Client::new(&config).create_email_identity().email_identity(&domain).send().await?;
        aws_sdk_eventbridge::Client::new(&config).create_event_bus().name(&names.event_bus).send().await?;
        let ports = AwsPorts::new(&config, &names);
        demo::seed(ports.table.as_ref(), demo_now()).await?;
        directory::import(ports.table.as_ref(), directory_rows().as_bytes(), 0, |_| {}).await?;
        let clock = Arc::new(ManualClock::at(demo_now()));
        let gatehouse = ports.gatehouse(Settings::new("https://gatehouse.example"), clock.clone()).enforcing_access();
        moto::run_sign_in_consumer(&config, &names.event_bus, gatehouse.clone()).await?;
        moto::run_job_workers(&config, &names.event_bus, gatehouse.clone()).await?;
        let router = gatehouse_api::router(gatehouse.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(Stack {
            url,
            gatehouse,
            clock,
            mailbox: Mailbox::Moto { sender: names.sender.as_str().to_owned() },
            _server: None,
            _data: None,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Every email to `address`, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<Mail> {
        match &self.mailbox {
            Mailbox::Outbox => {
                let entries: Vec<Value> =
                    reqwest::get(self.url("/dev/outbox.json")).await.unwrap().json().await.unwrap();
                let mut mails: Vec<Mail> = entries
                    .iter()
                    .filter(|entry| entry["to"] == address)
                    .map(|entry| Mail {
                        subject: entry["subject"].as_str().unwrap_or_default().to_owned(),
                        text: entry["text"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect();
                // The outbox lists the newest first.
                mails.reverse();
                mails
            }
            Mailbox::Moto { sender } => {
                let messages = moto::ses_messages().await.unwrap_or_default();
                messages
                    .iter()
                    .filter(|message| message["source"] == sender.as_str())
                    .filter(|message| message["destinations"]["ToAddresses"][0] == address)
                    .map(|message| Mail {
                        subject: message["subject"].as_str().unwrap_or_default().to_owned(),
                        text: message["body"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            }
        }
    }

    /// The token after `marker` in the newest email to `address` that has
    /// one, waiting up to 10 s for it (sign-in links go out after the 202).
    pub async fn token_for(&self, address: &str, marker: &str) -> String {
        self.token_after_mail(address, marker, 0).await
    }

    /// The token after `marker` in the newest email to `address`, once more
    /// than `before` emails have reached it.
    async fn token_after_mail(&self, address: &str, marker: &str, before: usize) -> String {
        let mut mails = Vec::new();
        for _ in 0..200 {
            mails = self.emails_to(address).await;
            if mails.len() > before
                && let Some(mail) = mails.iter().rev().find(|mail| mail.text.contains(marker))
            {
                return token_after(&mail.text, marker);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("an email to {address} with {marker}; got {:?}", mails.iter().map(|m| &m.subject).collect::<Vec<_>>())
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (u16, Value) {
        let response = client.get(self.url(path)).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, client: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
        let response = client.post(self.url(path)).json(&body).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    /// GETs with an app's or agent's key.
    pub async fn get_as(&self, key: &str, path: &str) -> (u16, Value) {
        let response = reqwest::Client::new().get(self.url(path)).bearer_auth(key).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    /// Signs `email` in to `portal` ("" for partners, "school", "ops") by
    /// the emailed link, on a fresh client.
    pub async fn sign_in(&self, portal: &str, email: &str) -> reqwest::Client {
        let (prefix, marker) = match portal {
            "" => ("/api/auth", "/auth#token="),
            "school" => ("/api/school/auth", "/school/auth#token="),
            "ops" => ("/api/ops/auth", "/ops/auth#token="),
            other => panic!("no portal {other}"),
        };
        let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let before = self.emails_to(email).await.len();
        let (status, _) = self.post(&client, &format!("{prefix}/magic-link"), json!({ "email": email })).await;
        assert_eq!(status, 202, "{email} asks for a sign-in link");
        let token = self.token_after_mail(email, marker, before).await;
        let (status, body) = self.post(&client, &format!("{prefix}/session"), json!({ "token": token })).await;
        assert_eq!(status, 200, "{email} signs in to {portal:?}: {body}");
        client
    }

    /// Posts work answered with a job (#15) as `client` and polls the job
    /// until it ends; the status and answer of a refusal, else `200` and the
    /// job as it ended.
    pub async fn post_job(&self, client: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
        let (status, accepted) = self.post(client, path, body).await;
        if status != 202 {
            return (status, accepted);
        }
        let status_url = accepted["status_url"].as_str().expect("the job's status_url").to_owned();
        // Waited for while it moves: a fan-out over many schools on moto takes a while.
        let mut last = Value::Null;
        loop {
            let job = crate::wait::until(|| async {
                let (_, job) = self.get(client, &status_url).await;
                matches!(job["state"].as_str(), Some("done" | "failed")).then_some(job)
            })
            .await;
            if let Some(job) = job {
                return (200, job);
            }
            let (_, now) = self.get(client, &status_url).await;
            assert_ne!(now, last, "the job at {status_url} stopped moving");
            last = now;
        }
    }

    /// A new API key of the demo app, made by its admin.
    pub async fn demo_app_key(&self, admin: &reqwest::Client) -> String {
        let (status, body) = self.post(admin, "/api/partner/apps/demo-app/keys", json!({ "label": "Abuse" })).await;
        assert_eq!(status, 200, "{body}");
        body["secret"].as_str().expect("a secret").to_owned()
    }
}

/// The token after `marker` (e.g. `/authorise#token=`) in an email's text.
pub fn token_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker} in {text}")) + marker.len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Bea Bursar's answers to the authorisation wizard (S2) for the invitation `token`: she can
/// decide, the school runs Arbor, students and groups are shared in `gdpr_mode`, the feed on.
pub fn beas_answers(token: &str, gdpr_mode: &str) -> Value {
    json!({
        "token": token,
        "has_authority": true,
        "approver_name": "Bea Bursar",
        "approver_role": "Business Manager",
        "mis": "Arbor",
        "approved_scopes": ["students", "groups"],
        "gdpr_mode": gdpr_mode,
        "feed_status": "Enabled"
    })
}

/// Runs one attack on the embedded store and on moto: two tests.
#[macro_export]
macro_rules! both {
    ($attack:ident) => {
        pub mod $attack {
            #[tokio::test]
            async fn embedded() {
                super::$attack($crate::stack::Stack::embedded().await).await;
            }

            #[tokio::test]
            async fn on_moto() {
                super::$attack($crate::stack::Stack::on_moto().await).await;
            }
        }
    };
}
