//! App credentials (A1, A6): API keys and OAuth clients a partner creates
//! for one of its apps. The secret is shown once, stored only hashed, and
//! can be revoked; an app may have several so one can be rotated without
//! downtime.

use serde::{Deserialize, Serialize};

/// How an app presents a credential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Sent as it is: `Authorization: Bearer <secret>`.
    #[default]
    ApiKey,
    /// OAuth 2.0 client credentials (#17): `key_id` is the `client_id`, the
    /// secret the `client_secret`, exchanged at `POST /oauth/token` for an
    /// access token that lasts an hour. The secret itself reads nothing.
    OauthClient,
}

/// One key as the portal lists it: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppKeySummary {
    /// For an OAuth client, its `client_id`.
    pub key_id: String,
    #[serde(default)]
    pub kind: CredentialKind,
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
    /// An API key unless said otherwise.
    #[serde(default)]
    pub kind: CredentialKind,
}

/// The new key, with its secret: shown this once, never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedAppKey {
    pub key: AppKeySummary,
    /// An API key's: send as `Authorization: Bearer <secret>`. An OAuth
    /// client's: its `client_secret`.
    pub secret: String,
}

/// `POST /oauth/token` (RFC 6749 §4.4), form-encoded: the client
/// credentials grant. The client authenticates with HTTP Basic
/// (`client_id:client_secret`) or with the two form fields, not both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthTokenRequest {
    /// `client_credentials`.
    pub grant_type: Option<String>,
    /// Space-separated OneRoster 1.2 scopes; all three when left out.
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// An access token: send as `Authorization: Bearer <access_token>` to
/// `/api/v1` and to OneRoster until it expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthToken {
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: u32,
    /// The scopes granted, space-separated.
    pub scope: String,
}

/// RFC 6749 §5.2's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    UnsupportedGrantType,
    InvalidScope,
}

impl OAuthErrorCode {
    /// `invalid_client` is 401 (with `WWW-Authenticate`), the rest 400.
    pub fn status(self) -> u16 {
        if self == OAuthErrorCode::InvalidClient { 401 } else { 400 }
    }
}

/// A refused token request, as RFC 6749 §5.2 shapes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthError {
    pub error: OAuthErrorCode,
    pub error_description: String,
}
