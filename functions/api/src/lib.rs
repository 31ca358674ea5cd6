//! The HTTP edge: one axum handler per operation in `ops/`, mounted from the
//! route table. A Lambda binary serves `router_for(op)`, the local server
//! serves `router()`: the same handlers and path matching in both places.

mod csv_export;
mod extract;
mod openapi;
mod ops;
mod problem;
mod session;
mod telemetry;

use axum::Router;
use axum::routing::{MethodFilter, MethodRouter, on};
use gatehouse_core::Gatehouse;
use gatehouse_model::{Method, Op, ROUTES, Route};

pub use extract::ClientIp;
pub use openapi::openapi_document;
pub use problem::ApiError;
pub use session::{CookiePolicy, SESSION_COOKIE};

/// What every handler gets: the domain and the cookie policy.
#[derive(Clone)]
pub struct AppState {
    pub gatehouse: Gatehouse,
    pub cookies: CookiePolicy,
}

impl AppState {
    fn new(gatehouse: Gatehouse) -> Self {
        let cookies = CookiePolicy::for_public_url(&gatehouse.settings.public_url);
        AppState { gatehouse, cookies }
    }
}

/// Every operation: the local server and the API tests.
pub fn router(gatehouse: Gatehouse) -> Router {
    let mut paths: Vec<&'static str> = ROUTES.iter().map(|route| route.path).collect();
    paths.dedup();
    let routes = paths.into_iter().fold(Router::new(), |router, path| {
        let at_path: Vec<&'static Route> = ROUTES.iter().filter(|route| route.path == path).collect();
        router.route(path, path_router(&at_path))
    });
    finish(routes, gatehouse)
}

/// One operation: what a Lambda function serves.
pub fn router_for(op: Op, gatehouse: Gatehouse) -> Router {
    let route = op.route();
    finish(Router::new().route(route.path, path_router(&[route])), gatehouse)
}

/// Every method at one path, each in its own span; another method gets a
/// 405 problem (inside the first route's span, so it carries a request id).
fn path_router(routes: &[&'static Route]) -> MethodRouter<AppState> {
    let not_allowed = telemetry::named(MethodRouter::new().fallback(problem::method_not_allowed), routes[0]);
    routes.iter().fold(not_allowed, |router, route| router.merge(method_router(route)))
}

/// Unknown paths under `/api` get a problem, not the SPA's `index.html`; a
/// catch-all route rather than a fallback, so the local server can still put
/// the SPA behind everything else.
fn finish(routes: Router<AppState>, gatehouse: Gatehouse) -> Router {
    let routes = routes.route("/api/{*unknown}", axum::routing::any(problem::no_such_route));
    telemetry::layer(routes.with_state(AppState::new(gatehouse)))
}

/// The handler of a route, behind its method and its span.
fn method_router(route: &'static Route) -> MethodRouter<AppState> {
    let filter = match route.method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
    };
    let handler = match route.op {
        Op::Health => on(filter, ops::health::handle),
        Op::OpenApi => on(filter, ops::openapi::handle),
        Op::RequestMagicLink => on(filter, ops::request_magic_link::handle),
        Op::CreateSession => on(filter, ops::create_session::handle),
        Op::Logout => on(filter, ops::logout::handle),
        Op::GetMe => on(filter, ops::get_me::handle),
        Op::ListPartnerSchools => on(filter, ops::list_partner_schools::handle),
        Op::ExportPartnerSchools => on(filter, ops::export_partner_schools::handle),
        Op::GetPartnerSchool => on(filter, ops::get_partner_school::handle),
        Op::RevokeSchoolAccess => on(filter, ops::revoke_school_access::handle),
        Op::CancelRevocation => on(filter, ops::cancel_revocation::handle),
        Op::SetSchoolPriority => on(filter, ops::set_school_priority::handle),
        Op::CancelInvitation => on(filter, ops::cancel_invitation::handle),
        Op::ResendInvitation => on(filter, ops::resend_invitation::handle),
        Op::ReinviteSchool => on(filter, ops::reinvite_school::handle),
        Op::GetPermissionSet => on(filter, ops::get_permission_set::handle),
        Op::UpdatePermissionSet => on(filter, ops::update_permission_set::handle),
        Op::ListTeam => on(filter, ops::list_team::handle),
        Op::AddTeamMember => on(filter, ops::add_team_member::handle),
        Op::RemoveTeamMember => on(filter, ops::remove_team_member::handle),
        Op::OpenInvitation => on(filter, ops::open_invitation::handle),
        Op::ForwardInvitation => on(filter, ops::forward_invitation::handle),
        Op::AuthoriseInvitation => on(filter, ops::authorise_invitation::handle),
        Op::SearchDirectory => on(filter, ops::search_directory::handle),
        Op::InviteSchool => on(filter, ops::invite_school::handle),
        Op::ListAppKeys => on(filter, ops::list_app_keys::handle),
        Op::CreateAppKey => on(filter, ops::create_app_key::handle),
        Op::RevokeAppKey => on(filter, ops::revoke_app_key::handle),
        Op::InviteSchoolByApi => on(filter, ops::invite_school_by_api::handle),
        Op::ListAppSchools => on(filter, ops::list_app_schools::handle),
        Op::GetSchoolStatus => on(filter, ops::get_school_status::handle),
    };
    telemetry::named(handler, route)
}
