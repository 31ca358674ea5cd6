//! The EventBridge bus against moto: an event published on Gatehouse's bus
//! reaches a rule's SQS target with its detail-type and detail intact.

use anyhow::Context;
use gatehouse_aws::{EVENT_SOURCE, EventBridgeBus};
use gatehouse_core::ports::{DomainEvent, EventBus};
use gatehouse_tests::moto;
use serde_json::{Value, json};

/// A custom bus whose rule sends every Gatehouse event to a new queue.
struct BusWithQueue {
    bus: EventBridgeBus,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
}

impl BusWithQueue {
    async fn new() -> anyhow::Result<BusWithQueue> {
        let config = moto::sdk_config().await;
        let name = moto::unique_name("contract-bus");
        let events = aws_sdk_eventbridge::Client::new(&config);
        events.create_event_bus().name(&name).send().await?;
        let queue_url = moto::queue_for_rule(&config, &name, "contract", &json!({ "source": [EVENT_SOURCE] })).await?;
        let sqs = aws_sdk_sqs::Client::new(&config);
        Ok(BusWithQueue { bus: EventBridgeBus::new(events, &name), sqs, queue_url })
    }

    /// The envelope of the one message that reached the queue (long polling returns as soon as
    /// it is there).
    async fn the_one_message(&self) -> anyhow::Result<Value> {
        let received = self.sqs.receive_message().queue_url(&self.queue_url).wait_time_seconds(10).send().await?;
        let messages = received.messages();
        assert_eq!(messages.len(), 1);
        Ok(serde_json::from_str(messages[0].body().context("message body")?)?)
    }
}

#[tokio::test]
async fn published_event_reaches_a_rule_target() -> anyhow::Result<()> {
    let target = BusWithQueue::new().await?;
    let detail = json!({ "app_id": "a1", "school_id": "s1", "granted_at": "2025-01-06T09:00:00Z" });

    target.bus.publish(DomainEvent { detail_type: "authorisation.granted".into(), detail: detail.clone() }).await?;

    let envelope = target.the_one_message().await?;
    assert_eq!(envelope["source"], EVENT_SOURCE);
    assert_eq!(envelope["detail-type"], "authorisation.granted");
    assert_eq!(envelope["detail"], detail);
    Ok(())
}

#[tokio::test]
async fn an_entry_eventbridge_refuses_is_an_error() -> anyhow::Result<()> {
    let target = BusWithQueue::new().await?;

    // PutEvents answers 200 and reports the refused entry inside.
    let published = target.bus.publish(DomainEvent { detail_type: String::new(), detail: json!({}) }).await;

    assert!(published.is_err());
    let received = target.sqs.receive_message().queue_url(&target.queue_url).send().await?;
    assert!(received.messages().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_domain_event_reaches_eventbridge_with_its_envelope() -> anyhow::Result<()> {
    use gatehouse_core::domain_events::{self, EventKind};
    use gatehouse_core::{AppId, SchoolId};
    let target = BusWithQueue::new().await?;
    let (app, school) = (AppId::parse("a1")?, SchoolId::parse("3280001")?);
    let now = chrono::Utc::now();
    let event = domain_events::new(EventKind::FeedPaused, &app, &school, now, json!({ "feed_status": "Paused" }))?;
    let id = event.detail["id"].clone();

    target.bus.publish(event).await?;

    let envelope = target.the_one_message().await?;
    assert_eq!(
        (envelope["source"].as_str(), envelope["detail-type"].as_str()),
        (Some(EVENT_SOURCE), Some("feed.paused"))
    );
    let detail = &envelope["detail"];
    assert_eq!(detail["id"], id);
    assert_eq!((detail["type"].as_str(), detail["version"].as_u64()), (Some("feed.paused"), Some(1)));
    assert_eq!((detail["app_id"].as_str(), detail["school_id"].as_str()), (Some("a1"), Some("3280001")));
    assert_eq!(detail["feed_status"], "Paused");
    // What the webhook consumer reads back from the EventBridge event.
    let read = domain_events::Envelope::of(detail).context("an envelope")?;
    assert_eq!((read.kind, read.app_id, read.school_id), (EventKind::FeedPaused, app, school));
    Ok(())
}
