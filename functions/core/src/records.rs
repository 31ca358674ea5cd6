//! What the domain stores: one struct per entity, serialized into an item's
//! attributes. Field names are the stored attribute names; renaming one is a
//! data migration.

use chrono::{DateTime, NaiveDate, Utc};
use gatehouse_model::{AppSummary, FeedStatus, GdprMode, InstallStatus, SchoolStatus, SchoolView};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ports::{Item, StoreError};
use crate::{AppId, EmailAddress, PartnerId, SchoolId};

/// A partner user (P1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub partner_id: PartnerId,
}

/// A partner organisation (P1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerRecord {
    pub partner_id: PartnerId,
    pub name: String,
}

/// One of a partner's apps (P1, P10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRecord {
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub name: String,
}

/// An unused sign-in link; the item's key is the token hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginLinkRecord {
    pub email: EmailAddress,
    pub created_at: DateTime<Utc>,
}

/// A signed-in session with a snapshot of who the user is, taken at sign-in,
/// so that every authenticated request costs one read to identify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub apps: Vec<AppSummary>,
    pub created_at: DateTime<Utc>,
}

/// API calls counted for one calendar month (A5, "Month Stats").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthUsage {
    /// `YYYY-MM`.
    pub month: String,
    pub calls: u64,
}

/// The relationship between one app and one school: everything the partner's
/// lists show about it (P2–P4). School-level facts (name, MIS, agent health)
/// are copied here so a list page is a single query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolLinkRecord {
    pub school_id: SchoolId,
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mis: Option<String>,
    pub view: SchoolView,
    pub status: SchoolStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorised_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdpr_mode: Option<GdprMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_status: Option<FeedStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<MonthUsage>,
    pub install_status: InstallStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_extract_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub active_cases: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_on: Option<NaiveDate>,
    /// A partner user's name, or "School" when the school revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_contact: Option<EmailAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_contact: Option<EmailAddress>,
    #[serde(default)]
    pub priority: bool,
}

/// The entity's fields as item attributes.
pub fn to_attributes<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => map,
        // Records are structs; anything else is a programming error caught by tests.
        other => panic!("a record must serialize to an object, got {other:?}"),
    }
}

/// Reads an entity back; a mismatch means corrupt or unmigrated data.
pub fn from_item<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    serde_json::from_value(Value::Object(item.attributes.clone())).map_err(|error| {
        StoreError::Unavailable(anyhow::Error::new(error).context(format!("unreadable item {}/{}", item.pk, item.sk)))
    })
}
