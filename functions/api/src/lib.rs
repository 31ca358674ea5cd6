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
    let routes = ROUTES.iter().fold(Router::new(), |router, route| router.route(route.path, method_router(route)));
    finish(routes, gatehouse)
}

/// One operation: what a Lambda function serves.
pub fn router_for(op: Op, gatehouse: Gatehouse) -> Router {
    let route = op.route();
    finish(Router::new().route(route.path, method_router(route)), gatehouse)
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
    };
    telemetry::named(handler.fallback(problem::method_not_allowed), route)
}
