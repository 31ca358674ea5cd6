//! Webhooks (A4): an app's endpoint for Gatehouse's events, the signing
//! secret, and the delivery of each event with retries and a dead letter.
//!
//! **The signing secret is stored as it is, not hashed.** Every other secret
//! in the table is a hash, but Gatehouse must compute HMAC-SHA256 with this
//! one for every delivery, and a hash cannot sign. Encrypting it under a KMS
//! key would add a KMS call per delivery while guarding against the same
//! thing the table's own encryption at rest and its least-privilege IAM
//! policies already do (reading the table). So it sits in the webhook item
//! only, is shown to the partner once (first save, rotation), never leaves in
//! a response after that (a hint of its first characters does), and never in
//! a log line (`WebhookSecret`'s `Debug` is redacted). A leaked secret lets
//! someone forge events to that one app, not read data; rotating fixes it.
//!
//! **Delivery** (`deliver`) runs per event, in the `deliver_webhooks`
//! consumer: it finds the app's webhook, POSTs the event's JSON with
//! `Gatehouse-Signature: t=<unix>,v1=<hex hmac-sha256(secret, "<t>.<body>")>`
//! and `Gatehouse-Event-Id`, and records the delivery under the app's
//! webhook, keyed by event id and endpoint: running it again for the same
//! event never sends a delivered event twice. A failed attempt asks the
//! caller to retry (Lambda's asynchronous retries: 1 and 2 minutes later;
//! the local consumer waits the same way); the third failure writes the dead
//! letter (status `dead_lettered`, the event kept) that the portal lists and
//! Redeliver sends again.

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use gatehouse_model::{
    DeliveryStatus, SetWebhook, TeamRole, WebhookDeliveries, WebhookDelivery, WebhookSaved, WebhookSettings,
};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use url::{Host, Url};

use crate::base::keys::{Key, WEBHOOK_DELIVERY_PREFIX, webhook_partition};
use crate::base::ports::{Condition, Index, Item, Query, StoreError, WebhookRequest, query_all};
use crate::store::domain_events::Envelope;
use crate::store::links::app_of;
use crate::store::records::{SessionRecord, from_item, plain_item};
use crate::{AppId, DeliveryId, Error, Gatehouse, PartnerId, Result, Token};

/// Attempts before a delivery becomes a dead letter: one at once, two retries.
pub const MAX_ATTEMPTS: u32 = 3;
/// How long deliveries (and dead letters) are kept.
pub const KEEP_DELIVERIES_DAYS: i64 = 30;
/// A `sending` claim older than this belongs to an attempt that died; a
/// retry may take over.
const SENDING_LEASE_SECONDS: i64 = 60;
/// Longest URL accepted.
const MAX_URL_LENGTH: usize = 2000;

pub const SIGNATURE_HEADER: &str = "Gatehouse-Signature";
pub const EVENT_ID_HEADER: &str = "Gatehouse-Event-Id";
pub const EVENT_TYPE_HEADER: &str = "Gatehouse-Event-Type";

/// The signing secret. `Debug` is redacted so it cannot reach a log line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    fn generate() -> Result<Self> {
        Ok(WebhookSecret(format!("whsec_{}", Token::generate()?.expose())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `whsec_ab12…`: enough to tell two secrets apart, useless to sign with.
    fn hint(&self) -> String {
        format!("{}…", self.0.chars().take(10).collect::<String>())
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// An app's webhook as stored under `WEBHOOK#<app>` / `SETTINGS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRecord {
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub url: String,
    pub enabled: bool,
    pub secret: WebhookSecret,
    pub secret_created_at: DateTime<Utc>,
    /// Changes with the URL: deliveries are per (event, endpoint).
    pub endpoint_id: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// One event's delivery to one endpoint, kept for 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub event_id: String,
    pub event_type: String,
    pub school_id: String,
    pub event_time: DateTime<Utc>,
    pub endpoint_id: String,
    pub url: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub response_code: Option<u16>,
    pub error: Option<String>,
    pub last_attempt_at: DateTime<Utc>,
    /// The exact body sent, so a retry or a redelivery sends the same bytes.
    pub payload: String,
}

impl DeliveryRecord {
    fn delivery_id(&self) -> String {
        format!("{}.{}", self.event_id, self.endpoint_id)
    }

    fn item(&self, app: &AppId, version: u64) -> Item {
        let key = Key::WebhookDelivery { app, event: &self.event_id, endpoint: &self.endpoint_id };
        let expires = self.event_time.max(self.last_attempt_at) + Duration::days(KEEP_DELIVERIES_DAYS);
        plain_item(&key, self, version).expiring(expires)
    }

    fn summary(&self) -> WebhookDelivery {
        WebhookDelivery {
            delivery_id: self.delivery_id(),
            event_id: self.event_id.clone(),
            event_type: self.event_type.clone(),
            school_id: self.school_id.clone(),
            url: self.url.clone(),
            status: self.status,
            attempts: self.attempts,
            response_code: self.response_code,
            error: self.error.clone(),
            last_attempt_at: rfc3339(self.last_attempt_at),
            event_time: rfc3339(self.event_time),
        }
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn require_admin(session: &SessionRecord) -> Result<()> {
    if session.role == TeamRole::Admin {
        Ok(())
    } else {
        Err(Error::Forbidden("only a team admin can change the webhook"))
    }
}

fn settings_of(app: &AppId, record: Option<&WebhookRecord>, session: &SessionRecord) -> WebhookSettings {
    WebhookSettings {
        app_id: app.to_string(),
        url: record.map(|record| record.url.clone()),
        enabled: record.is_some_and(|record| record.enabled),
        secret_hint: record.map(|record| record.secret.hint()),
        secret_created_at: record.map(|record| rfc3339(record.secret_created_at)),
        updated_at: record.map(|record| rfc3339(record.updated_at)),
        updated_by: record.map(|record| record.updated_by.clone()),
        can_manage: session.role == TeamRole::Admin,
    }
}

/// The app's webhook and its item version, if it has one.
async fn load(gatehouse: &Gatehouse, app: &AppId) -> Result<Option<(WebhookRecord, u64)>> {
    let key = Key::Webhook(app);
    match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => Ok(Some((from_item(&item)?, item.version))),
        None => Ok(None),
    }
}

/// The session's app (another partner's app is `NotFound`) and its webhook.
async fn load_for(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
) -> Result<(AppId, Option<(WebhookRecord, u64)>)> {
    let app = app_of(session, Some(app))?;
    let loaded = load(gatehouse, &app).await?;
    // App ids are global, so this cannot differ; checked so it never can.
    if loaded.as_ref().is_some_and(|(record, _)| record.partner_id != session.partner_id) {
        return Err(Error::NotFound("app"));
    }
    Ok((app, loaded))
}

pub async fn settings(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId) -> Result<WebhookSettings> {
    let (app, loaded) = load_for(gatehouse, session, app).await?;
    Ok(settings_of(&app, loaded.as_ref().map(|(record, _)| record), session))
}

/// Whether Gatehouse may connect to `ip` to deliver a webhook: public
/// unicast only (#18). Refused: loopback (unless `loopback` says this is a
/// local Gatehouse), private, link-local (the cloud metadata service at
/// 169.254.169.254 among them), carrier-grade NAT, unique-local, multicast,
/// documentation and reserved ranges, and IPv6 forms that carry an IPv4
/// address (mapped, compatible, NAT64, 6to4, Teredo), which could smuggle any
/// of the others. Checked when the URL is saved and again at every connect.
pub fn deliverable_ip(ip: IpAddr, loopback: Loopback) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            if v4.is_loopback() {
                return loopback == Loopback::Allowed;
            }
            let [a, b, c, _] = v4.octets();
            let refused = v4.is_unspecified()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b));
            !refused
        }
        IpAddr::V6(v6) => {
            if v6.is_loopback() {
                return loopback == Loopback::Allowed;
            }
            let segments = v6.segments();
            // Global unicast is 2000::/3; within it, refuse documentation
            // (2001:db8::/32), Teredo (2001::/32) and 6to4 (2002::/16).
            let global = (segments[0] & 0xe000) == 0x2000;
            let tunnelled = segments[0] == 0x2002 || (segments[0] == 0x2001 && segments[1] == 0);
            let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8;
            global && !tunnelled && !documentation
        }
    }
}

/// Whether a local Gatehouse may deliver to its own machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loopback {
    /// A Gatehouse on one machine (`public_url` is `http://`): developers
    /// point webhooks at a receiver on localhost.
    Allowed,
    Refused,
}

impl Loopback {
    pub fn for_settings(settings: &crate::Settings) -> Self {
        if settings.public_url.starts_with("http://") { Loopback::Allowed } else { Loopback::Refused }
    }
}

/// Checks a webhook URL when it is saved: `https://` and a host that names a
/// public address. Host names are checked again when they are resolved, at
/// every delivery (`deliverable_ip`), so a name that later points inside
/// (DNS rebinding) is still refused. A local Gatehouse also takes plain HTTP
/// to its own machine. The URL is parsed as browsers parse it, so numeric
/// forms such as `https://2130706433/` or `https://0x7f.1/` are the loopback
/// address they spell.
pub fn validate_url(raw: &str, loopback: Loopback) -> Result<String> {
    let raw = raw.trim();
    let fail = |reason: &str| Err(Error::invalid("url", reason));
    if raw.is_empty() {
        return fail("enter the URL that should receive events, e.g. https://app.example/gatehouse/events");
    }
    if raw.len() > MAX_URL_LENGTH || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return fail("a URL has no spaces and at most 2,000 characters");
    }
    if !raw.contains("://") {
        return fail("start the URL with https://");
    }
    let Ok(url) = Url::parse(raw) else {
        return fail("the URL needs a host name such as app.example, and a port from 1 to 65535 if any");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return fail("leave user names and passwords out of the URL; every request is signed instead");
    }
    let own_machine = "Gatehouse cannot deliver to its own machine or a private network; use your app's public address";
    let to_own_machine = match url.host() {
        None => return fail("the URL needs a host name such as app.example"),
        Some(Host::Ipv4(ip)) => {
            if !deliverable_ip(IpAddr::V4(ip), loopback) {
                return fail(own_machine);
            }
            ip.is_loopback()
        }
        Some(Host::Ipv6(ip)) => {
            if !deliverable_ip(IpAddr::V6(ip), loopback) {
                return fail(own_machine);
            }
            ip.is_loopback()
        }
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.');
            let local_name = name == "localhost" || name.ends_with(".localhost");
            if local_name && loopback == Loopback::Refused {
                return fail(own_machine);
            }
            // A single label (`intranet`) resolves only inside a network.
            let labels_ok = name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
            if !labels_ok || (!name.contains('.') && !local_name) {
                return fail("the URL needs a full host name such as app.example");
            }
            local_name
        }
    };
    match url.scheme() {
        "https" => Ok(raw.to_owned()),
        "http" if to_own_machine && loopback == Loopback::Allowed => Ok(raw.to_owned()),
        "http" => fail("use https:// so events are encrypted on the way (http:// only for localhost while developing)"),
        _ => fail("start the URL with https://"),
    }
}

fn loopback(gatehouse: &Gatehouse) -> Loopback {
    Loopback::for_settings(&gatehouse.settings)
}

fn new_endpoint_id() -> Result<String> {
    Ok(Token::generate()?.hash().as_str()[..12].to_owned())
}

/// Sets the URL and whether delivery is on. The first save makes the secret
/// and returns it; saving what is already there changes nothing.
pub async fn set(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
    request: &SetWebhook,
) -> Result<WebhookSaved> {
    let (app, loaded) = load_for(gatehouse, session, app).await?;
    require_admin(session)?;
    let url = validate_url(&request.url, loopback(gatehouse))?;
    let now = gatehouse.clock.now();
    let key = Key::Webhook(&app);
    let (record, secret) = match loaded {
        None => {
            let secret = WebhookSecret::generate()?;
            let record = WebhookRecord {
                app_id: app.clone(),
                partner_id: session.partner_id.clone(),
                url,
                enabled: request.enabled,
                secret: secret.clone(),
                secret_created_at: now,
                endpoint_id: new_endpoint_id()?,
                updated_at: now,
                updated_by: session.display_name.clone(),
            };
            gatehouse.table.put(plain_item(&key, &record, 1), Condition::NotExists).await?;
            tracing::info!(partner_id = %session.partner_id, app_id = %app, enabled = record.enabled, "webhook created");
            (record, Some(secret))
        }
        Some((record, _)) if record.url == url && record.enabled == request.enabled => (record, None),
        Some((mut record, version)) => {
            if record.url != url {
                record.endpoint_id = new_endpoint_id()?;
                record.url = url;
            }
            record.enabled = request.enabled;
            record.updated_at = now;
            record.updated_by = session.display_name.clone();
            gatehouse.table.put(plain_item(&key, &record, version + 1), Condition::VersionIs(version)).await?;
            tracing::info!(partner_id = %session.partner_id, app_id = %app, enabled = record.enabled, "webhook changed");
            (record, None)
        }
    };
    Ok(WebhookSaved { settings: settings_of(&app, Some(&record), session), secret: secret.map(|s| s.0) })
}

/// Replaces the secret at once; the new one is in this response only.
pub async fn rotate_secret(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId) -> Result<WebhookSaved> {
    let (app, loaded) = load_for(gatehouse, session, app).await?;
    require_admin(session)?;
    let Some((mut record, version)) = loaded else {
        return Err(Error::Conflict("set a webhook URL first; saving it makes the first secret"));
    };
    let secret = WebhookSecret::generate()?;
    let now = gatehouse.clock.now();
    record.secret = secret.clone();
    record.secret_created_at = now;
    record.updated_at = now;
    record.updated_by = session.display_name.clone();
    let key = Key::Webhook(&app);
    gatehouse.table.put(plain_item(&key, &record, version + 1), Condition::VersionIs(version)).await?;
    tracing::info!(partner_id = %session.partner_id, app_id = %app, "webhook secret rotated");
    Ok(WebhookSaved { settings: settings_of(&app, Some(&record), session), secret: Some(secret.0) })
}

/// Deliveries of the last 30 days, newest event first.
pub async fn deliveries(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId) -> Result<WebhookDeliveries> {
    let app = app_of(session, Some(app))?;
    let query = Query::partition(Index::Primary, webhook_partition(&app)).with_prefix(WEBHOOK_DELIVERY_PREFIX);
    let now = gatehouse.clock.now().timestamp();
    let mut records: Vec<DeliveryRecord> = query_all(gatehouse.table.as_ref(), query)
        .await?
        .iter()
        .filter(|item| !item.is_expired_at(now))
        .map(from_item)
        .collect::<Result<_, _>>()?;
    // Event ids begin with their time, so this is newest first.
    records.sort_by(|a, b| b.event_id.cmp(&a.event_id).then_with(|| b.endpoint_id.cmp(&a.endpoint_id)));
    Ok(WebhookDeliveries { app_id: app.to_string(), deliveries: records.iter().map(DeliveryRecord::summary).collect() })
}

/// `t=<unix>,v1=<hex hmac-sha256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The signed POST of one delivery.
fn request(webhook: &WebhookRecord, delivery: &DeliveryRecord, now: DateTime<Utc>) -> WebhookRequest {
    WebhookRequest {
        url: webhook.url.clone(),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            (SIGNATURE_HEADER.into(), signature(webhook.secret.expose(), now.timestamp(), &delivery.payload)),
            (EVENT_ID_HEADER.into(), delivery.event_id.clone()),
            (EVENT_TYPE_HEADER.into(), delivery.event_type.clone()),
            ("Gatehouse-Delivery-Attempt".into(), delivery.attempts.to_string()),
        ],
        body: delivery.payload.clone(),
    }
}

/// One attempt: sends and writes down what came back (not the status).
async fn attempt(gatehouse: &Gatehouse, webhook: &WebhookRecord, delivery: &mut DeliveryRecord) -> bool {
    let sent = gatehouse.webhooks.send(request(webhook, delivery, gatehouse.clock.now())).await;
    delivery.last_attempt_at = gatehouse.clock.now();
    match sent {
        Ok(code) => {
            delivery.response_code = Some(code);
            let ok = (200..300).contains(&code);
            delivery.error = (!ok).then(|| format!("the endpoint answered HTTP {code}"));
            ok
        }
        Err(error) => {
            delivery.response_code = None;
            // The adapter's message names the failure (refused, timeout,
            // TLS); the URL is the partner's own, never personal data.
            delivery.error = Some(format!("no answer: {}", short(&format!("{error:#}"))));
            false
        }
    }
}

fn short(text: &str) -> String {
    if text.chars().count() <= 300 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(300).collect::<String>())
    }
}

/// What the consumer did with one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Not a domain event of an app (no envelope).
    Ignored,
    /// The app has no webhook, or it is switched off.
    NoWebhook,
    Delivered {
        attempts: u32,
    },
    /// Delivered before: nothing sent.
    AlreadyDelivered,
    /// Another attempt holds the delivery right now.
    InFlight,
    /// This attempt failed; the caller retries later.
    RetryLater {
        attempts: u32,
    },
    /// The last attempt failed: the dead letter is written.
    DeadLettered {
        attempts: u32,
    },
}

impl DeliveryOutcome {
    /// Whether the consumer should fail so that it runs again later.
    pub fn wants_retry(&self) -> bool {
        matches!(self, DeliveryOutcome::RetryLater { .. })
    }
}

/// Delivers one event (its EventBridge `detail`) to its app's webhook:
/// one attempt per call, at most `MAX_ATTEMPTS` in all. Safe to call again
/// for the same event: a delivered one is not sent again, and of two calls
/// at once only one sends.
pub async fn deliver(gatehouse: &Gatehouse, detail: &Value) -> Result<DeliveryOutcome> {
    crate::base::access::running("deliver_webhooks", deliver_event(gatehouse, detail)).await
}

async fn deliver_event(gatehouse: &Gatehouse, detail: &Value) -> Result<DeliveryOutcome> {
    let Some(envelope) = Envelope::of(detail) else {
        return Ok(DeliveryOutcome::Ignored);
    };
    let app = envelope.app_id.clone();
    let webhook = match load(gatehouse, &app).await? {
        Some((webhook, _)) if webhook.enabled => webhook,
        _ => return Ok(DeliveryOutcome::NoWebhook),
    };
    let now = gatehouse.clock.now();
    let key = Key::WebhookDelivery { app: &app, event: &envelope.id, endpoint: &webhook.endpoint_id };
    let stored = gatehouse.table.get(&key.pk(), &key.sk()).await?;
    let (mut delivery, claim) = match stored {
        Some(item) => {
            let delivery: DeliveryRecord = from_item(&item)?;
            match delivery.status {
                DeliveryStatus::Delivered => return Ok(DeliveryOutcome::AlreadyDelivered),
                DeliveryStatus::DeadLettered => {
                    return Ok(DeliveryOutcome::DeadLettered { attempts: delivery.attempts });
                }
                DeliveryStatus::Sending
                    if now - delivery.last_attempt_at < Duration::seconds(SENDING_LEASE_SECONDS) =>
                {
                    return Ok(DeliveryOutcome::InFlight);
                }
                _ => {}
            }
            (delivery, Condition::VersionIs(item.version))
        }
        None => {
            let delivery = DeliveryRecord {
                event_id: envelope.id.clone(),
                event_type: envelope.kind.as_str().to_owned(),
                school_id: envelope.school_id.to_string(),
                event_time: envelope.time,
                endpoint_id: webhook.endpoint_id.clone(),
                url: webhook.url.clone(),
                status: DeliveryStatus::Sending,
                attempts: 0,
                response_code: None,
                error: None,
                last_attempt_at: now,
                payload: serde_json::to_string(detail).map_err(|error| Error::Unavailable(error.into()))?,
            };
            (delivery, Condition::NotExists)
        }
    };
    let version = match claim {
        Condition::VersionIs(version) => version + 1,
        _ => 1,
    };
    // Claim the attempt first, so two consumers never both send.
    delivery.status = DeliveryStatus::Sending;
    delivery.attempts += 1;
    delivery.last_attempt_at = now;
    delivery.url = webhook.url.clone();
    match gatehouse.table.put(delivery.item(&app, version), claim).await {
        Err(StoreError::ConditionFailed { .. }) => return Ok(DeliveryOutcome::InFlight),
        other => other?,
    }
    let ok = attempt(gatehouse, &webhook, &mut delivery).await;
    let outcome = if ok {
        delivery.status = DeliveryStatus::Delivered;
        DeliveryOutcome::Delivered { attempts: delivery.attempts }
    } else if delivery.attempts >= MAX_ATTEMPTS {
        delivery.status = DeliveryStatus::DeadLettered;
        DeliveryOutcome::DeadLettered { attempts: delivery.attempts }
    } else {
        delivery.status = DeliveryStatus::Retrying;
        DeliveryOutcome::RetryLater { attempts: delivery.attempts }
    };
    gatehouse.table.put(delivery.item(&app, version + 1), Condition::VersionIs(version)).await?;
    tracing::info!(
        app_id = %app,
        event_id = %delivery.event_id,
        attempts = delivery.attempts,
        response_code = ?delivery.response_code,
        status = ?delivery.status,
        "webhook delivery attempt"
    );
    Ok(outcome)
}

/// Sends one delivery again now, to the webhook's current URL, whatever its
/// status; returns it as it then stands.
pub async fn redeliver(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
    delivery: &DeliveryId,
) -> Result<WebhookDelivery> {
    let (app, loaded) = load_for(gatehouse, session, app).await?;
    require_admin(session)?;
    let key = Key::WebhookDelivery { app: &app, event: delivery.event(), endpoint: delivery.endpoint() };
    let item = gatehouse
        .table
        .get(&key.pk(), &key.sk())
        .await?
        .filter(|item| !item.is_expired_at(gatehouse.clock.now().timestamp()))
        .ok_or(Error::NotFound("delivery"))?;
    let mut delivery: DeliveryRecord = from_item(&item)?;
    let webhook = match loaded {
        Some((webhook, _)) if webhook.enabled => webhook,
        _ => return Err(Error::Conflict("the webhook is switched off; switch it on to redeliver")),
    };
    delivery.attempts += 1;
    delivery.url = webhook.url.clone();
    let ok = attempt(gatehouse, &webhook, &mut delivery).await;
    delivery.status = if ok { DeliveryStatus::Delivered } else { DeliveryStatus::DeadLettered };
    gatehouse.table.put(delivery.item(&app, item.version + 1), Condition::VersionIs(item.version)).await?;
    tracing::info!(app_id = %app, event_id = %delivery.event_id, delivered = ok, "webhook redelivered");
    Ok(delivery.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_over_timestamp_and_body() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    const LOCAL: Loopback = Loopback::Allowed;
    const DEPLOYED: Loopback = Loopback::Refused;

    #[test]
    fn urls_need_https_except_localhost_while_local() {
        for good in ["https://app.example/hooks", "https://app.example:8443/h?x=1", "HTTPS://App.Example"] {
            assert!(validate_url(good, DEPLOYED).is_ok(), "{good}");
        }
        assert!(validate_url("https://93.184.215.14/hook", DEPLOYED).is_ok(), "a public address");
        assert!(validate_url("https://[2a00:1450:4009:81f::200e]/hook", DEPLOYED).is_ok(), "a public IPv6 address");
        assert!(validate_url("http://localhost:3000/hook", LOCAL).is_ok());
        assert!(validate_url("http://127.0.0.1:9/hook", LOCAL).is_ok());
        let bad = [
            ("", DEPLOYED),
            ("app.example/hooks", DEPLOYED),
            ("http://app.example/hooks", DEPLOYED),
            ("http://app.example/hooks", LOCAL),
            ("http://localhost:3000/hook", DEPLOYED),
            ("https://127.0.0.1/hook", DEPLOYED),
            ("ftp://app.example", DEPLOYED),
            ("https://user:pw@app.example", DEPLOYED),
            ("https://app .example", DEPLOYED),
            ("https://app.example:99999/", DEPLOYED),
            ("https:///path", DEPLOYED),
            ("https://-bad.example/", DEPLOYED),
        ];
        for (url, loopback) in bad {
            match validate_url(url, loopback) {
                Err(Error::Invalid { field: "url", .. }) => {}
                other => panic!("{url:?} ({loopback:?}) gave {other:?}"),
            }
        }
    }

    /// #18: every spelling of an address inside (loopback, private, the
    /// metadata service, CGNAT, unique-local, multicast, mapped) is refused,
    /// however it is written, and even a local Gatehouse posts only to its
    /// own machine, never to a private network.
    #[test]
    fn urls_to_private_addresses_are_refused_in_every_spelling() {
        let inside = [
            "https://2130706433/",
            "https://0x7f000001/",
            "https://0177.0.0.1/",
            "https://127.1/",
            "https://127.0.0.1./",
            "https://localhost./",
            "https://app.localhost/",
            "https://10.0.0.5/",
            "https://172.16.3.4/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://224.0.0.1/",
            "https://255.255.255.255/",
            "https://[::1]/",
            "https://[::]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[ff02::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:7f00:1::]/",
            "https://[2001:db8::1]/",
            "https://intranet/",
        ];
        for url in inside {
            assert!(validate_url(url, DEPLOYED).is_err(), "{url} must be refused");
        }
        for url in ["https://10.0.0.5/", "https://169.254.169.254/", "http://192.168.1.1/"] {
            assert!(validate_url(url, LOCAL).is_err(), "{url} must be refused even locally");
        }
    }

    #[test]
    fn only_public_unicast_addresses_are_deliverable() {
        let deployed = |ip: &str| deliverable_ip(ip.parse().unwrap(), Loopback::Refused);
        for public in ["93.184.215.14", "8.8.8.8", "2a00:1450:4009:81f::200e"] {
            assert!(deployed(public), "{public}");
        }
        for inside in
            ["127.0.0.1", "10.1.2.3", "169.254.169.254", "100.100.100.200", "::1", "fc00::1", "::ffff:8.8.8.8"]
        {
            assert!(!deployed(inside), "{inside}");
        }
        assert!(deliverable_ip("127.0.0.1".parse().unwrap(), Loopback::Allowed));
        assert!(!deliverable_ip("10.1.2.3".parse().unwrap(), Loopback::Allowed));
    }

    #[test]
    fn secrets_never_print() {
        let secret = WebhookSecret::generate().unwrap();
        assert!(secret.expose().starts_with("whsec_") && secret.expose().len() == 49);
        assert!(!format!("{secret:?}").contains(secret.expose()));
        assert!(secret.hint().len() < 16);
    }
}
