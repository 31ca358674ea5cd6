//! Wire types shared by the functions and the Leptos SPA: requests, responses,
//! the `Problem` body and the route table. Serde only, so it builds for wasm32.

mod columns;
mod problem;
mod routes;
mod schools;
mod session;

pub use columns::{Column, columns};
pub use problem::Problem;
pub use routes::{Method, Op, ROUTES, Route};
pub use schools::{
    FeedStatus, GdprMode, InstallState, InstallStatus, InvitationStatus, ListSchoolsQuery, MIS_NOT_DETECTED,
    SchoolPage, SchoolRow, SchoolStatus, SchoolView, SortColumn, SortDirection,
};
pub use session::{AppSummary, MagicLinkAccepted, MagicLinkRequest, Me, SessionRequest};

/// Health check body: enough for a load balancer or a human with curl.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}
