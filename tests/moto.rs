//! One moto server per test process, standing in for DynamoDB, SES and
//! EventBridge, and an `SdkConfig` pointed at it.
//!
//! moto keeps one state for the whole server: give every test its own table,
//! bus or address (`unique_name`) instead of resetting it.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};

const REGION: &str = "eu-west-2";
const READY_WITHIN: Duration = Duration::from_secs(30);
/// A port picked free can be taken before moto binds it (other test
/// processes run alongside); a fresh port usually succeeds.
const ATTEMPTS: usize = 3;

/// Runs moto under `sh` so it dies with the test process, however that ends.
/// The test process holds the write end of `sh`'s stdin and never writes:
/// the kernel closes it when the process exits, even on abort or SIGKILL, and
/// the `read` then returns and kills moto. (A `Child` in a static is never
/// dropped, so `kill_on_drop` would not help.) If moto exits first, `sh`
/// exits too, which `start` notices instead of waiting out the timeout.
///
/// moto is started from its venv's Python rather than the `moto_server`
/// script so that it serves one request at a time: its threaded server does
/// not make an `UpdateItem ADD` atomic, which DynamoDB does and a contract
/// test checks under concurrency.
///
/// It also keeps only SES's instances for `/moto-api/data.json`, the one way
/// to see what SES sent. moto otherwise keeps every model it ever made (each
/// DynamoDB item, SQS message and event) for that dump and serialises them all
/// on every call: the dump grew with the run and, polled while waiting for an
/// email, starved every other request (a sign-in email took over 30 s).
const WRAPPER: &str = r#"exec 3<&0
MOTO_PORT="$1" "$(dirname "$0")/python" -c '
import sys
from moto.core import common_models
def tracked_if_ses(cls, *args, **kwargs):
    instance = super(common_models.BaseModel, cls).__new__(cls)
    if cls.__module__.startswith("moto.ses"):
        cls.instances_tracked.append(instance)
    return instance
common_models.BaseModel.__new__ = staticmethod(tracked_if_ses)
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False, request_handler=MotoRequestHandler)
' "$1" </dev/null 3<&- &
moto=$!
{ read -r _ <&3; kill "$moto"; } &
wait "$moto""#;

struct Server {
    endpoint: String,
    // Held for the life of the process: closing it stops moto.
    _lifeline: ChildStdin,
}

static SERVER: OnceLock<Server> = OnceLock::new();

/// `http://127.0.0.1:<port>` of this process's moto, started on first use.
pub fn endpoint() -> &'static str {
    &SERVER.get_or_init(start).endpoint
}

/// An SDK configuration for moto: its endpoint, eu-west-2, test credentials,
/// and none of the host's AWS environment variables. Build one per test: SDK
/// clients keep pooled connections on the runtime that opened them, and each
/// `#[tokio::test]` has its own runtime.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .empty_test_environment()
        .endpoint_url(endpoint())
        .region(Region::from_static(REGION))
        .test_credentials()
        .load()
        .await
}

/// `<prefix>-<pid>-<n>`: unique within the server, readable in moto's state.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A table, an event bus and a verified sender domain of the caller's own on moto, named after
/// `prefix` ("slice", "bench"), and the configuration that reaches them.
pub async fn fresh_resources(prefix: &str) -> anyhow::Result<(SdkConfig, gatehouse_aws::ResourceNames)> {
    let config = sdk_config().await;
    let domain = format!("{}.example", unique_name(prefix));
    let names = gatehouse_aws::ResourceNames {
        table: unique_name(&format!("{prefix}-table")),
        event_bus: unique_name(&format!("{prefix}-bus")),
        sender: gatehouse_core::EmailAddress::parse(&format!("no-reply@{domain}"))?,
        configuration_set: Some(unique_name(&format!("{prefix}-emails"))),
    };
    gatehouse_aws::create_table(&aws_sdk_dynamodb::Client::new(&config), &names.table).await?;
    let ses = aws_sdk_sesv2::Client::new(&config);
    ses.create_email_identity().email_identity(&domain).send().await?;
    ses.create_configuration_set().set_configuration_set_name(names.configuration_set.clone()).send().await?;
    aws_sdk_eventbridge::Client::new(&config).create_event_bus().name(&names.event_bus).send().await?;
    Ok((config, names))
}

/// Every email moto's SES accepted, oldest first. The state is the whole server's: a test picks
/// its own by sender or recipient.
pub async fn ses_messages() -> anyhow::Result<Vec<serde_json::Value>> {
    use anyhow::Context;

    let state: serde_json::Value = reqwest::get(format!("{}/moto-api/data.json", endpoint())).await?.json().await?;
    Ok(state["ses"]["Message"].as_array().context("moto's state has no SES messages")?.clone())
}

/// The emails `sender` sent through moto's SES, oldest first.
pub async fn emails_sent_by(sender: &str) -> anyhow::Result<Vec<serde_json::Value>> {
    Ok(ses_messages().await?.into_iter().filter(|message| message["source"] == sender).collect())
}

/// `GATEHOUSE_MOTO_SERVER`, else the venv `cargo xtask test` installs.
fn moto_server() -> PathBuf {
    if let Some(path) = std::env::var_os("GATEHOUSE_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace");
    let venv = workspace.join("target/tools/moto-venv/bin/moto_server");
    assert!(
        venv.exists(),
        "moto_server not found at {} and GATEHOUSE_MOTO_SERVER is unset: run `cargo xtask test`, which installs moto",
        venv.display()
    );
    venv
}

fn start() -> Server {
    let program = moto_server();
    let mut failures = Vec::new();
    for _ in 0..ATTEMPTS {
        match start_once(&program) {
            Ok(server) => return server,
            Err(failure) => failures.push(failure),
        }
    }
    panic!("moto_server ({}) did not start:\n{}", program.display(), failures.join("\n"));
}

fn start_once(program: &Path) -> Result<Server, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    // moto logs every request; a file keeps them readable if start fails
    // without filling a pipe nobody drains.
    let log_path = std::env::temp_dir().join(format!("gatehouse-moto-{}-{port}.log", std::process::id()));
    let log = File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut wrapper = Command::new("sh")
        .args(["-c", WRAPPER])
        .arg(program)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let lifeline = wrapper.stdin.take().expect("stdin was piped");
    match wait_until_ready(&mut wrapper, port) {
        Ok(()) => {
            // Unlinked while moto still writes to it: nothing left behind.
            let _ = std::fs::remove_file(&log_path);
            Ok(Server { endpoint: format!("http://127.0.0.1:{port}"), _lifeline: lifeline })
        }
        Err(reason) => {
            drop(lifeline);
            let _ = wrapper.wait();
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            let _ = std::fs::remove_file(&log_path);
            Err(format!("port {port}: {reason}\n{output}"))
        }
    }
}

fn wait_until_ready(wrapper: &mut Child, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + READY_WITHIN;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = wrapper.try_wait() {
            return Err(format!("moto exited ({status})"));
        }
        if answers(port) {
            return Ok(());
        }
        // A poll with a deadline, blocking because `endpoint()`, a plain function, starts moto.
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("no answer on /moto-api/ within {READY_WITHIN:?}"))
}

/// `GET /moto-api/` answers 200 once moto serves requests. Plain std, so
/// the check needs no async runtime.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let mut status = [0u8; 12];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut status).is_ok()
        && status.starts_with(b"HTTP/1.")
        && &status[9..12] == b"200"
}

/// Lambda's longest function timeout, in seconds.
const LAMBDA_LONGEST_TIMEOUT_SECONDS: u32 = 900;

/// A new SQS queue that a new rule on `bus`, matching `pattern`, sends its
/// events to; returns the queue's URL.
pub async fn queue_for_rule(
    config: &SdkConfig,
    bus: &str,
    prefix: &str,
    pattern: &serde_json::Value,
) -> anyhow::Result<String> {
    use anyhow::Context;
    use aws_sdk_sqs::types::QueueAttributeName;

    let (events, sqs) = (aws_sdk_eventbridge::Client::new(config), aws_sdk_sqs::Client::new(config));
    // Lambda hands an event to a running consumer once, and again only when
    // it fails: a message stays hidden for Lambda's longest timeout, so a
    // slow moto under every test at once never sees a job run twice, and
    // a failed attempt makes it visible again itself (`run_event_consumer`).
    let queue = sqs
        .create_queue()
        .queue_name(unique_name(prefix))
        .attributes(QueueAttributeName::VisibilityTimeout, LAMBDA_LONGEST_TIMEOUT_SECONDS.to_string())
        .send()
        .await?;
    let queue_url = queue.queue_url.context("queue URL")?;
    let attributes =
        sqs.get_queue_attributes().queue_url(&queue_url).attribute_names(QueueAttributeName::QueueArn).send().await?;
    let queue_arn =
        attributes.attributes().and_then(|all| all.get(&QueueAttributeName::QueueArn)).context("queue ARN")?.clone();
    let rule = unique_name(prefix);
    events.put_rule().name(&rule).event_bus_name(bus).event_pattern(pattern.to_string()).send().await?;
    let target = aws_sdk_eventbridge::types::Target::builder().id("queue").arn(queue_arn).build()?;
    events.put_targets().rule(&rule).event_bus_name(bus).targets(target).send().await?;
    Ok(queue_url)
}

/// Stands in for Lambda's EventBridge invocation of an event consumer: a
/// rule on `bus` with the consumer's pattern from `model::EVENT_CONSUMERS`
/// sends its events to a new SQS queue, and a task hands each event's
/// `detail` to `consume`, as the consumer's Lambda binary does. Stops with
/// the test's runtime.
pub async fn run_event_consumer<F, Fut>(
    config: &SdkConfig,
    bus: &str,
    consumer: &str,
    consume: F,
) -> anyhow::Result<tokio::task::JoinHandle<()>>
where
    F: Fn(serde_json::Value) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    use anyhow::Context;

    let consumer = gatehouse_model::EVENT_CONSUMERS
        .iter()
        .find(|known| known.name == consumer)
        .with_context(|| format!("no event consumer {consumer}"))?;
    let sqs = aws_sdk_sqs::Client::new(config);
    let pattern = serde_json::json!({ "source": [consumer.origin.source()], "detail-type": consumer.detail_types });
    let queue_url = queue_for_rule(config, bus, consumer.name, &pattern).await?;
    Ok(tokio::spawn(async move {
        loop {
            let received = sqs.receive_message().queue_url(&queue_url).max_number_of_messages(10).send().await;
            let messages = match received {
                Ok(received) => received.messages.unwrap_or_default(),
                // A poller's pauses, not a test waiting: moto serves one request at a time, so
                // SQS long polling would stall every other call, and a failed receive is retried
                // after a breath as Lambda's poller would.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            // 200 ms: every test runs a poller per consumer (sign-in and each
            // kind of job) against one moto server, so a shorter pause
            // starves the requests the tests are waiting on.
            if messages.is_empty() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            for message in messages {
                let event: serde_json::Value =
                    serde_json::from_str(message.body().unwrap_or("{}")).unwrap_or(serde_json::Value::Null);
                let Some(receipt) = message.receipt_handle() else { continue };
                if consume(event["detail"].clone()).await.is_ok() {
                    let _ = sqs.delete_message().queue_url(&queue_url).receipt_handle(receipt).send().await;
                } else {
                    // A failed attempt comes back after a breath, as Lambda retries.
                    let _ = sqs
                        .change_message_visibility()
                        .queue_url(&queue_url)
                        .receipt_handle(receipt)
                        .visibility_timeout(1)
                        .send()
                        .await;
                }
            }
        }
    }))
}

/// [`run_event_consumer`] for `send_sign_in_links`: sign-in emails go out
/// after the request's 202, as on AWS.
pub async fn run_sign_in_consumer(
    config: &SdkConfig,
    bus: &str,
    gatehouse: gatehouse_core::Gatehouse,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    run_event_consumer(config, bus, "send_sign_in_links", move |detail| {
        let gatehouse = gatehouse.clone();
        async move {
            gatehouse_core::auth::send_requested_link(&gatehouse, &detail).await?;
            Ok(())
        }
    })
    .await
}

/// [`run_event_consumer`] for every job worker (#15): a job a request
/// accepted runs after its 202, as on AWS.
pub async fn run_job_workers(
    config: &SdkConfig,
    bus: &str,
    gatehouse: gatehouse_core::Gatehouse,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut workers = Vec::new();
    for kind in gatehouse_model::JobKind::ALL {
        let gatehouse = gatehouse.clone();
        let worker = run_event_consumer(config, bus, kind.worker(), move |detail| {
            let gatehouse = gatehouse.clone();
            async move {
                gatehouse_core::workers::run(&gatehouse, kind, &detail).await?;
                Ok(())
            }
        })
        .await?;
        workers.push(worker);
    }
    Ok(workers)
}
