//! The `send_sign_in_links` consumer, in-process (#18): subscribed to the
//! in-process bus, it runs the same `auth::send_requested_link` the Lambda
//! runs on each `sign_in.requested` event, after the request has answered,
//! and retries a failed send as Lambda retries an asynchronous invocation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use gatehouse_core::{Gatehouse, auth};
use gatehouse_model::SIGN_IN_REQUESTED;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use crate::bus::{InProcessBus, RecordedEvent};

/// How many sign-in requests the consumer has finished with (sent, found no
/// account, or gave up), so the outbox page can show a link that is on its
/// way rather than a page without it.
#[derive(Default)]
pub struct SignInSends {
    finished: AtomicUsize,
}

impl SignInSends {
    /// Waits (up to 5 s) until every sign-in request on the bus so far has
    /// been handled.
    pub async fn settled(&self, bus: &InProcessBus) {
        for _ in 0..100 {
            let requested = match bus.recorded() {
                Ok(events) => events.iter().filter(|event| event.detail_type == SIGN_IN_REQUESTED).count(),
                Err(_) => return,
            };
            if self.finished.load(Ordering::Acquire) >= requested {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

pub fn spawn(
    gatehouse: Gatehouse,
    mut events: Receiver<RecordedEvent>,
    retry_delays: Vec<Duration>,
    sends: Arc<SignInSends>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) if event.detail_type == SIGN_IN_REQUESTED => {
                    let (gatehouse, delays, sends) = (gatehouse.clone(), retry_delays.clone(), sends.clone());
                    tokio::spawn(async move {
                        send(&gatehouse, &event, &delays).await;
                        sends.finished.fetch_add(1, Ordering::Release);
                    });
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::error!(missed, "sign-in consumer fell behind; sign-in links were not sent")
                }
                Err(RecvError::Closed) => return,
            }
        }
    })
}

async fn send(gatehouse: &Gatehouse, event: &RecordedEvent, delays: &[Duration]) {
    let mut waits = delays.iter();
    loop {
        let Err(error) = auth::send_requested_link(gatehouse, &event.detail).await else {
            return;
        };
        tracing::error!(error = ?error, "sign-in link not sent");
        match waits.next() {
            Some(wait) => tokio::time::sleep(*wait).await,
            None => return,
        }
    }
}
