//! Webhook delivery (A4): one HTTPS POST to an app's endpoint. The domain
//! builds and signs the request; the adapter only sends it, so core stays
//! free of HTTP types.

use async_trait::async_trait;

/// A signed request, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRequest {
    pub url: String,
    /// Header names and values, in order (`Gatehouse-Signature`, …).
    pub headers: Vec<(String, String)>,
    /// The exact bytes the signature covers.
    pub body: String,
}

#[async_trait]
pub trait WebhookSender: Send + Sync {
    /// POSTs the request and returns the response status. `Err` is a
    /// transport failure (refused, timed out, TLS): the endpoint gave no answer.
    async fn send(&self, request: WebhookRequest) -> Result<u16, anyhow::Error>;
}

/// A `WebhookSender` for tests that call the rules directly (no HTTP): it
/// keeps every request, in the order sent, and answers each with 200.
#[cfg(any(test, feature = "memory"))]
#[derive(Debug, Default)]
pub struct RecordingWebhooks {
    sent: std::sync::Mutex<Vec<WebhookRequest>>,
}

#[cfg(any(test, feature = "memory"))]
impl RecordingWebhooks {
    pub fn sent(&self) -> Vec<WebhookRequest> {
        self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

#[cfg(any(test, feature = "memory"))]
#[async_trait]
impl WebhookSender for RecordingWebhooks {
    async fn send(&self, request: WebhookRequest) -> Result<u16, anyhow::Error> {
        self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(request);
        Ok(200)
    }
}
