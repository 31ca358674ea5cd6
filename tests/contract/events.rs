//! The EventBridge bus against moto: an event published on Gatehouse's bus
//! reaches a rule's SQS target with its detail-type and detail intact.

use anyhow::Context;
use gatehouse_aws::{EVENT_SOURCE, EventBridgeBus};
use gatehouse_core::ports::{DomainEvent, EventBus};
use gatehouse_tests::moto;
use serde_json::{Value, json};

/// A custom bus whose rule sends every Gatehouse event to a new queue;
/// returns the bus name and the queue URL.
async fn bus_with_queue(config: &aws_config::SdkConfig) -> anyhow::Result<(String, String)> {
    let bus = moto::unique_name("contract-bus");
    aws_sdk_eventbridge::Client::new(config).create_event_bus().name(&bus).send().await?;
    let queue_url = moto::queue_for_rule(config, &bus, "contract", &json!({ "source": [EVENT_SOURCE] })).await?;
    Ok((bus, queue_url))
}

#[tokio::test]
async fn published_event_reaches_a_rule_target() -> anyhow::Result<()> {
    let config = moto::sdk_config().await;
    let events = aws_sdk_eventbridge::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let (bus_name, queue_url) = bus_with_queue(&config).await?;
    let detail = json!({ "app_id": "a1", "school_id": "s1", "granted_at": "2025-01-06T09:00:00Z" });

    EventBridgeBus::new(events, &bus_name)
        .publish(DomainEvent { detail_type: "authorisation.granted".into(), detail: detail.clone() })
        .await?;

    // Long polling returns as soon as the message is there.
    let received = sqs.receive_message().queue_url(&queue_url).wait_time_seconds(10).send().await?;
    let messages = received.messages();
    assert_eq!(messages.len(), 1);
    let envelope: Value = serde_json::from_str(messages[0].body().context("message body")?)?;
    assert_eq!(envelope["source"], EVENT_SOURCE);
    assert_eq!(envelope["detail-type"], "authorisation.granted");
    assert_eq!(envelope["detail"], detail);
    Ok(())
}

#[tokio::test]
async fn an_entry_eventbridge_refuses_is_an_error() -> anyhow::Result<()> {
    let config = moto::sdk_config().await;
    let events = aws_sdk_eventbridge::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let (bus_name, queue_url) = bus_with_queue(&config).await?;

    // PutEvents answers 200 and reports the refused entry inside.
    let published = EventBridgeBus::new(events, &bus_name)
        .publish(DomainEvent { detail_type: String::new(), detail: json!({}) })
        .await;

    assert!(published.is_err());
    let received = sqs.receive_message().queue_url(&queue_url).send().await?;
    assert!(received.messages().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_domain_event_reaches_eventbridge_with_its_envelope() -> anyhow::Result<()> {
    use gatehouse_core::domain_events::{self, EventKind};
    use gatehouse_core::{AppId, SchoolId};
    let config = moto::sdk_config().await;
    let events = aws_sdk_eventbridge::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let (bus_name, queue_url) = bus_with_queue(&config).await?;
    let (app, school) = (AppId::parse("a1")?, SchoolId::parse("3280001")?);
    let now = chrono::Utc::now();
    let event = domain_events::new(EventKind::FeedPaused, &app, &school, now, json!({ "feed_status": "Paused" }))?;
    let id = event.detail["id"].clone();

    EventBridgeBus::new(events, &bus_name).publish(event).await?;

    let received = sqs.receive_message().queue_url(&queue_url).wait_time_seconds(10).send().await?;
    let messages = received.messages();
    assert_eq!(messages.len(), 1);
    let envelope: Value = serde_json::from_str(messages[0].body().context("message body")?)?;
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
