//! The one Lambda binary's parts (#13): which function this is, from its
//! `GATEHOUSE_FUNCTION` setting; JSON logs for CloudWatch; the caller's IP
//! taken from the API Gateway event. Handlers stay the same code the local
//! server runs.

use std::net::IpAddr;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use gatehouse_api::ClientIp;
use gatehouse_core::store::suppression;
use gatehouse_core::{auth, jobs, webhooks, workers};
pub use gatehouse_model::FUNCTION_VARIABLE;
use gatehouse_model::{EVENT_CONSUMERS, JOBS, JobKind, Op, ROUTES};
use lambda_http::RequestExt;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use lambda_http::request::RequestContext;
use serde_json::Value;
use tracing_subscriber::EnvFilter;

/// What one deployed function runs. Every function shares one binary; its
/// configuration (role, policy, timeout, alarms, `GATEHOUSE_FUNCTION`) is
/// what makes it one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// One operation of `model::ROUTES`, behind API Gateway.
    Route(Op),
    /// A scheduled job of `model::JOBS`, by name.
    Job(&'static str),
    /// The `deliver_webhooks` event consumer (A4).
    DeliverWebhooks,
    /// The `send_sign_in_links` event consumer (#18).
    SendSignInLinks,
    /// The `record_email_feedback` consumer of SES's events (#15).
    RecordEmailFeedback,
    /// A job worker (#15): the event consumer that runs one kind of job.
    Worker(JobKind),
}

impl Function {
    /// The function called `name` in `model`, if any.
    pub fn named(name: &str) -> Option<Function> {
        if let Some(route) = ROUTES.iter().find(|route| route.name == name) {
            return Some(Function::Route(route.op));
        }
        if let Some(job) = JOBS.iter().find(|job| job.name == name) {
            return Some(Function::Job(job.name));
        }
        match EVENT_CONSUMERS.iter().find(|consumer| consumer.name == name)?.name {
            "deliver_webhooks" => Some(Function::DeliverWebhooks),
            "send_sign_in_links" => Some(Function::SendSignInLinks),
            "record_email_feedback" => Some(Function::RecordEmailFeedback),
            worker => workers::kind_of_worker(worker).map(Function::Worker),
        }
    }

    /// Serves this function's events until the runtime stops it. The SDK
    /// clients are built once, at start, and shared by every invocation.
    pub async fn run(self) -> Result<(), lambda_runtime::Error> {
        let gatehouse = gatehouse_aws::gatehouse_from_env().await?;
        match self {
            Function::Route(op) => lambda_http::run(with_client_ip(gatehouse_api::router_for(op, gatehouse))).await,
            Function::Job(job) => {
                lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| {
                    let gatehouse = gatehouse.clone();
                    // A schedule's event says nothing the job needs.
                    async move { Ok::<Value, lambda_runtime::Error>(jobs::run(&gatehouse, job).await?) }
                }))
                .await
            }
            Function::DeliverWebhooks => {
                lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
                    let gatehouse = gatehouse.clone();
                    async move {
                        let outcome = webhooks::deliver(&gatehouse, &detail_of(event)).await?;
                        // An error makes Lambda retry the invocation (twice, per
                        // the function's EventInvokeConfig); the third failure
                        // has written its dead letter and returns normally.
                        if outcome.wants_retry() {
                            return Err(lambda_runtime::Error::from(format!("webhook not delivered yet: {outcome:?}")));
                        }
                        Ok::<Value, lambda_runtime::Error>(serde_json::to_value(&outcome)?)
                    }
                }))
                .await
            }
            Function::SendSignInLinks => {
                lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
                    let gatehouse = gatehouse.clone();
                    async move {
                        // A failed send is an error, so Lambda retries it.
                        let outcome = auth::send_requested_link(&gatehouse, &detail_of(event)).await?;
                        Ok::<Value, lambda_runtime::Error>(serde_json::to_value(outcome)?)
                    }
                }))
                .await
            }
            Function::RecordEmailFeedback => {
                lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
                    let gatehouse = gatehouse.clone();
                    async move {
                        // A malformed event is an error too: it shows in the
                        // function's errors, and no retry writes anything.
                        let outcome = suppression::record_feedback(&gatehouse, &detail_of(event)).await?;
                        Ok::<Value, lambda_runtime::Error>(serde_json::to_value(outcome)?)
                    }
                }))
                .await
            }
            Function::Worker(kind) => {
                lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
                    let gatehouse = gatehouse.clone();
                    async move {
                        // An error (the store failed) makes Lambda run the job again.
                        let outcome = workers::run(&gatehouse, kind, &detail_of(event)).await?;
                        Ok::<Value, lambda_runtime::Error>(serde_json::to_value(outcome)?)
                    }
                }))
                .await
            }
        }
    }
}

/// An EventBridge event's `detail` (beside `detail-type`, `source`, …).
fn detail_of(event: LambdaEvent<Value>) -> Value {
    event.payload.get("detail").cloned().unwrap_or(Value::Null)
}

/// Added by CloudFront in front of the API: the viewer's address and source
/// port, e.g. `198.51.100.10:46532` or `2001:db8::7:46532`.
const VIEWER_ADDRESS: &str = "cloudfront-viewer-address";

/// JSON lines on stdout, one object per event with its span fields, at the
/// level `RUST_LOG` names (`info` when unset or unreadable). No colours:
/// CloudWatch would store the escape codes.
pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(true)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
}

/// Gives every request the `ClientIp` extension the handlers read, as the
/// local server does from its socket.
pub fn with_client_ip(router: Router) -> Router {
    router.layer(middleware::from_fn(insert_client_ip))
}

async fn insert_client_ip(mut request: Request, next: Next) -> Response {
    if let Some(ip) = client_ip(&request) {
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

/// Behind CloudFront the API Gateway source is an edge server, shared by
/// many viewers, so CloudFront's viewer header wins when it parses. Without
/// either, the handler's own fallback applies. A caller that skips
/// CloudFront can forge the header and so spread requests over per-IP
/// budgets; the per-address budget still holds.
fn client_ip(request: &Request) -> Option<String> {
    let viewer = request.headers().get(VIEWER_ADDRESS).and_then(|value| value.to_str().ok()).and_then(viewer_ip);
    viewer.or_else(|| match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    })
}

/// The IP of a `CloudFront-Viewer-Address` value, without its `:port`
/// (IPv6 addresses come unbracketed, so the port is after the last colon).
/// Normalised, so one viewer always counts against one rate-limit key.
fn viewer_ip(value: &str) -> Option<String> {
    let value = value.trim();
    let without_port = value.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map(|(ip, _)| ip);
    let parse = |text: &str| text.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
    without_port.and_then(parse).or_else(|| parse(value)).map(|ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::{Function, viewer_ip};
    use gatehouse_model::{EVENT_CONSUMERS, JOBS, ROUTES};

    /// A function named in the template but unknown to the binary would
    /// fail at its first cold start; so would one named twice.
    #[test]
    fn every_route_job_and_consumer_is_a_function_of_the_binary() {
        let names: Vec<&str> = ROUTES
            .iter()
            .map(|route| route.name)
            .chain(JOBS.iter().map(|job| job.name))
            .chain(EVENT_CONSUMERS.iter().map(|consumer| consumer.name))
            .collect();
        for name in &names {
            assert!(Function::named(name).is_some(), "{name} is not a function of the binary");
            assert_eq!(names.iter().filter(|other| *other == name).count(), 1, "{name} names two functions");
        }
        assert_eq!(
            Function::named("list_partner_schools"),
            Some(Function::Route(gatehouse_model::Op::ListPartnerSchools))
        );
        assert_eq!(Function::named("send_reminders"), Some(Function::Job("send_reminders")));
        assert_eq!(Function::named("send_sign_in_links"), Some(Function::SendSignInLinks));
        assert_eq!(
            Function::named("push_extract_worker"),
            Some(Function::Worker(gatehouse_model::JobKind::PushExtract))
        );
        assert_eq!(Function::named("ListPartnerSchools"), None);
        assert_eq!(Function::named(""), None);
    }

    #[test]
    fn viewer_address_loses_its_port() {
        assert_eq!(viewer_ip("198.51.100.10:46532").as_deref(), Some("198.51.100.10"));
        assert_eq!(viewer_ip("2001:DB8:0:0::7:46532").as_deref(), Some("2001:db8::7"));
        assert_eq!(viewer_ip("[2001:db8::7]:443").as_deref(), Some("2001:db8::7"));
    }

    #[test]
    fn viewer_address_without_port_or_garbage() {
        assert_eq!(viewer_ip("198.51.100.10").as_deref(), Some("198.51.100.10"));
        assert_eq!(viewer_ip("not-an-address:80"), None);
        assert_eq!(viewer_ip(""), None);
    }
}

/// API Gateway HTTP API (v2) events, as Lambda receives them, go through
/// `with_client_ip` the way `lambda_http::run` sends them: the handler must
/// see the viewer's IP, not CloudFront's. (Here rather than in `tests/` so
/// that testing it does not build every operation's binary.)
#[cfg(test)]
mod client_ip_tests {
    use super::with_client_ip;
    use axum::body::to_bytes;
    use axum::routing::post;
    use axum::{Extension, Router};
    use gatehouse_api::ClientIp;
    use tower::ServiceExt;

    /// Answers with the `ClientIp` the layer inserted; a 500 if it inserted none.
    fn echo_client_ip() -> Router {
        Router::new()
            .route("/api/auth/magic-link", post(|Extension(ClientIp(ip)): Extension<ClientIp>| async move { ip }))
    }

    async fn client_ip_seen_for(event: &str) -> String {
        let request = lambda_http::request::from_str(event).expect("the fixture is an HTTP API v2 event");
        let response = with_client_ip(echo_client_ip()).oneshot(request).await.expect("routers are infallible");
        assert!(response.status().is_success(), "status {}", response.status());
        let body = to_bytes(response.into_body(), 1024).await.expect("a short body");
        String::from_utf8(body.to_vec()).expect("UTF-8")
    }

    #[tokio::test]
    async fn direct_call_uses_the_api_gateway_source_ip() {
        let ip = client_ip_seen_for(include_str!("../tests/fixtures/magic_link_direct.json")).await;
        assert_eq!(ip, "203.0.113.24");
    }

    #[tokio::test]
    async fn call_through_cloudfront_uses_the_viewer_address_without_port() {
        let ip = client_ip_seen_for(include_str!("../tests/fixtures/magic_link_via_cloudfront.json")).await;
        // Not 198.51.100.77: that is the CloudFront edge API Gateway saw.
        assert_eq!(ip, "2001:db8:4006:812::200e");
    }
}
