//! The one local process: every API operation at the same paths as the SAM
//! template (from `gatehouse_api::router`), the `/dev` pages, and the SPA
//! behind everything else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::routing::{get, post};
use gatehouse_aws::HttpWebhookSender;
use gatehouse_core::ports::Clock;
use gatehouse_core::{Gatehouse, Settings, demo, directory};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::bus::InProcessBus;
use crate::outbox::FileOutbox;
use crate::outbox_page;
use crate::store::RedbTable;

mod spa;

/// A synthetic extract in the register's (GIAS) format: 240 schools in
/// England and Wales, a few closed, for the demo and the tests.
pub const DIRECTORY_SAMPLE: &[u8] = include_bytes!("../data/gias-sample.csv");

/// Where the demo app's API key is kept, in the data directory.
pub const DEMO_APP_KEY_FILE: &str = "demo-app-key.txt";
/// The demo app's OAuth client and where to use it (#17), for OneRoster clients.
pub const DEMO_ONEROSTER_FILE: &str = "demo-oneroster.json";

/// How to run the local server.
pub struct LocalConfig {
    pub addr: SocketAddr,
    /// The embedded store, outbox and event log live here.
    pub data_dir: PathBuf,
    /// The built SPA (its shells, `shells.json` and `assets/`); API only when `None`.
    pub spa_dir: Option<PathBuf>,
    /// Where links in emails point; `http://<bound address>` when `None`.
    pub public_url: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// Run the daily jobs in-process (`false` in tests that run them by hand).
    pub run_schedules: bool,
    /// Waits before an event consumer's second and third attempts (the
    /// webhook deliveries of A4, the sign-in sends): Lambda's, unless a test
    /// wants them short.
    pub webhook_retry_delays: Vec<std::time::Duration>,
    /// Make the demo's states true by living them through the real rules:
    /// every demo school shown Installed gets synthetic people through the MIS
    /// agent's ingestion, an agent key is kept in `<data>/demo-agent-key.txt`
    /// for the first connected school, and a fresh store also gets a few
    /// support cases and two invitation answers that wait (`cargo xtask run`;
    /// off in tests, which push, open and answer their own).
    pub seed_people: bool,
}

impl LocalConfig {
    /// A free port on loopback, no SPA, the real clock.
    pub fn new(data_dir: PathBuf) -> Self {
        LocalConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            spa_dir: None,
            public_url: None,
            clock: Arc::new(gatehouse_core::ports::SystemClock),
            run_schedules: false,
            webhook_retry_delays: crate::webhooks::LAMBDA_RETRY_DELAYS.to_vec(),
            seed_people: false,
        }
    }
}

/// State of the `/dev` pages.
#[derive(Clone)]
pub struct LocalState {
    pub outbox: Arc<FileOutbox>,
    pub bus: Arc<InProcessBus>,
    pub sign_in_sends: Arc<crate::sign_in::SignInSends>,
}

/// A server running in the background; stops when dropped.
pub struct RunningServer {
    pub url: String,
    pub addr: SocketAddr,
    pub gatehouse: Gatehouse,
    /// An API key of the demo app, also in `<data>/demo-app-key.txt`.
    pub demo_app_key: String,
    /// The embedded store under `gatehouse.table`, for tests that read all of it.
    pub store: RedbTable,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// Serves until the process is interrupted.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        self.take_task().await.context("server task")
    }

    /// Stops accepting, lets requests in flight finish, and returns once the
    /// store is closed, so the same data directory can be opened again.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.take_task().await.context("server task")
    }

    fn take_task(&mut self) -> tokio::task::JoinHandle<()> {
        std::mem::replace(&mut self.task, tokio::spawn(async {}))
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Opens the stores, seeds demo data (idempotently) and starts serving.
pub async fn start(config: LocalConfig) -> anyhow::Result<RunningServer> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    let listener = TcpListener::bind(config.addr).await.with_context(|| format!("binding {}", config.addr))?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");

    let store = RedbTable::open(&config.data_dir.join("gatehouse.redb"))?;
    let table = Arc::new(store.clone());
    let outbox = Arc::new(FileOutbox::open(&config.data_dir.join("outbox"), config.clock.clone())?);
    let bus = Arc::new(InProcessBus::open(&config.data_dir, config.clock.clone())?);
    // Subscribed before anything can publish, so no event misses its webhook.
    let webhook_events = bus.subscribe();
    let sign_in_events = bus.subscribe();
    let job_events = bus.subscribe();
    let sign_in_sends = Arc::new(crate::sign_in::SignInSends::default());
    let ses_feedback = outbox.feedback();
    check_data_version(table.as_ref(), &config.data_dir).await?;
    let report = demo::seed(table.as_ref(), config.clock.now()).await?;
    tracing::info!(written = report.written, already_there = report.already_there, "demo data seeded");
    let directory = directory::import(table.as_ref(), DIRECTORY_SAMPLE, 0, |_| {}).await?;
    tracing::info!(created = directory.created, unchanged = directory.unchanged, "demo school directory imported");
    let demo_app_key = demo_app_key(table.as_ref(), &config.data_dir, config.clock.now()).await?;
    let public = config.public_url.clone().unwrap_or_else(|| url.clone());
    demo_oneroster_client(table.as_ref(), &config.data_dir, &public, config.clock.now()).await?;

    let settings = Settings::new(config.public_url.clone().unwrap_or_else(|| url.clone()));
    let gatehouse = Gatehouse {
        table,
        mailer: outbox.clone(),
        events: bus.clone(),
        clock: config.clock.clone(),
        webhooks: Arc::new(HttpWebhookSender::for_settings(&settings)),
        settings,
        warm: Default::default(),
    }
    // What each function may touch is enforced here as IAM enforces it in
    // AWS, so a route that reaches past its declaration fails on a laptop
    // and in every test, not first in production.
    .enforcing_access();
    if config.seed_people {
        let demo_data = if report.already_there == 0 { DemoData::New } else { DemoData::Reopened };
        seed_activity(&gatehouse, &outbox, &config.data_dir, demo_data).await?;
    }
    let dev = Router::new()
        .route("/dev/outbox", get(outbox_page::page))
        .route("/dev/outbox.json", get(outbox_page::json))
        .route("/dev/events.json", get(events_json))
        .with_state(LocalState { outbox, bus, sign_in_sends: sign_in_sends.clone() })
        .route("/dev/jobs/{name}", post(run_job).with_state(gatehouse.clone()))
        .route("/dev/verify-log", post(verify_log).with_state(gatehouse.clone()))
        .route("/dev/directory/import", post(import_directory).with_state(gatehouse.clone()))
        .route("/dev/ops-users", post(create_ops_user).with_state(gatehouse.clone()))
        .route("/dev/ses-event", post(crate::ses_simulator::post_event).with_state(gatehouse.clone()));
    let dev = dev.layer(axum::middleware::from_fn_with_state(addr, dev_host_only));
    let mut app = gatehouse_api::router(gatehouse.clone());
    // The /dev pages run jobs and show every email (sign-in links among
    // them): they exist only on a server bound to loopback (#18).
    if addr.ip().is_loopback() {
        app = app.merge(dev);
    } else {
        tracing::warn!(%addr, "not bound to loopback: the /dev pages are off");
    }
    if let Some(spa) = &config.spa_dir {
        // Each client-side route (/schools, /auth…) loads its bundle's shell (#14).
        app = app.fallback_service(spa::router(spa)?);
    }
    // The SPA's and the /dev pages' answers carry the same security headers
    // as the API's (CloudFront adds them on AWS).
    let app = app.layer(axum::middleware::from_fn(gatehouse_api::edge::security_headers));

    let schedule = config.run_schedules.then(|| crate::schedule::spawn(gatehouse.clone()));
    let webhooks = crate::webhooks::spawn(gatehouse.clone(), webhook_events, config.webhook_retry_delays.clone());
    let ses_simulator = crate::ses_simulator::spawn(gatehouse.clone(), ses_feedback);
    let sign_in =
        crate::sign_in::spawn(gatehouse.clone(), sign_in_events, config.webhook_retry_delays.clone(), sign_in_sends);
    let workers = crate::workers::spawn(gatehouse.clone(), job_events, config.webhook_retry_delays.clone());
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(error) = served.await {
            tracing::error!(error = ?error, "local server stopped");
        }
        if let Some(schedule) = schedule {
            schedule.abort();
        }
        webhooks.abort();
        sign_in.abort();
        workers.abort();
        ses_simulator.abort();
    });
    Ok(RunningServer { url, addr, gatehouse, demo_app_key, store, shutdown: Some(shutdown), task })
}

/// Whether this start seeded the demo data or found it in the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DemoData {
    New,
    Reopened,
}

/// What the demo's people did, through the real rules, so every state the
/// demo shows is one the system reached: the schools' agents push their MIS
/// data, and, when the demo data is new, support cases are opened (they
/// count on the school links) and two schools answer invitations whose
/// answers wait (#12). Tests push, open and answer their own.
async fn seed_activity(
    gatehouse: &Gatehouse,
    outbox: &FileOutbox,
    data_dir: &std::path::Path,
    demo_data: DemoData,
) -> anyhow::Result<()> {
    if demo_data == DemoData::New {
        let cases = demo::seed_cases(gatehouse).await?;
        tracing::info!(cases, "demo support cases opened");
    }
    let feeds = gatehouse_core::synthetic::seed_demo_schools(gatehouse).await?;
    tracing::info!(schools = feeds.pushed, "demo schools' MIS agents pushed synthetic data");
    if let Some(school) = &feeds.first_connected {
        demo_agent_key(gatehouse, school, data_dir).await?;
    }
    if demo_data == DemoData::New {
        let states = demo::seed_answers(gatehouse, |to| invitation_token(outbox, to)).await?;
        tracing::info!(?states, "demo invitations answered");
    }
    Ok(())
}

/// The token of the newest Begin Authorisation link emailed to `to`, as its
/// reader would open it.
fn invitation_token(outbox: &FileOutbox, to: &gatehouse_core::EmailAddress) -> Option<String> {
    const LINK: &str = "/authorise#token=";
    let entries = outbox.entries().ok()?;
    let text = &entries.iter().find(|entry| entry.to == to.as_str() && entry.text.contains(LINK))?.text;
    let token = &text[text.find(LINK)? + LINK.len()..];
    Some(token.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
}

async fn events_json(
    axum::extract::State(state): axum::extract::State<LocalState>,
) -> Result<axum::Json<Vec<crate::bus::RecordedEvent>>, (axum::http::StatusCode, &'static str)> {
    state.bus.recorded().map(axum::Json).map_err(|error| {
        tracing::error!(error = ?error, "event log unreadable");
        (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "The event log could not be read; see the server log.")
    })
}

/// Refuses a /dev request whose `Host` is not this loopback server by
/// address or `localhost`: a web page elsewhere that rebinds its own name to
/// 127.0.0.1 (DNS rebinding) must not read the outbox or run jobs (#18).
async fn dev_host_only(
    axum::extract::State(addr): axum::extract::State<SocketAddr>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let host = request.headers().get(axum::http::header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("");
    let port = addr.port();
    let allowed = [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}"), addr.to_string()];
    if allowed.iter().any(|allowed| allowed.eq_ignore_ascii_case(host)) {
        next.run(request).await
    } else {
        use axum::response::IntoResponse;
        gatehouse_api::ApiError::from(gatehouse_core::Error::Forbidden(
            "the /dev pages answer only to this machine's own address",
        ))
        .into_response()
    }
}

/// `POST /dev/jobs/{name}`: runs a scheduled job now (`cargo xtask job`).
async fn run_job(
    axum::extract::State(gatehouse): axum::extract::State<Gatehouse>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<axum::Json<serde_json::Value>, gatehouse_api::ApiError> {
    Ok(axum::Json(gatehouse_core::jobs::run(&gatehouse, &name).await?))
}

/// `POST /dev/verify-log`: every Authorisation Log checked (`cargo xtask verify-log`).
async fn verify_log(
    axum::extract::State(gatehouse): axum::extract::State<Gatehouse>,
) -> Result<axum::Json<gatehouse_model::LogAudit>, gatehouse_api::ApiError> {
    Ok(axum::Json(gatehouse_core::log_audit::audit_all(&gatehouse).await?))
}

/// `POST /dev/directory/import`: a GIAS extract as the body (`cargo xtask
/// import-directory FILE` while the server runs).
async fn import_directory(
    axum::extract::State(gatehouse): axum::extract::State<Gatehouse>,
    body: axum::body::Bytes,
) -> Result<axum::Json<directory::ImportReport>, gatehouse_api::ApiError> {
    Ok(axum::Json(directory::import(gatehouse.table.as_ref(), body.as_ref(), 0, |_| {}).await?))
}

/// `POST /dev/ops-users` with `{"email", "display_name"}`: creates an
/// operations console user (`cargo xtask create-ops-user`). Idempotent.
async fn create_ops_user(
    axum::extract::State(gatehouse): axum::extract::State<Gatehouse>,
    axum::Json(request): axum::Json<NewOpsUser>,
) -> Result<axum::Json<serde_json::Value>, gatehouse_api::ApiError> {
    let email = gatehouse_core::EmailAddress::parse(&request.email).map_err(gatehouse_core::Error::from)?;
    let created = gatehouse_core::accounts::ensure_ops_user(&gatehouse, &email, &request.display_name).await?;
    Ok(axum::Json(serde_json::json!({ "created": created })))
}

#[derive(serde::Deserialize)]
struct NewOpsUser {
    email: String,
    display_name: String,
}

/// Where the demo MIS agent's key is kept: `<school id> <secret>`.
pub const DEMO_AGENT_KEY_FILE: &str = "demo-agent-key.txt";

/// An agent key for one demo school, kept like the demo app key, for
/// `cargo xtask demo-agent`.
async fn demo_agent_key(
    gatehouse: &Gatehouse,
    school: &gatehouse_core::SchoolId,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let path = data_dir.join(DEMO_AGENT_KEY_FILE);
    let kept = std::fs::read_to_string(&path).ok();
    let kept_secret = kept.as_deref().and_then(|text| text.split_whitespace().nth(1));
    let now = gatehouse.clock.now();
    let secret =
        gatehouse_core::agent_keys::ensure_demo_key(gatehouse.table.as_ref(), school, kept_secret, now).await?;
    std::fs::write(&path, format!("{school} {secret}\n")).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The demo app's API key: made once and kept (the store has only its hash)
/// in the data directory, so a newcomer can call the API at once.
async fn demo_app_key(
    table: &dyn gatehouse_core::ports::Table,
    data_dir: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<String> {
    let path = data_dir.join(DEMO_APP_KEY_FILE);
    let kept = std::fs::read_to_string(&path).ok();
    let partner = gatehouse_core::PartnerId::parse(demo::DEMO_PARTNER)?;
    let app = gatehouse_core::AppId::parse(demo::DEMO_APP)?;
    let secret =
        gatehouse_core::app_keys::ensure_demo_key(table, &partner, &app, kept.as_deref().map(str::trim), now).await?;
    std::fs::write(&path, format!("{secret}\n")).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret)
}

/// The demo app's OAuth client (#17): made once and kept, with its secret
/// (the store has only its hash), beside the token and OneRoster addresses,
/// in the data directory, so a OneRoster client can be pointed at it at once.
async fn demo_oneroster_client(
    table: &dyn gatehouse_core::ports::Table,
    data_dir: &std::path::Path,
    public_url: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let path = data_dir.join(DEMO_ONEROSTER_FILE);
    let kept: Option<serde_json::Value> =
        std::fs::read_to_string(&path).ok().and_then(|text| serde_json::from_str(&text).ok());
    let kept_secret = kept.as_ref().and_then(|kept| kept["client_secret"].as_str());
    let partner = gatehouse_core::PartnerId::parse(demo::DEMO_PARTNER)?;
    let app = gatehouse_core::AppId::parse(demo::DEMO_APP)?;
    let (client_id, client_secret) =
        gatehouse_core::app_keys::ensure_demo_oauth_client(table, &partner, &app, kept_secret, now).await?;
    let file = serde_json::json!({
        "client_id": client_id,
        "client_secret": client_secret,
        "token_url": format!("{public_url}{}", gatehouse_model::Op::IssueOAuthToken.route().path),
        "base_url": format!("{public_url}{}", gatehouse_model::oneroster::ONEROSTER_BASE),
    });
    let text = serde_json::to_string_pretty(&file)? + "\n";
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The shape of the local store's items. Bump it when stored records change
/// in a way old local data cannot be read back as (session 2: Authorisation
/// Log chains, reminder and revocation lists; session 3: each school's index
/// of its links, school and ops accounts, people and cases).
pub const LOCAL_DATA_VERSION: u64 = 3;

/// Refuses a data directory written by an older Gatehouse, with what to do,
/// rather than serving demo data that half-matches the code.
async fn check_data_version(
    table: &dyn gatehouse_core::ports::Table,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    use gatehouse_core::keys::Key;
    use gatehouse_core::ports::{Condition, Item};
    let key = Key::LocalDataVersion;
    let stored = table.get(&key.pk(), &key.sk()).await?;
    let found =
        stored.as_ref().and_then(|item| item.attributes.get("data_version")).and_then(serde_json::Value::as_u64);
    match found {
        Some(LOCAL_DATA_VERSION) => Ok(()),
        None if stored.is_none() && !has_any_user(table).await? => {
            let mut attributes = serde_json::Map::new();
            attributes.insert("data_version".into(), serde_json::json!(LOCAL_DATA_VERSION));
            let item = Item { pk: key.pk(), sk: key.sk(), gsi1: None, expires_at: None, version: 1, attributes };
            table.put(item, Condition::Always).await?;
            Ok(())
        }
        other => anyhow::bail!(
            "the data in {dir} was written by an older Gatehouse (data version {old}; this one needs {LOCAL_DATA_VERSION}). \
             Move it aside or delete it (rm -rf {dir}) and start again: the demo data is created afresh.",
            dir = data_dir.display(),
            old = other.map_or("1".to_owned(), |version| version.to_string()),
        ),
    }
}

/// Whether the store already holds the demo user, i.e. is not empty.
async fn has_any_user(table: &dyn gatehouse_core::ports::Table) -> anyhow::Result<bool> {
    let email = gatehouse_core::EmailAddress::parse(demo::DEMO_EMAIL)?;
    let key = gatehouse_core::keys::Key::User(gatehouse_model::AccountKind::Partner, &email);
    Ok(table.get(&key.pk(), &key.sk()).await?.is_some())
}
