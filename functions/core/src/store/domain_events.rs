//! Domain events (A4): the envelope every event carries, and the one way to
//! build and publish one.
//!
//! An event's detail is its envelope plus a few facts of its kind:
//!
//! ```json
//! { "id": "evt_01KBX3...", "type": "authorisation.granted", "version": 1,
//!   "time": "2026-11-23T10:00:00Z", "app_id": "demo-app", "school_id": "3280001",
//!   "scopes": ["students"] }
//! ```
//!
//! Ids only, never personal data: an app that wants names reads them through
//! the data API, where the school's choices apply. The same JSON is the
//! EventBridge `detail` (with `detail-type` = `type`, `source` = `gatehouse`)
//! and the body of the signed webhook an app receives.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::base::ports::DomainEvent;
use crate::{AppId, Error, Result, SchoolId};

/// The envelope's schema version. Bump it only for a change an app must
/// handle; adding a field is not one.
pub const ENVELOPE_VERSION: u32 = 1;

/// Every kind of event Gatehouse publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "authorisation.granted")]
    AuthorisationGranted,
    #[serde(rename = "authorisation.revoked")]
    AuthorisationRevoked,
    #[serde(rename = "feed.paused")]
    FeedPaused,
    #[serde(rename = "feed.enabled")]
    FeedEnabled,
    #[serde(rename = "gdpr_mode.changed")]
    GdprModeChanged,
    #[serde(rename = "persons.changed")]
    PersonsChanged,
    #[serde(rename = "data.refreshed")]
    DataRefreshed,
    /// #16: the school erased a person the app had read; the app erases
    /// them too. Carries the person's resource and MIS id, never a name.
    #[serde(rename = "person.erased")]
    PersonErased,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::AuthorisationGranted,
        EventKind::AuthorisationRevoked,
        EventKind::FeedPaused,
        EventKind::FeedEnabled,
        EventKind::GdprModeChanged,
        EventKind::PersonsChanged,
        EventKind::DataRefreshed,
        EventKind::PersonErased,
    ];

    /// The EventBridge `detail-type` and the envelope's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::AuthorisationGranted => "authorisation.granted",
            EventKind::AuthorisationRevoked => "authorisation.revoked",
            EventKind::FeedPaused => "feed.paused",
            EventKind::FeedEnabled => "feed.enabled",
            EventKind::GdprModeChanged => "gdpr_mode.changed",
            EventKind::PersonsChanged => "persons.changed",
            EventKind::DataRefreshed => "data.refreshed",
            EventKind::PersonErased => "person.erased",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        EventKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// The fields every event's detail starts with, as a consumer reads them back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub version: u32,
    pub time: DateTime<Utc>,
    pub app_id: AppId,
    pub school_id: SchoolId,
}

impl Envelope {
    /// Reads the envelope out of an event's detail; `None` for anything that
    /// is not a Gatehouse domain event of a known kind.
    pub fn of(detail: &Value) -> Option<Envelope> {
        serde_json::from_value(detail.clone()).ok()
    }
}

/// Builds an event: the envelope (a new id, `now`, the app and school, the
/// version and the type) followed by `extra`, an object of ids and states
/// for the kind (e.g. granted scopes). Envelope fields win over `extra`.
pub fn new(
    kind: EventKind,
    app_id: &AppId,
    school_id: &SchoolId,
    now: DateTime<Utc>,
    extra: Value,
) -> Result<DomainEvent> {
    let mut detail = Map::new();
    detail.insert("id".into(), Value::String(new_event_id(now)?));
    detail.insert("type".into(), Value::String(kind.as_str().to_owned()));
    detail.insert("version".into(), Value::from(ENVELOPE_VERSION));
    detail.insert("time".into(), Value::String(now.to_rfc3339_opts(SecondsFormat::Millis, true)));
    detail.insert("app_id".into(), Value::String(app_id.as_str().to_owned()));
    detail.insert("school_id".into(), Value::String(school_id.as_str().to_owned()));
    if let Value::Object(extra) = extra {
        for (name, value) in extra {
            detail.entry(name).or_insert(value);
        }
    }
    Ok(DomainEvent { detail_type: kind.as_str().to_owned(), detail: Value::Object(detail) })
}

// Events are published through the outbox (`crate::store::outbox::event`), in the
// transaction of the change they report (issue 18): never lost when the bus
// fails after the change, never published twice by a retry.

/// Crockford base32, as ULIDs spell it.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `evt_` and a ULID: 48 bits of milliseconds then 80 random bits, 26
/// characters that sort by time, so a list of deliveries keyed by event id
/// reads in the order the events happened.
pub fn new_event_id(now: DateTime<Utc>) -> Result<String> {
    let mut random = [0u8; 10];
    getrandom::fill(&mut random).map_err(|e| Error::Unavailable(anyhow::anyhow!("random source: {e}")))?;
    Ok(format!("evt_{}", ulid(now.timestamp_millis().max(0) as u64, random)))
}

fn ulid(millis: u64, random: [u8; 10]) -> String {
    let mut value: u128 = u128::from(millis & 0xFFFF_FFFF_FFFF) << 80;
    for (index, byte) in random.iter().enumerate() {
        value |= u128::from(*byte) << (8 * (9 - index));
    }
    (0..26).rev().map(|digit| CROCKFORD[((value >> (5 * digit)) & 0x1F) as usize] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn ids() -> (AppId, SchoolId) {
        (AppId::parse("a1").unwrap(), SchoolId::parse("3280001").unwrap())
    }

    #[test]
    fn kinds_spell_the_published_types_and_parse_back() {
        // The webhook consumer's rule (declared in `model`) matches exactly these.
        let spelled: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.as_str()).collect();
        let consumer = gatehouse_model::EVENT_CONSUMERS.iter().find(|consumer| consumer.name == "deliver_webhooks");
        assert_eq!(spelled, consumer.expect("declared").detail_types);
        assert_eq!(spelled[..2], ["authorisation.granted", "authorisation.revoked"]);
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert_eq!(EventKind::parse("webhook.sent"), None);
    }

    #[test]
    fn an_event_carries_the_envelope_then_its_facts() {
        let (app, school) = ids();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let extra = json!({ "scopes": ["students"], "app_id": "forged", "id": "forged" });
        let event = new(EventKind::AuthorisationGranted, &app, &school, now, extra).unwrap();
        assert_eq!(event.detail_type, "authorisation.granted");
        let detail = &event.detail;
        assert_eq!(detail["type"], "authorisation.granted");
        assert_eq!(detail["version"], 1);
        assert_eq!(detail["time"], "2026-11-23T10:00:00.000Z");
        assert_eq!(detail["app_id"], "a1", "extra cannot overwrite the envelope");
        assert_eq!(detail["school_id"], "3280001");
        assert_eq!(detail["scopes"], json!(["students"]));
        let id = detail["id"].as_str().unwrap();
        assert!(id.starts_with("evt_") && id.len() == 30, "{id}");
        let envelope = Envelope::of(detail).unwrap();
        assert_eq!((envelope.kind, envelope.time, envelope.app_id), (EventKind::AuthorisationGranted, now, app));
    }

    #[test]
    fn event_ids_are_unique_and_sort_by_time() {
        let earlier = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let later = earlier + chrono::Duration::milliseconds(1);
        let a = new_event_id(earlier).unwrap();
        let b = new_event_id(earlier).unwrap();
        assert_ne!(a, b);
        assert!(new_event_id(later).unwrap() > a.max(b));
        // The ULID spec's own example: time 1469918176385, random all zero.
        assert_eq!(ulid(1_469_918_176_385, [0; 10]), "01ARYZ6S410000000000000000");
    }

    #[test]
    fn the_webhook_consumer_listens_to_every_kind() {
        let consumer = gatehouse_model::EVENT_CONSUMERS.iter().find(|c| c.name == "deliver_webhooks").unwrap();
        let kinds: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(consumer.detail_types, kinds.as_slice());
    }

    #[test]
    fn other_events_have_no_envelope() {
        assert!(Envelope::of(&json!({ "type": "other", "id": "x" })).is_none());
    }
}
