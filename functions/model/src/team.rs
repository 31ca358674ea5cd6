//! A partner's team: colleagues who sign in to the portal.

use serde::{Deserialize, Serialize};

use crate::EmailBounce;

/// What a partner user may do. Admins manage the team and the permission set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Admin,
    #[default]
    Member,
}

impl TeamRole {
    pub const ALL: [TeamRole; 2] = [TeamRole::Admin, TeamRole::Member];

    pub fn label(self) -> &'static str {
        match self {
            TeamRole::Admin => "Admin",
            TeamRole::Member => "Member",
        }
    }
}

/// One colleague.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub email: String,
    pub display_name: String,
    pub role: TeamRole,
    /// RFC 3339; when they were added.
    pub added_at: String,
    /// Who added them; `None` for the first admin.
    pub added_by: Option<String>,
    /// Set when emails to them bounced for good or they complained (#15):
    /// they get no sign-in links until the address works again.
    #[serde(default)]
    pub email_bounce: Option<EmailBounce>,
}

/// `GET /api/partner/team`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamPage {
    pub members: Vec<TeamMember>,
    /// Whether the signed-in user may add and remove colleagues.
    pub can_manage: bool,
}

/// `POST /api/partner/team`. Adding someone already on the team with the same
/// name and role changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddTeamMember {
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub role: TeamRole,
}

/// `POST /api/partner/team/remove`. Removing someone not on the team is a no-op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RemoveTeamMember {
    pub email: String,
}
