//! P1 sign-in: the magic-link request, the token exchange and "who am I".

use serde::{Deserialize, Serialize};

use crate::TeamRole;

/// `POST /api/auth/magic-link`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MagicLinkRequest {
    pub email: String,
}

/// The same 202 body whether or not the address belongs to a user, so the
/// endpoint cannot be used to find out who has an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MagicLinkAccepted {
    pub message: String,
    /// Minutes the emailed link stays valid.
    pub expires_in_minutes: u32,
}

/// `POST /api/auth/session`: the token from the link's `#token=` fragment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRequest {
    pub token: String,
}

/// An app of the partner organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSummary {
    pub app_id: String,
    pub name: String,
}

/// `GET /api/me`, also the body of a successful `POST /api/auth/session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub email: String,
    pub display_name: String,
    pub partner_id: String,
    pub partner_name: String,
    pub role: TeamRole,
    pub apps: Vec<AppSummary>,
}
