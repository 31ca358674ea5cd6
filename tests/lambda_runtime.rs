//! A stand-in for the Lambda Runtime API, to start the real `bootstrap` (the
//! one Lambda binary, `functions/lambdas`) on this machine as Lambda would:
//! the process is started with the function's environment, asks the runtime
//! API for its next event, and posts its answer back. What the stand-in
//! sees is what a cold start is: the time from the process's start to its
//! first request for work (init: tracing, settings, the SDK clients) and to
//! its first answer.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

const API: &str = "/2018-06-01/runtime";

/// Builds the `gatehouse` Lambda binary for this machine (`release` or the
/// dev profile) and returns its path.
pub fn build_bootstrap(release: bool) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.args(["build", "--locked", "-p", "gatehouse-lambdas", "--bin", "gatehouse", "--message-format=json"]);
    if release {
        command.arg("--release");
    }
    let output = command.stderr(Stdio::inherit()).output()?;
    anyhow::ensure!(output.status.success(), "building the Lambda binary failed");
    // The last artifact line naming the binary gives its path wherever the
    // target directory is.
    let stdout = String::from_utf8(output.stdout)?;
    let executable = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == "gatehouse")
        .filter_map(|message| message["executable"].as_str().map(PathBuf::from))
        .next_back();
    executable.ok_or_else(|| anyhow::anyhow!("cargo named no gatehouse executable"))
}

/// One start of a function: how long it took and what it answered.
#[derive(Debug)]
pub struct Start {
    /// From spawning the process to its first `GET …/invocation/next`.
    pub init: Duration,
    /// From spawning the process to its answer to the first event.
    pub first_answer: Duration,
    /// The answer's JSON (for a route, API Gateway's response shape).
    pub answer: Value,
}

/// What the stand-in heard from the function.
#[derive(Default)]
struct Heard {
    first_poll: Option<Instant>,
}

struct Shared {
    events: Mutex<Option<mpsc::Receiver<Value>>>,
    heard: Mutex<Heard>,
    polled: Notify,
    answers: mpsc::Sender<(Instant, Result<Value, Value>)>,
}

async fn next(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    {
        let mut heard = shared.heard.lock().unwrap();
        heard.first_poll.get_or_insert_with(Instant::now);
    }
    shared.polled.notify_one();
    let mut events = shared.events.lock().unwrap().take().expect("one poller at a time");
    let event = events.recv().await;
    *shared.events.lock().unwrap() = Some(events);
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", "request-1".parse().unwrap());
    let deadline =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap() + Duration::from_secs(30);
    headers.insert("lambda-runtime-deadline-ms", deadline.as_millis().to_string().parse().unwrap());
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:eu-west-2:000000000000:function:standin".parse().unwrap(),
    );
    headers.insert("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000".parse().unwrap());
    (headers, axum::Json(event.unwrap_or(Value::Null)))
}

async fn answered(State(shared): State<Arc<Shared>>, UrlPath(_id): UrlPath<String>, body: String) -> &'static str {
    let answer = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let _ = shared.answers.send((Instant::now(), Ok(answer))).await;
    "{}"
}

async fn failed(State(shared): State<Arc<Shared>>, body: String) -> &'static str {
    let error = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let _ = shared.answers.send((Instant::now(), Err(error))).await;
    "{}"
}

/// The function stopped before asking for work.
#[derive(Debug, thiserror::Error)]
#[error("the function failed at start: {0}")]
pub struct StartFailed(pub String);

/// Starts `bootstrap` as the function `name` with `environment` (beside the
/// runtime's own variables), hands it `event`, and waits for its answer.
pub async fn start_once(
    bootstrap: &Path,
    name: &str,
    environment: &[(&str, String)],
    event: Value,
) -> anyhow::Result<Start> {
    let (event_sender, events) = mpsc::channel(1);
    let (answers, mut answer_receiver) = mpsc::channel(1);
    let shared = Arc::new(Shared {
        events: Mutex::new(Some(events)),
        heard: Mutex::new(Heard::default()),
        polled: Notify::new(),
        answers,
    });
    let app = Router::new()
        .route(&format!("{API}/invocation/next"), get(next))
        .route(&format!("{API}/invocation/{{id}}/response"), post(answered))
        .route(&format!("{API}/invocation/{{id}}/error"), post(failed))
        .route(&format!("{API}/init/error"), post(failed))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut command = tokio::process::Command::new(bootstrap);
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "standin")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "standin")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (variable, value) in environment {
        command.env(variable, value);
    }
    let spawned = Instant::now();
    // Killed when dropped, whatever happens below.
    let mut process = command.kill_on_drop(true).spawn()?;

    // Init ends at the first poll, or the function fails first: it reports
    // an init error, or exits.
    let exited = process.wait();
    let outcome = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::select! {
            _ = shared.polled.notified() => Ok(()),
            answer = answer_receiver.recv() => Err(format!("it reported {answer:?}")),
            status = exited => Err(format!("it exited ({status:?})")),
        }
    })
    .await?;
    if let Err(failure) = outcome {
        server.abort();
        return Err(StartFailed(failure).into());
    }
    let init = shared.heard.lock().unwrap().first_poll.expect("polled") - spawned;
    event_sender.send(event).await?;
    let (at, answer) = tokio::time::timeout(Duration::from_secs(30), answer_receiver.recv())
        .await?
        .ok_or_else(|| anyhow::anyhow!("the stand-in stopped"))?;
    // Stopped before the stand-in, so its next poll finds no closed port.
    process.start_kill()?;
    process.wait().await?;
    server.abort();
    let answer = answer.map_err(|error| anyhow::anyhow!("the function answered with an error: {error}"))?;
    Ok(Start { init, first_answer: at - spawned, answer })
}

/// A deployed function's settings (the template's `Globals`) for
/// `function`, over fresh resources on moto.
pub async fn function_environment(function: &str, origin_secret: &str) -> anyhow::Result<Vec<(&'static str, String)>> {
    let (_, names) = crate::moto::fresh_resources("start").await?;
    Ok(vec![
        ("GATEHOUSE_FUNCTION", function.to_owned()),
        ("TABLE_NAME", names.table),
        ("EVENT_BUS_NAME", names.event_bus),
        ("SENDER_EMAIL", names.sender.as_str().to_owned()),
        ("PUBLIC_URL", "https://gatehouse.example".to_owned()),
        ("ORIGIN_SECRET", origin_secret.to_owned()),
        ("AWS_REGION", "eu-west-2".to_owned()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_ENDPOINT_URL", crate::moto::endpoint().to_owned()),
    ])
}

/// An API Gateway (HTTP API, payload 2.0) event for `GET path`, as
/// CloudFront forwards it (with the origin secret `origin_secret`).
pub fn http_get_event(path: &str, origin_secret: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": format!("GET {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "host": "gatehouse.example",
            "accept": "application/json",
            "x-gatehouse-origin": origin_secret,
            "cloudfront-viewer-address": "203.0.113.10:46532"
        },
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "standin",
            "domainName": "gatehouse.example",
            "domainPrefix": "gatehouse",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.1",
                "userAgent": "lambda-runtime-standin"
            },
            "requestId": "request-1",
            "routeKey": format!("GET {path}"),
            "stage": "$default",
            "time": "04/Dec/2026:10:00:00 +0000",
            "timeEpochMs": 1_796_378_400_000_u64
        },
        "isBase64Encoded": false
    })
}
