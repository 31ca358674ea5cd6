//! A tiny app endpoint for webhook tests (A4): an axum server on a free
//! loopback port that checks `Gatehouse-Signature` exactly as an app would
//! (HMAC-SHA256 of `"<t>.<body>"` with the signing secret, compared in
//! constant time) and keeps every request it got.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::wait;

/// One request as the endpoint saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub event: Value,
    pub body: String,
    pub event_id_header: Option<String>,
    pub attempt_header: Option<String>,
    /// The `t=` of the signature header.
    pub timestamp: Option<i64>,
    /// Whether `v1=` matched the secret at the time.
    pub signature_valid: bool,
}

#[derive(Default)]
struct Shared {
    secret: Mutex<Option<String>>,
    received: Mutex<Vec<Received>>,
    status: AtomicU16,
}

pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
    _task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Listens on 127.0.0.1, answering 200 until told otherwise.
    pub async fn start() -> Receiver {
        let shared = Arc::new(Shared { status: AtomicU16::new(200), ..Default::default() });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let url = format!("http://{}/gatehouse/events", listener.local_addr().unwrap());
        let app = Router::new().route("/gatehouse/events", post(receive)).with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver { url, shared, _task: task }
    }

    pub fn use_secret(&self, secret: &str) {
        *self.shared.secret.lock().unwrap() = Some(secret.to_owned());
    }

    /// The status every later request gets.
    pub fn answer_with(&self, status: u16) {
        self.shared.status.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits (up to [`wait::PATIENCE`]) until `count` requests have arrived; returns them.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let arrived = wait::until(|| {
            let received = self.received();
            std::future::ready((received.len() >= count).then_some(received))
        });
        arrived.await.unwrap_or_else(|| panic!("expected {count} webhook requests, got {:?}", self.received()))
    }
}

/// What an app does: parse `t=…,v1=…`, recompute, compare in constant time.
pub fn verify(secret: &str, header: &str, body: &[u8]) -> Option<i64> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(hex::decode(value).ok()?),
            _ => {}
        }
    }
    let timestamp = timestamp?;
    let valid = signatures.iter().any(|signature| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        mac.verify_slice(signature).is_ok()
    });
    valid.then_some(timestamp)
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let signature = header("gatehouse-signature").unwrap_or_default();
    let secret = shared.secret.lock().unwrap().clone().unwrap_or_default();
    let verified = verify(&secret, &signature, &body);
    let timestamp = signature.split(',').find_map(|part| part.strip_prefix("t=")).and_then(|value| value.parse().ok());
    shared.received.lock().unwrap().push(Received {
        event: serde_json::from_slice(&body).unwrap_or(Value::Null),
        body: String::from_utf8_lossy(&body).into_owned(),
        event_id_header: header("gatehouse-event-id"),
        attempt_header: header("gatehouse-delivery-attempt"),
        timestamp,
        signature_valid: verified.is_some(),
    });
    StatusCode::from_u16(shared.status.load(Ordering::SeqCst)).unwrap()
}
