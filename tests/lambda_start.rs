//! The one Lambda binary (#13) started the way Lambda starts it, against a
//! stand-in for the Runtime API (`gatehouse_tests::lambda_runtime`) and
//! DynamoDB, SES and EventBridge on moto: each kind of function answers its
//! first event, and a function whose configuration names nothing of this
//! build fails at start. Without a domain of its own, a function reads the
//! public URL from the stack's SSM parameter at start (#15). `cargo xtask
//! bench` times the same starts on the release build
//! (`benches/cold_start.rs`); here only what they answer is checked.

use std::path::PathBuf;
use std::sync::OnceLock;

use gatehouse_aws::{PUBLIC_URL_PARAMETER_VARIABLE, PUBLIC_URL_VARIABLE, PublicUrl};
use gatehouse_tests::lambda_runtime::{
    Start, StartFailed, build_bootstrap, function_environment, http_get_event, start_once,
};
use gatehouse_tests::moto;
use serde_json::{Value, json};

const ORIGIN_SECRET: &str = "standin-origin-secret";

fn bootstrap() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| build_bootstrap(false).expect("the Lambda binary builds"))
}

async fn environment(function: &str) -> Vec<(&'static str, String)> {
    function_environment(function, ORIGIN_SECRET).await.expect("moto resources")
}

/// Starts the route function `function` with `environment` and hands it `GET path` as CloudFront
/// sends it, with `origin_secret`; the start, once it has answered.
async fn get_once(function: &str, environment: &[(&str, String)], path: &str, origin_secret: &str) -> Start {
    let start = start_once(bootstrap(), function, environment, http_get_event(path, origin_secret)).await;
    start.unwrap_or_else(|error| panic!("{function} should start and answer: {error}"))
}

/// The JSON body of a route's `answer`, once its status is checked to be `status`.
fn body_with_status(answer: &Value, status: u16) -> Value {
    assert_eq!(answer["statusCode"], status, "{answer}");
    serde_json::from_str(answer["body"].as_str().expect("a body")).expect("a JSON body")
}

#[tokio::test]
async fn a_route_function_answers_its_http_event() {
    let start = get_once("HealthFunction", &environment("health").await, "/api/health", ORIGIN_SECRET).await;
    assert_eq!(body_with_status(&start.answer, 200)["status"], "ok");
    assert!(start.init <= start.first_answer);
}

#[tokio::test]
async fn a_route_refuses_a_caller_without_a_session_and_one_that_skips_cloudfront() {
    let environment = environment("get_me").await;
    let start = get_once("GetMeFunction", &environment, "/api/me", ORIGIN_SECRET).await;
    assert_eq!(body_with_status(&start.answer, 401)["code"], "sign_in_required");

    let direct = get_once("GetMeFunction", &environment, "/api/me", "not-the-secret").await;
    assert_eq!(body_with_status(&direct.answer, 403)["code"], "direct_access_refused");
}

#[tokio::test]
async fn a_job_function_runs_against_dynamodb() {
    // The outbox job reads the (empty) outbox partition through the SDK.
    let environment = environment("deliver_outbox").await;
    let start = start_once(bootstrap(), "DeliverOutboxFunction", &environment, json!({"source": "aws.scheduler"}))
        .await
        .expect("the job starts and answers");
    assert_eq!(start.answer, json!({ "sent": 0 }));
}

#[tokio::test]
async fn a_function_named_for_nothing_in_this_build_fails_at_start() {
    let environment = environment("no_such_operation").await;
    let failure = start_once(bootstrap(), "StrayFunction", &environment, json!({}))
        .await
        .expect_err("an unknown function does not start");
    assert!(failure.downcast_ref::<StartFailed>().is_some(), "{failure}");
}

/// `environment` as a stack without a domain of its own sets it (#15): `PUBLIC_URL` empty, and
/// the name of the SSM parameter the stack writes the distribution's address to.
fn without_a_domain(mut environment: Vec<(&'static str, String)>, parameter: &str) -> Vec<(&'static str, String)> {
    environment.retain(|(variable, _)| *variable != PUBLIC_URL_VARIABLE);
    environment.push((PUBLIC_URL_VARIABLE, String::new()));
    environment.push((PUBLIC_URL_PARAMETER_VARIABLE, parameter.to_owned()));
    environment
}

/// Writes the parameter on moto as the stack's `PublicUrlParameter` would.
async fn put_parameter(config: &aws_config::SdkConfig, name: &str, value: &str) {
    aws_sdk_ssm::Client::new(config)
        .put_parameter()
        .name(name)
        .r#type(aws_sdk_ssm::types::ParameterType::String)
        .value(value)
        .send()
        .await
        .expect("moto stores the parameter");
}

#[tokio::test]
async fn a_function_reads_the_public_url_the_stack_published_at_start() {
    let config = moto::sdk_config().await;
    let parameter = format!("/{}/public-url", moto::unique_name("stack"));
    put_parameter(&config, &parameter, "https://d111111abcdef8.cloudfront.net/").await;
    let url = PublicUrl::Parameter(parameter.clone()).resolve(&config).await.expect("the parameter is read");
    assert_eq!(url, "https://d111111abcdef8.cloudfront.net", "as the links need it, without the slash");

    let environment = without_a_domain(environment("health").await, &parameter);
    let start = get_once("HealthFunction", &environment, "/api/health", ORIGIN_SECRET).await;
    assert_eq!(body_with_status(&start.answer, 200)["status"], "ok");
}

#[tokio::test]
async fn a_function_whose_public_url_parameter_is_missing_or_wrong_fails_at_start() {
    let config = moto::sdk_config().await;
    let missing = format!("/{}/public-url", moto::unique_name("stack"));
    let error = PublicUrl::Parameter(missing.clone()).resolve(&config).await.expect_err("no such parameter");
    assert!(format!("{error:#}").contains(&missing), "the error names the parameter: {error:#}");
    let environment = without_a_domain(environment("health").await, &missing);
    let failure = start_once(bootstrap(), "HealthFunction", &environment, json!({}))
        .await
        .expect_err("a function without its public URL does not start");
    assert!(failure.downcast_ref::<StartFailed>().is_some(), "{failure}");

    let not_a_url = format!("/{}/public-url", moto::unique_name("stack"));
    put_parameter(&config, &not_a_url, "gatehouse.example.org").await;
    let error = PublicUrl::Parameter(not_a_url).resolve(&config).await.expect_err("not an address");
    assert!(error.to_string().contains("not an http(s) address"), "{error:#}");
}
