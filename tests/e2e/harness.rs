//! Runs a browser test: the local server with the built SPA on a free port, chromedriver on
//! another, and Chromium sessions that are closed and killed even when an assertion fails.

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use gatehouse_local::{LocalConfig, RunningServer, start};
use serde_json::{Value, json};
use tempfile::TempDir;

/// How long any one condition may take to come true. Generous because the machine that runs
/// the suite is often busy compiling, and a cold wasm start in Chromium is slow there.
pub const PATIENCE: Duration = Duration::from_secs(30);
const POLL_EVERY: Duration = Duration::from_millis(100);

/// What a test body gets: its own server and data directory, and browsers to open.
pub struct Context {
    server: RunningServer,
    /// Each window with its profile directory, which must outlive the window.
    browsers: Mutex<Vec<(Client, TempDir)>>,
    driver: Driver,
    _data: TempDir,
}

impl Context {
    /// `path` on this test's server, e.g. `/signin`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url)
    }

    /// The demo app's API key, for a test that calls the data API as the app would.
    pub fn demo_app_key(&self) -> &str {
        &self.server.demo_app_key
    }

    /// The server's domain, for a test that changes the store behind the API's back.
    pub fn gatehouse(&self) -> &gatehouse_core::Gatehouse {
        &self.server.gatehouse
    }

    /// The day it is on the server's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.gatehouse().clock.now().date_naive()
    }

    /// The MIS agent of school `school_id` pushes `extract`, through the deletion guard.
    pub async fn mis_pushes(&self, school_id: &str, extract: &gatehouse_model::Extract) {
        let school = gatehouse_core::SchoolId::parse(school_id).expect("a school id");
        let guard = gatehouse_core::ingestion::Guard::On;
        gatehouse_core::ingestion::ingest(self.gatehouse(), &school, extract, guard).await.expect("an extract taken");
    }

    /// A new Chromium window with its own profile, so its cookie jar starts empty.
    pub async fn open_browser(&self) -> Client {
        let profile = tempfile::tempdir().expect("a temp dir for the Chromium profile");
        let client = self.driver.connect(profile.path()).await;
        self.browsers.lock().expect("browser list").push((client.clone(), profile));
        client
    }
}

/// Starts a server and chromedriver, opens a first browser window, runs `body` with both, then
/// closes every browser it opened and stops chromedriver before passing on any panic from `body`.
pub async fn browser_test<F, Fut>(body: F)
where
    F: FnOnce(Arc<Context>, Client) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    // Two rustls providers are linked in (reqwest's ring for webhooks, fantoccini's default);
    // without a process default the WebDriver client panics. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data = tempfile::tempdir().expect("a temp dir for the server's data");
    let mut config = LocalConfig::new(data.path().to_owned());
    config.spa_dir = Some(spa_dir());
    let server = start(config).await.expect("the local server starts");
    let driver = Driver::spawn().await;
    let context = Arc::new(Context { server, browsers: Mutex::new(Vec::new()), driver, _data: data });

    // In its own task, so a failed assertion unwinds there and the clean-up below still runs.
    let app = context.clone();
    let outcome = tokio::spawn(async move {
        let browser = app.open_browser().await;
        body(app, browser).await;
    })
    .await;

    let browsers = std::mem::take(&mut *context.browsers.lock().expect("browser list"));
    for (browser, profile) in browsers {
        // The session may already be gone if Chromium crashed; the driver kill below covers it.
        let _ = browser.close().await;
        drop(profile);
    }
    drop(context);
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the test task did not finish: {error}"),
        }
    }
}

/// The built SPA. A browser test without it would test nothing, so it fails rather than skips.
pub fn spa_dir() -> PathBuf {
    let dir = std::env::var_os("GATEHOUSE_SPA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("GATEHOUSE_SPA_DIR is not set: build the SPA with `cargo xtask test`"));
    assert!(
        dir.join("index.html").is_file(),
        "{} has no index.html: build the SPA with `cargo xtask test`",
        dir.display()
    );
    dir
}

/// Waits until `check` returns `Some`, asking again every 100 ms for up to [`PATIENCE`].
/// Panics naming `what` on timeout. WebDriver errors end the wait at once, except those of a
/// page being replaced while it was asked ([`is_navigating`]), which are asked again.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, CmdError>>,
{
    let started = Instant::now();
    loop {
        match check().await {
            Ok(Some(value)) => return value,
            Ok(None) if started.elapsed() < PATIENCE => tokio::time::sleep(POLL_EVERY).await,
            Err(error) if is_navigating(&error) && started.elapsed() < PATIENCE => tokio::time::sleep(POLL_EVERY).await,
            Ok(None) => panic!("gave up after {PATIENCE:?} waiting for {what}"),
            Err(error) => panic!("WebDriver failed while waiting for {what}: {error}"),
        }
    }
}

/// Whether chromedriver answered that the page went away while it was being asked. A move
/// between the SPA's bundles is a full page load (`/schools` → `/signin` on signing out), so a
/// wait that spans one can meet it; the next question goes to the new page.
pub fn is_navigating(error: &CmdError) -> bool {
    let error = error.to_string();
    ["aborted by navigation", "no such execution context", "cannot find context", "target navigated or closed"]
        .iter()
        .any(|sign| error.contains(sign))
}

/// Saves what the browser shows as `target/screenshots/<name>.png` in the workspace.
pub async fn save_screenshot(browser: &Client, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("creating {}: {error}", dir.display()));
    let png = browser.screenshot().await.expect("a screenshot");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
    path
}

/// A chromedriver process, killed when dropped so no test leaves one behind.
struct Driver {
    process: Child,
    url: String,
}

impl Driver {
    async fn spawn() -> Driver {
        let program = std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "/usr/bin/chromedriver".into());
        let port = free_port();
        let process = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting {}: {error}", program.display()));
        let mut driver = Driver { process, url: format!("http://127.0.0.1:{port}") };
        driver.wait_until_ready().await;
        driver
    }

    async fn wait_until_ready(&mut self) {
        let status = format!("{}/status", self.url);
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(exit) = self.process.try_wait().expect("chromedriver's state") {
                panic!("chromedriver exited before it was ready: {exit}");
            }
            let ready = match http.get(&status).send().await {
                Ok(response) => response.json::<Value>().await.is_ok_and(|body| body["value"]["ready"] == true),
                Err(_) => false,
            };
            if ready {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "chromedriver did not answer {status} within {PATIENCE:?}");
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    async fn connect(&self, profile: &Path) -> Client {
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        let options = json!({
            "binary": binary,
            "args": [
                // Tests run as root in CI containers, where Chromium refuses to start sandboxed.
                "--no-sandbox",
                "--headless=new",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // A fresh profile per window: a reused one can serve a stale .wasm from cache.
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|error| panic!("opening a Chromium session through chromedriver: {error}"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Already exited is fine; anything else would leave a stray process, which kill reports.
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A port nobody is listening on now. Another process could take it before chromedriver
/// binds; chromedriver then exits and the readiness check says so.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    listener.local_addr().expect("the bound address").port()
}
