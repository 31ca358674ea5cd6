//! SES's mailbox simulator, on one machine (#15). In AWS an email to
//! `bounce@simulator.amazonses.com` bounces for good and one to
//! `complaint@simulator.amazonses.com` draws a complaint; SES then reports
//! it through the configuration set to the `record_email_feedback`
//! consumer. Locally the file outbox keeps the email as ever and reports
//! the same SES event record to the same core function, in-process.
//! `POST /dev/ses-event` feeds it any event, as EventBridge would.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use gatehouse_core::store::suppression::{self, FeedbackOutcome};
use gatehouse_core::{EmailAddress, Error, Gatehouse};
use gatehouse_model::{EVENT_CONSUMERS, EventOrigin};
use serde_json::Value;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

/// SES's simulator address for a permanent bounce.
pub const BOUNCE_ADDRESS: &str = "bounce@simulator.amazonses.com";
/// SES's simulator address for a complaint.
pub const COMPLAINT_ADDRESS: &str = "complaint@simulator.amazonses.com";

/// The SES event record an email to `to` draws, if `to` is a simulator
/// address that draws one.
pub fn feedback_for(to: &EmailAddress, at: DateTime<Utc>) -> Option<Value> {
    match to.as_str() {
        BOUNCE_ADDRESS => Some(suppression::ses_bounce_event(to, "Permanent", at)),
        COMPLAINT_ADDRESS => Some(suppression::ses_complaint_event(to, at)),
        _ => None,
    }
}

/// Runs the consumer on each event the file outbox reports.
pub fn spawn(gatehouse: Gatehouse, mut reports: Receiver<Value>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match reports.recv().await {
                Ok(detail) => {
                    if let Err(error) = suppression::record_feedback(&gatehouse, &detail).await {
                        tracing::error!(error = ?error, "simulated SES feedback not recorded");
                    }
                }
                Err(RecvError::Lagged(missed)) => tracing::error!(missed, "SES simulator fell behind"),
                Err(RecvError::Closed) => return,
            }
        }
    })
}

/// `POST /dev/ses-event`: an EventBridge event from SES (`source`,
/// `detail-type`, `detail`), run through the consumer as its rule would
/// run it. Answers what it did, or the consumer's problem.
pub async fn post_event(
    State(gatehouse): State<Gatehouse>,
    Json(event): Json<Value>,
) -> Result<Json<FeedbackOutcome>, gatehouse_api::ApiError> {
    let consumer = EVENT_CONSUMERS
        .iter()
        .find(|consumer| consumer.origin == EventOrigin::Ses)
        .expect("model declares the SES consumer");
    let source = event.get("source").and_then(Value::as_str);
    let detail_type = event.get("detail-type").and_then(Value::as_str);
    // What the rule would not match never reaches the consumer.
    if source != Some(consumer.origin.source())
        || !detail_type.is_some_and(|kind| consumer.detail_types.contains(&kind))
    {
        let reason = format!(
            "the consumer's rule matches source {:?} and detail-type one of {:?}",
            consumer.origin.source(),
            consumer.detail_types
        );
        return Err(Error::Invalid { field: "detail-type", reason }.into());
    }
    let detail = event.get("detail").cloned().unwrap_or(Value::Null);
    Ok(Json(suppression::record_feedback(&gatehouse, &detail).await?))
}
