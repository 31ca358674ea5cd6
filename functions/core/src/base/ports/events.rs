//! Domain events (A4): EventBridge in AWS, an in-process bus locally.

use async_trait::async_trait;
use serde_json::Value;

/// An event as apps see it: a type such as `authorisation.granted`, and a
/// JSON detail carrying ids only, never personal data.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEvent {
    pub detail_type: String,
    pub detail: Value,
}

#[async_trait]
pub trait EventBus: Send + Sync {
    async fn publish(&self, event: DomainEvent) -> Result<(), anyhow::Error>;
}
