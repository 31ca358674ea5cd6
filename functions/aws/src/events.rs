//! The production `EventBus`: EventBridge `PutEvents` on Gatehouse's own bus,
//! where rules route each detail-type to the apps that subscribe.

use anyhow::{Context, bail};
use async_trait::async_trait;
use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use gatehouse_core::ports::{DomainEvent, EventBus};

/// The `source` of every event Gatehouse publishes; rules match on it.
pub const EVENT_SOURCE: &str = "gatehouse";

pub struct EventBridgeBus {
    client: Client,
    bus_name: String,
}

impl EventBridgeBus {
    pub fn new(client: Client, bus_name: impl Into<String>) -> Self {
        EventBridgeBus { client, bus_name: bus_name.into() }
    }
}

#[async_trait]
impl EventBus for EventBridgeBus {
    async fn publish(&self, event: DomainEvent) -> Result<(), anyhow::Error> {
        let entry = PutEventsRequestEntry::builder()
            .source(EVENT_SOURCE)
            .detail_type(&event.detail_type)
            .detail(event.detail.to_string())
            .event_bus_name(&self.bus_name)
            .build();
        let output = self
            .client
            .put_events()
            .entries(entry)
            .send()
            .await
            .with_context(|| format!("publishing {} to EventBridge", event.detail_type))?;
        // PutEvents answers 200 even when it drops an entry; the entry says why.
        if output.failed_entry_count() > 0 {
            let failed = output.entries().iter().find(|entry| entry.error_code().is_some());
            bail!(
                "EventBridge rejected {}: {} {}",
                event.detail_type,
                failed.and_then(|entry| entry.error_code()).unwrap_or("unknown error"),
                failed.and_then(|entry| entry.error_message()).unwrap_or(""),
            );
        }
        Ok(())
    }
}
