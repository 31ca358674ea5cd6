//! The `WebhookSender` both runtimes use: reqwest over rustls. No redirects
//! (a signed event goes to the URL the partner set, nowhere else), short
//! timeouts (a slow endpoint counts as a failed attempt and is retried), and
//! the response body is never read.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use gatehouse_core::ports::{WebhookRequest, WebhookSender};

pub struct HttpWebhookSender {
    client: reqwest::Client,
}

impl HttpWebhookSender {
    pub fn new() -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("Gatehouse-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the webhook HTTP client")?;
        Ok(HttpWebhookSender { client })
    }
}

#[async_trait]
impl WebhookSender for HttpWebhookSender {
    async fn send(&self, request: WebhookRequest) -> Result<u16, anyhow::Error> {
        let mut builder = self.client.post(&request.url).body(request.body);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        // `without_url`: the error text goes into the delivery record and a
        // log line; the URL is already on the record.
        let response = builder.send().await.map_err(|error| anyhow::anyhow!(describe(&error.without_url())))?;
        Ok(response.status().as_u16())
    }
}

fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(error);
    let mut detail = String::new();
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() { what.to_owned() } else { format!("{what} ({detail})") }
}
