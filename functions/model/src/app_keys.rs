//! App credentials (A1, A6): API keys a partner creates for one of its apps.
//! The secret is shown once, stored only hashed, and can be revoked; an app
//! may have several keys so one can be rotated without downtime.

use serde::{Deserialize, Serialize};

/// One key as the portal lists it: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppKeySummary {
    pub key_id: String,
    pub label: String,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// RFC 3339; set once revoked: the key no longer works.
    pub revoked_at: Option<String>,
}

/// `GET /api/partner/apps/{app_id}/keys`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppKeyList {
    pub app_id: String,
    pub keys: Vec<AppKeySummary>,
    /// Whether the signed-in user may create and revoke keys (admins).
    pub can_manage: bool,
}

/// `POST /api/partner/apps/{app_id}/keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAppKey {
    /// What the key is for, e.g. "Production sync".
    pub label: String,
}

/// The new key, with its secret: shown this once, never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAppKey {
    pub key: AppKeySummary,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}
