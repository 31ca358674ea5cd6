//! Wire types shared by the functions and the Leptos SPA: requests, responses,
//! the `Problem` body and the route table. Serde only, so it builds for wasm32.

mod app_keys;
mod columns;
mod data_api;
mod invitations;
mod problem;
mod routes;
mod school_detail;
mod schools;
mod scopes;
mod session;
mod team;

pub use app_keys::{AppKeyList, AppKeySummary, CreateAppKey, CreatedAppKey};
pub use columns::{Column, columns};
pub use data_api::{AppSchools, ConnectionState, SchoolConnection};
pub use invitations::{
    AuthorisationReceipt, AuthoriseRequest, DirectoryQuery, DirectoryResults, DirectorySchool, EstablishmentStatus,
    ForwardInvitationRequest, InvitationState, InviteSchoolRequest, MIS_CHOICES,
};
pub use problem::Problem;
pub use routes::{JOBS, Job, Method, Op, ROUTES, Route};
pub use school_detail::{
    ActionOutcome, AppQuery, ContactInput, InvitationSummary, InviteRequest, LogEntry, LogEvent, OpenInvitationRequest,
    PriorityRequest, RevokeReason, RevokeRequest, SchoolAction, SchoolDetail,
};
pub use schools::{
    FeedStatus, GdprMode, InstallState, InstallStatus, InvitationStatus, ListSchoolsQuery, MIS_NOT_DETECTED,
    SchoolPage, SchoolRow, SchoolStatus, SchoolView, SortColumn, SortDirection,
};
pub use scopes::{PermissionSet, PermissionSetSaved, Scope, ScopeKind, ScopeSet, UpdatePermissionSet};
pub use session::{AppSummary, MagicLinkAccepted, MagicLinkRequest, Me, SessionRequest};
pub use team::{AddTeamMember, RemoveTeamMember, TeamMember, TeamPage, TeamRole};

/// Health check body: enough for a load balancer or a human with curl.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}
