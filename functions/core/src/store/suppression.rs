//! The suppression list (#15): addresses SES reported a permanent bounce or
//! a complaint for. Every email goes out through [`send`], which looks the
//! address up first and sends nothing to a suppressed one; the send counts
//! as done, so whatever owed it (an outbox entry, an invitation's token, a
//! reminder) is not retried forever.
//!
//! SES reports through its configuration set's event destination, on the
//! account's default EventBridge bus, to the `record_email_feedback`
//! consumer ([`record_feedback`]). Locally the file outbox plays SES's
//! mailbox simulator and `POST /dev/ses-event` feeds the same function.
//!
//! Items are keyed by the hash of the address, so no key holds personal
//! data; the address itself is not stored either. A page that shows an
//! address asks [`bounce_of`] (one GetItem) or, for many, [`bounces_of`]
//! (the one partition, read once).

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use gatehouse_model::{EmailBounce, EmailBounceReason};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::base::keys::{Key, SUPPRESSION_PARTITION, suppression_sort_key};
use crate::base::ports::{Condition, Email, Index, Query, StoreError, query_all};
use crate::store::records::{from_item, plain_item};
use crate::{EmailAddress, Error, Gatehouse, Result};

/// The function that records SES's feedback (`model::EVENT_CONSUMERS`).
pub const CONSUMER: &str = "record_email_feedback";

/// One suppressed address: what a page needs to say why, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuppressionRecord {
    pub reason: EmailBounceReason,
    /// When SES saw it (the bounce's or complaint's own time).
    pub since: DateTime<Utc>,
    /// SES's `bounceType` and `bounceSubType` (`Permanent`, `General`…), or
    /// the complaint's feedback type (`abuse`…), for whoever investigates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_kind: Option<String>,
    /// SES's id of the report, to find it in SES's own records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_id: Option<String>,
}

impl SuppressionRecord {
    pub fn to_wire(&self) -> EmailBounce {
        EmailBounce { reason: self.reason, since: self.since.to_rfc3339_opts(SecondsFormat::Secs, true) }
    }
}

/// What [`send`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Sent,
    /// Not sent: the address is suppressed. Done all the same.
    Suppressed,
}

/// The one way an email goes out: not to a suppressed address. A failed
/// send is `Unavailable`, as the mailer's errors always were.
pub async fn send(gatehouse: &Gatehouse, email: Email) -> Result<Sent> {
    if bounce_of(gatehouse, &email.to).await?.is_some() {
        // Counted, never named: addresses are personal data.
        tracing::info!("email not sent: the address is on the suppression list");
        return Ok(Sent::Suppressed);
    }
    gatehouse.mailer.send(email).await.map_err(Error::Unavailable)?;
    Ok(Sent::Sent)
}

/// Whether `email` is suppressed, and why: one GetItem.
pub async fn bounce_of(gatehouse: &Gatehouse, email: &EmailAddress) -> Result<Option<SuppressionRecord>> {
    let key = Key::Suppressed(email);
    match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => Ok(Some(from_item(&item)?)),
        None => Ok(None),
    }
}

/// The suppressed ones among `emails`, by address: the list read once
/// (nothing read when `emails` is empty), so a page of many addresses costs
/// one Query, not one read each.
pub async fn bounces_of<'a>(
    gatehouse: &Gatehouse,
    emails: impl IntoIterator<Item = &'a EmailAddress>,
) -> Result<HashMap<EmailAddress, SuppressionRecord>> {
    let wanted: HashMap<String, &EmailAddress> =
        emails.into_iter().map(|email| (suppression_sort_key(email), email)).collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let items = query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, SUPPRESSION_PARTITION)).await?;
    let mut found = HashMap::new();
    for item in items {
        if let Some(email) = wanted.get(&item.sk) {
            found.insert((*email).clone(), from_item(&item)?);
        }
    }
    Ok(found)
}

/// `items`, each with the bounce of its address as a page shows it, for
/// one read of the list ([`bounces_of`]).
pub async fn paired<T>(
    gatehouse: &Gatehouse,
    items: Vec<T>,
    address: impl Fn(&T) -> &EmailAddress,
) -> Result<Vec<(T, Option<EmailBounce>)>> {
    let bounces = bounces_of(gatehouse, items.iter().map(&address)).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let bounce = bounces.get(address(&item)).map(SuppressionRecord::to_wire);
            (item, bounce)
        })
        .collect())
}

/// What one SES event did to the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackOutcome {
    /// Addresses put on the list by this event.
    pub suppressed: u32,
    /// Addresses already on it (a redelivered event, or an earlier report).
    pub already: u32,
    /// Addresses of a transient or undetermined bounce: SES may yet deliver
    /// to them, so they stay off the list.
    pub transient: u32,
}

/// The `record_email_feedback` consumer: an SES bounce or complaint event's
/// `detail` (SES's event record) puts its recipients on the list when the
/// bounce is permanent or for any complaint. The whole event is checked
/// before anything is written, so a malformed one writes nothing; each put
/// is conditional on the address not being listed yet, so a redelivered
/// event changes nothing.
pub async fn record_feedback(gatehouse: &Gatehouse, detail: &Value) -> Result<FeedbackOutcome> {
    crate::base::access::running(CONSUMER, record(gatehouse, detail)).await
}

async fn record(gatehouse: &Gatehouse, detail: &Value) -> Result<FeedbackOutcome> {
    let feedback = Feedback::parse(detail, gatehouse.clock.now())?;
    let mut outcome = FeedbackOutcome::default();
    let Some(record) = feedback.record else {
        outcome.transient = feedback.recipients.len() as u32;
        tracing::info!(transient = outcome.transient, "transient bounce: addresses stay off the suppression list");
        return Ok(outcome);
    };
    for email in &feedback.recipients {
        let item = plain_item(&Key::Suppressed(email), &record, 1);
        match gatehouse.table.put(item, Condition::NotExists).await {
            Ok(()) => outcome.suppressed += 1,
            Err(StoreError::ConditionFailed { .. }) => outcome.already += 1,
            Err(error) => return Err(error.into()),
        }
    }
    tracing::info!(
        reason = ?record.reason,
        suppressed = outcome.suppressed,
        already = outcome.already,
        "SES feedback recorded"
    );
    Ok(outcome)
}

/// An SES event, checked.
struct Feedback {
    recipients: Vec<EmailAddress>,
    /// The record to keep for each recipient; `None` for a bounce that
    /// does not suppress.
    record: Option<SuppressionRecord>,
}

/// SES's event record, as much of it as Gatehouse reads
/// (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    event_type: String,
    bounce: Option<SesBounce>,
    complaint: Option<SesComplaint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesBounce {
    bounce_type: String,
    bounce_sub_type: Option<String>,
    bounced_recipients: Vec<SesRecipient>,
    timestamp: Option<DateTime<Utc>>,
    feedback_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesComplaint {
    complained_recipients: Vec<SesRecipient>,
    timestamp: Option<DateTime<Utc>>,
    feedback_id: Option<String>,
    complaint_feedback_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesRecipient {
    email_address: String,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::Invalid { field: "detail", reason: reason.into() }
}

/// The address of a recipient, which SES may give as `Name <address>`.
fn recipient(raw: &SesRecipient) -> Result<EmailAddress> {
    let text = raw.email_address.trim();
    let bare = match (text.rfind('<'), text.rfind('>')) {
        (Some(open), Some(close)) if open < close => &text[open + 1..close],
        _ => text,
    };
    // The parse error would say "enter an email address": say what it is.
    EmailAddress::parse(bare).map_err(|_| malformed("a recipient's emailAddress is not an email address"))
}

fn recipients(raw: &[SesRecipient]) -> Result<Vec<EmailAddress>> {
    if raw.is_empty() {
        return Err(malformed("the event names no recipients"));
    }
    raw.iter().map(recipient).collect()
}

impl Feedback {
    /// `now` stands in for a report without its own time.
    fn parse(detail: &Value, now: DateTime<Utc>) -> Result<Feedback> {
        let event: SesEvent = serde_json::from_value(detail.clone()).map_err(|error| {
            // serde's message names the field and never quotes a value.
            malformed(format!("not an SES bounce or complaint event record: {error}"))
        })?;
        match (event.event_type.as_str(), event.bounce, event.complaint) {
            ("Bounce", Some(bounce), _) => {
                let recipients = recipients(&bounce.bounced_recipients)?;
                if bounce.bounce_type != "Permanent" {
                    if !matches!(bounce.bounce_type.as_str(), "Transient" | "Undetermined") {
                        return Err(malformed("bounceType is none of Permanent, Transient and Undetermined"));
                    }
                    return Ok(Feedback { recipients, record: None });
                }
                let SesBounce { bounce_type, bounce_sub_type, timestamp, feedback_id, .. } = bounce;
                let record = SuppressionRecord {
                    reason: EmailBounceReason::Bounced,
                    since: timestamp.unwrap_or(now),
                    kind: Some(bounce_type),
                    sub_kind: bounce_sub_type,
                    feedback_id,
                };
                Ok(Feedback { recipients, record: Some(record) })
            }
            ("Complaint", _, Some(complaint)) => {
                let recipients = recipients(&complaint.complained_recipients)?;
                let SesComplaint { timestamp, feedback_id, complaint_feedback_type, .. } = complaint;
                let record = SuppressionRecord {
                    reason: EmailBounceReason::Complained,
                    since: timestamp.unwrap_or(now),
                    kind: complaint_feedback_type,
                    sub_kind: None,
                    feedback_id,
                };
                Ok(Feedback { recipients, record: Some(record) })
            }
            ("Bounce", None, _) => Err(malformed("a Bounce event without its bounce object")),
            ("Complaint", _, None) => Err(malformed("a Complaint event without its complaint object")),
            _ => Err(malformed("eventType is neither Bounce nor Complaint")),
        }
    }
}

/// SES's event record of a bounce of `to`, as its event destination sends
/// it: the local mailer's simulator and the tests build theirs with it.
pub fn ses_bounce_event(to: &EmailAddress, bounce_type: &str, at: DateTime<Utc>) -> Value {
    serde_json::json!({
        "eventType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": if bounce_type == "Permanent" { "General" } else { "MailboxFull" },
            "bouncedRecipients": [{
                "emailAddress": to.as_str(),
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown"
            }],
            "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "feedbackId": format!("local-{}", at.timestamp_millis()),
            "reportingMTA": "dsn; gatehouse.localhost"
        },
        "mail": {
            "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "destination": [to.as_str()]
        }
    })
}

/// SES's event record of a complaint by `to`.
pub fn ses_complaint_event(to: &EmailAddress, at: DateTime<Utc>) -> Value {
    serde_json::json!({
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{ "emailAddress": to.as_str() }],
            "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "feedbackId": format!("local-{}", at.timestamp_millis()),
            "complaintFeedbackType": "abuse"
        },
        "mail": {
            "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "destination": [to.as_str()]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    #[test]
    fn a_permanent_bounce_suppresses_a_transient_one_does_not() {
        let to = EmailAddress::parse("Head@School.example").unwrap();
        let permanent = Feedback::parse(&ses_bounce_event(&to, "Permanent", at()), at()).unwrap();
        assert_eq!(permanent.recipients, std::slice::from_ref(&to));
        let record = permanent.record.unwrap();
        assert_eq!((record.reason, record.kind.as_deref()), (EmailBounceReason::Bounced, Some("Permanent")));
        assert_eq!(record.since, at());
        assert!(Feedback::parse(&ses_bounce_event(&to, "Transient", at()), at()).unwrap().record.is_none());
        let complaint = Feedback::parse(&ses_complaint_event(&to, at()), at()).unwrap();
        assert_eq!(complaint.record.unwrap().reason, EmailBounceReason::Complained);
    }

    #[test]
    fn a_named_recipient_is_read_as_its_address() {
        let raw = SesRecipient { email_address: "Head Teacher <head@school.example>".into() };
        assert_eq!(recipient(&raw).unwrap().as_str(), "head@school.example");
    }

    #[test]
    fn malformed_events_are_refused_without_quoting_an_address() {
        let to = EmailAddress::parse("head@school.example").unwrap();
        let mut no_recipients = ses_bounce_event(&to, "Permanent", at());
        no_recipients["bounce"]["bouncedRecipients"] = serde_json::json!([]);
        let mut bad_address = ses_bounce_event(&to, "Permanent", at());
        bad_address["bounce"]["bouncedRecipients"][0]["emailAddress"] = "secret-not-an-address".into();
        let mut odd_type = ses_bounce_event(&to, "Permanent", at());
        odd_type["bounce"]["bounceType"] = "Sometimes".into();
        let cases = [
            serde_json::json!({}),
            serde_json::json!({"eventType": "Delivery", "delivery": {}}),
            serde_json::json!({"eventType": "Bounce"}),
            no_recipients,
            bad_address,
            odd_type,
        ];
        for case in cases {
            let error = Feedback::parse(&case, at()).err().expect("refused");
            let Error::Invalid { field, reason } = &error else { panic!("{error:?}") };
            assert_eq!(*field, "detail");
            assert!(!reason.contains("secret-not-an-address"), "{reason}");
        }
    }
}
