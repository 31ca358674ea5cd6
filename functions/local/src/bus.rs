//! The local `EventBus`: events are appended to `<data>/events.jsonl` (so
//! they survive restarts and can be inspected at `/dev/events.json`) and
//! handed to in-process subscribers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::ports::{Clock, DomainEvent, EventBus};
use serde::{Deserialize, Serialize};
use std::future::Future;
use tokio::io::AsyncWriteExt;

use tokio::sync::{Mutex, broadcast};
use tokio::task::JoinHandle;

/// An event as recorded locally, in EventBridge's envelope terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub detail_type: String,
    pub detail: serde_json::Value,
    pub time: DateTime<Utc>,
}

pub struct InProcessBus {
    log: PathBuf,
    clock: Arc<dyn Clock>,
    /// Serialises appends so lines never interleave.
    write_lock: Mutex<()>,
    subscribers: broadcast::Sender<RecordedEvent>,
}

impl InProcessBus {
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let (subscribers, _) = broadcast::channel(256);
        Ok(InProcessBus { log: data_dir.join("events.jsonl"), clock, write_lock: Mutex::new(()), subscribers })
    }

    /// Events published from now on, for in-process reactions.
    pub fn subscribe(&self) -> broadcast::Receiver<RecordedEvent> {
        self.subscribers.subscribe()
    }

    /// Everything published so far, oldest first.
    pub fn recorded(&self) -> anyhow::Result<Vec<RecordedEvent>> {
        let text = match std::fs::read_to_string(&self.log) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error.into()),
        };
        text.lines().map(|line| serde_json::from_str(line).context("reading events.jsonl")).collect()
    }
}

/// Runs an in-process consumer, as a rule on the bus invokes a Lambda:
/// `handle` picks the events it takes (returning their work, else `None`),
/// and each one's work runs on its own task, so a slow one holds up no other.
pub fn consume<F, Fut>(mut events: broadcast::Receiver<RecordedEvent>, name: &'static str, handle: F) -> JoinHandle<()>
where
    F: Fn(RecordedEvent) -> Option<Fut> + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(work) = handle(event) {
                        tokio::spawn(work);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::error!(missed, consumer = name, "an in-process consumer fell behind; events were missed")
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    })
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish(&self, event: DomainEvent) -> Result<(), anyhow::Error> {
        let recorded = RecordedEvent { detail_type: event.detail_type, detail: event.detail, time: self.clock.now() };
        let mut line = serde_json::to_string(&recorded)?;
        line.push('\n');
        let _guard = self.write_lock.lock().await;
        let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(&self.log).await?;
        file.write_all(line.as_bytes()).await?;
        // tokio's File finishes writes in the background; flush before anyone reads.
        file.flush().await?;
        // No subscriber is not an error: the log above is the record.
        let _ = self.subscribers.send(recorded);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_core::ports::SystemClock;

    #[tokio::test]
    async fn published_events_reach_subscribers_and_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let bus = InProcessBus::open(dir.path(), Arc::new(SystemClock)).unwrap();
        let mut receiver = bus.subscribe();
        let event =
            DomainEvent { detail_type: "authorisation.granted".into(), detail: serde_json::json!({"school_id": "1"}) };
        bus.publish(event.clone()).await.unwrap();
        let received = receiver.recv().await.unwrap();
        assert_eq!(received.detail_type, "authorisation.granted");
        let reopened = InProcessBus::open(dir.path(), Arc::new(SystemClock)).unwrap();
        assert_eq!(reopened.recorded().unwrap(), vec![received]);
    }
}
