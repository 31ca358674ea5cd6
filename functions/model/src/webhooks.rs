//! Webhooks (A4): where an app receives Gatehouse's events, signed with a
//! secret only the partner and Gatehouse know, and the record of each delivery.

use serde::{Deserialize, Serialize};

/// `GET /api/partner/webhooks/{app_id}`: the app's webhook, never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSettings {
    pub app_id: String,
    /// `None` until an admin sets one.
    pub url: Option<String>,
    /// Whether events are being delivered.
    pub enabled: bool,
    /// The secret's first characters (`whsec_ab12…`), to tell secrets apart.
    pub secret_hint: Option<String>,
    /// RFC 3339: when the current secret was made.
    pub secret_created_at: Option<String>,
    /// RFC 3339.
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    /// Whether the signed-in user may change it (admins).
    pub can_manage: bool,
}

/// `POST /api/partner/webhooks/{app_id}`: set the URL, or switch delivery
/// off and on. The first save also makes the signing secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetWebhook {
    /// `https://…`; `http://localhost` or `http://127.0.0.1` only while
    /// Gatehouse itself runs locally.
    pub url: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// The settings after a change; `secret` only when one was just made (first
/// save, or rotation): shown this once, never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSaved {
    pub settings: WebhookSettings,
    /// Verify `Gatehouse-Signature` with it.
    pub secret: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// An attempt is under way.
    Sending,
    /// The endpoint answered 2xx.
    Delivered,
    /// The last attempt failed; another one is due.
    Retrying,
    /// Every attempt failed; only Redeliver sends it again.
    DeadLettered,
}

impl DeliveryStatus {
    /// As the portal shows it.
    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Sending => "Sending",
            DeliveryStatus::Delivered => "Delivered",
            DeliveryStatus::Retrying => "Retrying",
            DeliveryStatus::DeadLettered => "Failed (dead letter)",
        }
    }
}

/// One event sent (or being sent) to one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub delivery_id: String,
    pub event_id: String,
    pub event_type: String,
    pub school_id: String,
    pub url: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The endpoint's HTTP status at the last attempt; `None` if it gave none.
    pub response_code: Option<u16>,
    /// Why the last attempt failed, when it did.
    pub error: Option<String>,
    /// RFC 3339.
    pub last_attempt_at: String,
    /// RFC 3339, when the event happened.
    pub event_time: String,
}

/// `GET /api/partner/webhooks/{app_id}/deliveries`: the last 30 days, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveries {
    pub app_id: String,
    pub deliveries: Vec<WebhookDelivery>,
}
