//! Request ids and spans: every log line of a request carries its id and the
//! operation's name; the id is echoed in `x-request-id` and in problems.

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::MethodRouter;
use gatehouse_model::Route;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tracing::Instrument;

use crate::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being handled, for problem bodies.
pub fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(Clone::clone).ok()
}

/// Outermost layers: assign an id (or keep the caller's) and echo it back.
pub fn layer(router: Router) -> Router {
    router.layer(PropagateRequestIdLayer::new(REQUEST_ID)).layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Wraps one operation's handler in a span named after the route.
pub fn named(handler: MethodRouter<AppState>, route: &'static Route) -> MethodRouter<AppState> {
    handler.layer(middleware::from_fn(move |request: Request, next: Next| in_span(route, request, next)))
}

async fn in_span(route: &'static Route, request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.chars().take(64).collect::<String>())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "op",
        op = route.name,
        request_id = %request_id,
        partner_id = tracing::field::Empty,
        school_id = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    CURRENT_REQUEST_ID
        .scope(
            request_id,
            async move {
                let response = next.run(request).await;
                tracing::info!(
                    status = response.status().as_u16(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "handled"
                );
                response
            }
            .instrument(span),
        )
        .await
}
