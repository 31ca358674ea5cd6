//! The `deliver_webhooks` consumer, in-process (A4): subscribed to the
//! in-process bus, it runs the same `webhooks::deliver` the Lambda runs, and
//! retries a failed attempt after the delays Lambda's asynchronous retries
//! use (1 and 2 minutes; tests shorten them).

use std::time::Duration;

use gatehouse_core::{Gatehouse, webhooks};
use gatehouse_model::EVENT_CONSUMERS;
use tokio::sync::broadcast::Receiver;

use crate::bus::{RecordedEvent, consume};

/// The detail-types the Lambda's rule matches, from `model::EVENT_CONSUMERS`.
fn detail_types() -> &'static [&'static str] {
    EVENT_CONSUMERS
        .iter()
        .find(|consumer| consumer.name == "deliver_webhooks")
        .map_or(&[], |consumer| consumer.detail_types)
}

/// Waits between attempts, as Lambda retries an asynchronous invocation.
pub const LAMBDA_RETRY_DELAYS: [Duration; 2] = [Duration::from_secs(60), Duration::from_secs(120)];

pub fn spawn(
    gatehouse: Gatehouse,
    events: Receiver<RecordedEvent>,
    retry_delays: Vec<Duration>,
) -> tokio::task::JoinHandle<()> {
    consume(events, "deliver_webhooks", move |event| {
        // As the consumer's EventBridge rule: its detail-types only.
        if !detail_types().contains(&event.detail_type.as_str()) {
            return None;
        }
        let (gatehouse, delays) = (gatehouse.clone(), retry_delays.clone());
        Some(async move { deliver(&gatehouse, &event, &delays).await })
    })
}

async fn deliver(gatehouse: &Gatehouse, event: &RecordedEvent, delays: &[Duration]) {
    let mut waits = delays.iter();
    loop {
        let wait = match webhooks::deliver(gatehouse, &event.detail).await {
            Ok(outcome) if outcome.wants_retry() => waits.next(),
            Ok(_) => return,
            Err(error) => {
                tracing::error!(error = ?error, event_type = %event.detail_type, "webhook delivery failed");
                waits.next()
            }
        };
        match wait {
            Some(wait) => tokio::time::sleep(*wait).await,
            None => return,
        }
    }
}
