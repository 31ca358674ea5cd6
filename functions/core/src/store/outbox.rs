//! The outbox: emails and domain events that must go out because a change
//! was committed, written in the same transaction as the change and sent
//! after it (issue 18).
//!
//! Sending after the commit means a send can fail after the change stands.
//! Without the outbox the retry would find the change done and send
//! nothing (a lost receipt), or do the change again (a second log entry and
//! a second email). With it, whatever was not sent waits here, and the next
//! delivery — the request's own, its retry's, or any later write's — sends
//! it, once: a deliverer claims an entry by deleting it, sends, and puts it
//! back only if the send failed.
//!
//! Only messages without secrets belong here: a sign-in or invitation link
//! carries a token, and tokens are stored only as hashes.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::base::keys::{Key, OUTBOX_PARTITION};
use crate::base::ports::{Condition, DomainEvent, Email, Index, Query, StoreError, TransactWrite};
use crate::store::records::{from_item, plain_item};
use crate::store::suppression;
use crate::{EmailAddress, Error, Gatehouse, Result};

/// Entries one delivery sends at most; the rest wait for the next.
const DELIVERY_BATCH: u32 = 100;

/// One message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Message {
    Email { to: EmailAddress, subject: String, text: String, html: String },
    Event { detail_type: String, detail: Value },
}

/// An id that sorts by when the entry was written, unique by a random tail.
fn entry_id(now: DateTime<Utc>) -> Result<String> {
    let random = crate::Token::generate()?;
    Ok(format!("{}#{}", now.to_rfc3339_opts(SecondsFormat::Micros, true), &random.hash().as_str()[..16]))
}

fn entry(message: &Message, now: DateTime<Utc>) -> Result<TransactWrite> {
    let id = entry_id(now)?;
    let key = Key::Outbox(&id);
    Ok(TransactWrite::Put { item: plain_item(&key, message, 1), condition: Condition::NotExists })
}

/// The write that queues `email`: put it in the transaction of the change
/// that makes it due, then [`deliver`].
pub fn email(email: Email, now: DateTime<Utc>) -> Result<TransactWrite> {
    let Email { to, subject, text, html } = email;
    entry(&Message::Email { to, subject, text, html }, now)
}

/// The write that queues a domain event, as [`email`] does an email.
pub fn event(event: DomainEvent, now: DateTime<Utc>) -> Result<TransactWrite> {
    let DomainEvent { detail_type, detail } = event;
    entry(&Message::Event { detail_type, detail }, now)
}

/// Sends what is waiting, oldest first, and returns how many were sent.
/// An entry whose send fails is put back and the error returned: the caller
/// answers 503, and the client's retry (or any later write) delivers it.
pub async fn deliver(gatehouse: &Gatehouse) -> Result<u32> {
    let mut query = Query::partition(Index::Primary, OUTBOX_PARTITION);
    query.limit = Some(DELIVERY_BATCH);
    let waiting = gatehouse.table.query(query).await?.items;
    let mut sent = 0;
    for item in waiting {
        // Of two deliverers, only the one whose delete finds the entry sends it.
        let claimed = match gatehouse.table.delete(&item.pk, &item.sk, Condition::Exists).await {
            Ok(Some(claimed)) => claimed,
            Ok(None) | Err(StoreError::ConditionFailed { .. }) => continue,
            Err(error) => return Err(error.into()),
        };
        let message: Message = from_item(&claimed)?;
        // An email to a suppressed address is done without a send
        // (`suppression::send`): its entry is gone, so no retry loops on it.
        let result = match message {
            Message::Email { to, subject, text, html } => {
                suppression::send(gatehouse, Email { to, subject, text, html }).await.map(|_| ())
            }
            Message::Event { detail_type, detail } => {
                gatehouse.events.publish(DomainEvent { detail_type, detail }).await.map_err(Error::Unavailable)
            }
        };
        if let Err(error) = result {
            tracing::warn!(error = ?error, "outbox entry not sent; kept for the next delivery");
            gatehouse.table.put(claimed, Condition::NotExists).await?;
            return Err(error);
        }
        sent += 1;
    }
    Ok(sent)
}

/// [`deliver`] where a failure must not change the answer: what is left
/// waits for the next delivery.
pub async fn deliver_or_log(gatehouse: &Gatehouse) {
    if let Err(error) = deliver(gatehouse).await {
        tracing::warn!(error = ?error, "outbox delivery failed; entries wait for the next one");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_keeps_the_whole_email() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 10, 0, 0).unwrap();
        let email = Email {
            to: EmailAddress::parse("head@school.example").unwrap(),
            subject: "Receipt".into(),
            text: "text".into(),
            html: "<p>html</p>".into(),
        };
        let TransactWrite::Put { item, condition } = super::email(email.clone(), now).unwrap() else { panic!("a put") };
        assert_eq!(condition, Condition::NotExists);
        assert_eq!(item.pk, OUTBOX_PARTITION);
        assert!(item.sk.starts_with("2026-11-23T10:00:00.000000Z#"), "{}", item.sk);
        let message: Message = from_item(&item).unwrap();
        assert_eq!(
            message,
            Message::Email { to: email.to, subject: email.subject, text: email.text, html: email.html }
        );
    }
}
