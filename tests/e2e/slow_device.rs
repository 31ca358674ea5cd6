//! #14's browser measure: how long a slow school laptop on a slow network waits for a usable
//! page. Chromium's CPU is slowed 4× and its network shaped like Lighthouse's "Slow 4G" (150 ms
//! round trips, 1.6 Mbit/s down, 750 kbit/s up) through the DevTools protocol; the cache is
//! emptied before each visit, so every run downloads its bundle as a first visit does.
//!
//! Timed from asking for the address to the first moment the page can be used: the Active
//! Schools table with its first page of rows, and the authorise wizard's first step. The test
//! runs each once and asserts only that the pages become usable under the throttle; `cargo
//! xtask bench` runs it in release with `GATEHOUSE_BROWSER_RUNS=10` and keeps the table as
//! `<target>/bench/browser.md`. Times are never asserted: the machine is shared.

use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::harness::{PATIENCE, browser_test};
use crate::pages::literal;
use crate::pages::outbox::OutboxPage;
use crate::pages::school_list::{ACTIVE_SCHOOLS, RECORDS};
use crate::pages::wizard::STEP_HEADING;
use crate::sign_in_as_demo_partner;
use crate::wizards::{OAKFIELD_URN, invite};

#[path = "../benches/shared/report.rs"]
mod report;

/// Lighthouse's "Slow 4G" profile, in DevTools' units (ms, bytes per second).
const LATENCY_MS: u32 = 150;
const DOWNLOAD_BYTES_PER_SECOND: u32 = 1_600_000 / 8;
const UPLOAD_BYTES_PER_SECOND: u32 = 750_000 / 8;
const CPU_SLOWDOWN: u32 = 4;
/// Who the measured invitation goes to.
const SCHOOL_CONTACT: (&str, &str) = ("Olu Oakfield", "olu@oakfield.example");
/// How often the page is looked at while it loads: the times' resolution.
const LOOK_EVERY: Duration = Duration::from_millis(20);

#[tokio::test]
async fn a_slow_laptop_on_a_slow_network_gets_usable_pages() {
    let runs: usize = std::env::var("GATEHOUSE_BROWSER_RUNS").ok().and_then(|runs| runs.parse().ok()).unwrap_or(1);
    browser_test(move |app, browser| async move {
        // A signed-in partner and an invitation it sent, both unthrottled.
        sign_in_as_demo_partner(&app, &browser).await;
        invite(&browser, "Oakfield", OAKFIELD_URN, SCHOOL_CONTACT).await;
        let outbox = OutboxPage::open(&browser, &app.url("/dev/outbox")).await;
        let invitation = outbox.follow_newest_authorisation_link(SCHOOL_CONTACT.1).await;

        throttle(&browser).await;
        let schools_usable = format!("{RECORDS}[starts-with(normalize-space(), 'Records ')]");
        let step_one = format!("{STEP_HEADING}[starts-with(normalize-space(), {})]", literal("Step 1 of 7"));
        let mut active_schools = Vec::new();
        let mut wizard = Vec::new();
        for _ in 0..runs {
            active_schools.push(time_until_shown(&browser, &app.url("/schools"), &schools_usable).await);
            wizard.push(time_until_shown(&browser, &invitation, &step_one).await);
        }
        let table = format!(
            "Chromium, CPU slowed {CPU_SLOWDOWN}×, network {LATENCY_MS} ms / {} kbit/s down / {} kbit/s up, \
             empty cache, {runs} visits each: from asking for the address to a usable page\n\n\
             | Page | p50 | slowest |\n|---|---:|---:|\n{}\n{}\n",
            DOWNLOAD_BYTES_PER_SECOND * 8 / 1000,
            UPLOAD_BYTES_PER_SECOND * 8 / 1000,
            row(&format!("{ACTIVE_SCHOOLS} (partner portal), first page of rows"), &mut active_schools),
            row("Authorise wizard from the invitation link, step 1", &mut wizard),
        );
        report::print_and_keep("browser", &table).expect("keeping the browser table");
        let summary = |page: &str, times: &[Duration]| {
            let now = format!("p50 {} ms over {runs} visits", times[times.len() / 2].as_millis());
            [format!("Slow laptop (CPU 4×, Slow 4G): {page}"), "never measured".to_owned(), now, "measured".to_owned()]
        };
        let rows = [
            summary("first usable Active Schools page", &active_schools),
            summary("first usable authorise-wizard step", &wizard),
        ];
        report::keep_summary("browser", &rows).expect("keeping the summary");
    })
    .await;
}

/// Empties the cache, asks for `url` and looks every [`LOOK_EVERY`] until `xpath` matches.
async fn time_until_shown(browser: &Client, url: &str, xpath: &str) -> Duration {
    devtools(browser, "Network.clearBrowserCache", json!({})).await;
    // Leave the page first, so nothing of the last visit can match.
    browser.goto("about:blank").await.expect("a blank page");
    let started = Instant::now();
    browser.goto(url).await.unwrap_or_else(|error| panic!("opening {url}: {error}"));
    loop {
        if !browser.find_all(Locator::XPath(xpath)).await.expect("looking at the page").is_empty() {
            return started.elapsed();
        }
        assert!(started.elapsed() < PATIENCE, "{url} was not usable within {PATIENCE:?} under the throttle");
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// A table row: the median and the slowest of `times`.
fn row(page: &str, times: &mut [Duration]) -> String {
    times.sort();
    let millis = |time: &Duration| format!("{} ms", time.as_millis());
    format!("| {page} | {} | {} |", millis(&times[times.len() / 2]), millis(&times[times.len() - 1]))
}

/// Slows the browser's CPU and shapes its network for every page it opens from now on.
async fn throttle(browser: &Client) {
    devtools(browser, "Network.enable", json!({})).await;
    let network = json!({
        "offline": false,
        "latency": LATENCY_MS,
        "downloadThroughput": DOWNLOAD_BYTES_PER_SECOND,
        "uploadThroughput": UPLOAD_BYTES_PER_SECOND,
    });
    devtools(browser, "Network.emulateNetworkConditions", network).await;
    devtools(browser, "Emulation.setCPUThrottlingRate", json!({ "rate": CPU_SLOWDOWN })).await;
}

/// Runs a DevTools protocol command through chromedriver's `goog/cdp/execute`.
async fn devtools(browser: &Client, command: &'static str, params: Value) {
    let sent = DevTools { command, params };
    browser.issue_cmd(sent).await.unwrap_or_else(|error: CmdError| panic!("DevTools {command}: {error}"));
}

#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.command, "params": self.params }).to_string()))
    }
}
