//! The HTTP edge: one axum handler per operation in `ops/`, mounted from the
//! route table. A Lambda binary serves `router_for(op)`, the local server
//! serves `router()`: the same handlers and path matching in both places.

mod agent_auth;
mod csv_export;
pub mod edge;
mod extract;
mod oauth;
mod oneroster;
mod openapi;
mod ops;
mod path;
mod problem;
mod refusals;
mod session;
mod telemetry;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodFilter, MethodRouter, on};
use gatehouse_core::Gatehouse;
use gatehouse_model::{Method, Op, ROUTES, Route};

pub use extract::ClientIp;
pub use openapi::openapi_document;
pub use problem::ApiError;
pub use session::{CookiePolicy, SESSION_COOKIE};

/// The largest extract an agent may push in one request.
pub const EXTRACT_BYTES: usize = 6 * 1024 * 1024;

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
    let origin = edge::OriginSecret::new(gatehouse.settings.origin_secret.as_deref());
    let routes = routes
        .with_state(AppState::new(gatehouse.clone()))
        .layer(axum::middleware::from_fn_with_state(gatehouse, deliver_outbox))
        .layer(axum::middleware::from_fn(run_as_route))
        .layer(axum::middleware::from_fn(extract::check_path))
        .layer(axum::middleware::from_fn_with_state(origin, edge::require_origin))
        .layer(axum::middleware::from_fn(edge::security_headers));
    telemetry::layer(routes)
}

/// Runs the request as its route's function (`gatehouse_core::access`), the
/// outbox delivery after it included: locally and in the tests the store,
/// mailer and bus then refuse what the route did not declare, as its IAM
/// policy does in AWS. Its answer is held to the problems it declares
/// (`refusals`). Outside `/api`'s routes (404, the SPA) nothing runs.
async fn run_as_route(
    matched: Option<axum::extract::MatchedPath>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = matched.and_then(|matched| {
        ROUTES.iter().find(|route| route.path == matched.as_str() && route.method.as_str() == request.method().as_str())
    });
    match route {
        Some(route) => refusals::check(route, gatehouse_core::access::running(route.name, next.run(request)).await),
        None => next.run(request).await,
    }
}

/// After every write, sends what an earlier attempt committed and could not
/// send (issue 18, `gatehouse_core::outbox`): the retry of a done change
/// changes nothing, so this is how its receipt or event still goes out,
/// once. Never changes the answer; what fails to go waits for the next write.
async fn deliver_outbox(
    axum::extract::State(gatehouse): axum::extract::State<Gatehouse>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let write = request.method() == axum::http::Method::POST;
    let response = next.run(request).await;
    if write {
        gatehouse_core::outbox::deliver_or_log(&gatehouse).await;
    }
    response
}

/// The handler of a route, behind its method and its span. Which handler is
/// `ops::with_handler`'s one map, the one OpenAPI reads too.
fn method_router(route: &'static Route) -> MethodRouter<AppState> {
    let filter = match route.method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
    };
    let handler = ops::with_handler(route.op, Mount(filter));
    // An extract is a few MB of JSON, more than axum's 2 MB default
    // (API Gateway's own limit for a Lambda is 6 MB).
    let handler =
        if route.op == Op::PushExtract { handler.layer(DefaultBodyLimit::max(EXTRACT_BYTES)) } else { handler };
    telemetry::named(handler, route)
}

/// Mounts the handler `ops::with_handler` hands over, for one method.
struct Mount(MethodFilter);

impl ops::HandlerVisitor for Mount {
    type Output = MethodRouter<AppState>;

    fn visit<H, T, A>(self, handler: H) -> Self::Output
    where
        H: axum::handler::Handler<T, AppState> + extract::DocumentedHandler<A>,
        T: 'static,
    {
        on(self.0, handler)
    }
}
