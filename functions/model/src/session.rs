//! P1 sign-in: the magic-link request, the token exchange and "who am I".

use serde::{Deserialize, Serialize};

use crate::{EmailAddress, TeamRole};

/// `POST /api/auth/magic-link`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MagicLinkRequest {
    pub email: EmailAddress,
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
#[serde(deny_unknown_fields)]
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

/// The three kinds of account, each with its own sign-in, sessions and
/// cookie, so a session of one kind can never pass for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AccountKind {
    /// Staff of a partner company (P1).
    Partner,
    /// Staff of a school, in the school portal (S3).
    School,
    /// Gatehouse operations staff, in the ops console (O1).
    Ops,
}

impl AccountKind {
    /// Where a signed-in user starts.
    pub fn home_path(self) -> &'static str {
        match self {
            AccountKind::Partner => "/schools",
            AccountKind::School => "/school",
            AccountKind::Ops => "/ops",
        }
    }

    /// Where the emailed sign-in link lands in the SPA.
    pub fn auth_landing_path(self) -> &'static str {
        match self {
            AccountKind::Partner => "/auth",
            AccountKind::School => "/school/auth",
            AccountKind::Ops => "/ops/auth",
        }
    }

    /// Where to ask for a new sign-in link.
    pub fn sign_in_path(self) -> &'static str {
        match self {
            AccountKind::Partner => "/signin",
            AccountKind::School => "/school/signin",
            AccountKind::Ops => "/ops/signin",
        }
    }

    /// The portal's name as its users read it.
    pub fn portal_name(self) -> &'static str {
        match self {
            AccountKind::Partner => "the Gatehouse partner portal",
            AccountKind::School => "the Gatehouse school portal",
            AccountKind::Ops => "the Gatehouse operations console",
        }
    }
}

/// `GET /api/school/me`, also the body of a successful `POST /api/school/auth/session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolMe {
    pub email: String,
    pub display_name: String,
    /// Their role at the school as they gave it, e.g. "Data Manager".
    pub role: String,
    /// What they may do in the school portal.
    pub access: TeamRole,
    pub school_id: String,
    pub urn: String,
    pub school_name: String,
}

/// `GET /api/ops/me`, also the body of a successful `POST /api/ops/auth/session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpsMe {
    pub email: String,
    pub display_name: String,
}
