//! Benchmark, not a test: the data API (A1, A3) and the MIS agent's push (G1)
//! for a 1,500-pupil school, on the embedded store (redb) and on DynamoDB
//! (moto). Run it with `cargo xtask bench`, which installs moto and sets
//! `GATEHOUSE_MOTO_SERVER`; without moto only the embedded store is measured.
//!
//! Per store it seeds the demo data, gives demo school 3280003 (connected:
//! active, installed, feed enabled, Include All) an agent key and the demo
//! app a key, and serves the real API router. Then, through HTTP:
//! 1. the agent pushes a full extract of a synthetic 1,500-pupil school
//!    (`synthetic::school`, fixed seed): store requests and wall time;
//! 2. the app reads every page of students (a full sync), at the default page
//!    size (100) and at the largest (1,000): requests and wall time;
//! 3. the app reads the same pupils over OneRoster 1.2 (#17),
//!    `schools/{id}/students` by `Link: rel="next"` at limit 100 and 1,000:
//!    each page is built from the whole school's gated read, so this shows
//!    what a page costs against the native cursor;
//! 4. the agent pushes a delta of 10 changes (3 joiners, 5 edits, 2 leavers)
//!    and the app reads `?since=<sync token>`: requests.
//!
//! Requests are the store's: on redb, calls through the `Table` port (a
//! counting decorator); on DynamoDB, `DynamoTable::requests_made()`. Times
//! are single runs (the `cargo bench` profile), indicative only; moto is far
//! slower than DynamoDB, so its times measure moto more than the design.
//! The table is printed and written to `<target>/bench/data_api.md`.

use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use gatehouse_aws::AwsPorts;
use gatehouse_core::{AppId, Gatehouse, PartnerId, SchoolId, agent_keys, app_keys, demo, synthetic, workers};
use gatehouse_model::oneroster::ONEROSTER_BASE;
use gatehouse_model::{Extract, ExtractKind, JobKind};
use gatehouse_tests::counting::{CallCounts, Counting};
use gatehouse_tests::moto;
use serde_json::Value;

/// The demo app's connected school (as in `tests/aws_slice.rs`).
const SCHOOL: &str = "3280003";
const SEED: u64 = 1500;
const STUDENTS: u32 = 1500;

#[path = "shared/report.rs"]
mod report;
#[path = "shared/served.rs"]
mod served;

use served::{Embedded, Served, on_aws};

// `cargo bench` passes `--bench` (and any filter); this bench takes no arguments.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let today = now.date_naive();
    let full = synthetic::school(SEED, STUDENTS, today);
    let delta = ten_changes(today)?;
    let bytes = serde_json::to_vec(&full)?.len();
    eprintln!(
        "data_api: {} pupils, {} staff, {} contacts, {} groups ({:.2} MB of JSON)",
        full.students.len(),
        full.staff.len(),
        full.contacts.len(),
        full.groups.len(),
        bytes as f64 / 1_000_000.0
    );

    let mut reports = Vec::new();
    eprintln!("data_api: embedded store (redb)");
    let dir = tempfile::tempdir()?;
    let Embedded { gatehouse, counting, .. } = Embedded::open(dir.path(), now)?;
    reports.push(measure("embedded (redb)", gatehouse, counting, None, now, &full, &delta).await?);
    drop(dir);

    match report::moto_available() {
        Ok(()) => {
            eprintln!("data_api: DynamoDB on moto");
            let (config, names) = moto::fresh_resources("bench-data").await?;
            let (gatehouse, counting, dynamo) = on_aws(&AwsPorts::new(&config, &names), now);
            reports.push(measure("DynamoDB (moto)", gatehouse, counting, Some(dynamo), now, &full, &delta).await?);
        }
        Err(why) => eprintln!("data_api: moto skipped: {why}"),
    }

    report::print_and_keep("data_api", &render(&full, bytes, &delta, &reports)).context("keeping the table")?;
    report::keep_summary("data_api", &summary(&reports)).context("keeping the summary")?;
    Ok(())
}

/// The summary's row (#14's table): the store requests of each step, per store.
fn summary(reports: &[StoreReport]) -> Vec<[String; 4]> {
    reports
        .iter()
        .map(|report| {
            let steps: Vec<String> = report
                .steps
                .iter()
                .map(|step| match step.units {
                    Some((read, write)) => {
                        format!("{}: {} requests, {read:.1} RCU, {write} WCU", step.what, step.requests)
                    }
                    None => format!("{}: {} requests", step.what, step.requests),
                })
                .collect();
            [
                format!("Data API, 1,500-pupil school, {}", report.store),
                "the moto leg never finished".to_owned(),
                steps.join("; "),
                "requests and capacity units per ingest, full sync and delta".to_owned(),
            ]
        })
        .collect()
}

/// A delta of exactly 10 changes to the school: the first round of
/// `synthetic::changes` whose picks do not collide (3 joiners, 5 edits, 2 leavers).
fn ten_changes(today: NaiveDate) -> anyhow::Result<Extract> {
    for round in 1..100 {
        let delta = synthetic::changes(SEED, STUDENTS, today, round);
        if delta.kind == ExtractKind::Delta && delta.students.len() + delta.deleted.len() == 10 {
            return Ok(delta);
        }
    }
    bail!("no round of synthetic changes has exactly 10 changes")
}

// ---------------------------------------------------------------------------
// The measurements

/// One measured step: what it did, the store requests it cost, HTTP calls, wall time.
struct Step {
    what: String,
    http_calls: u32,
    requests: u64,
    breakdown: CallCounts,
    /// DynamoDB read and write units, from item sizes (moto reports none).
    units: Option<(f64, u64)>,
    wall: StdDuration,
}

struct StoreReport {
    store: &'static str,
    steps: Vec<Step>,
}

impl Served {
    async fn push(&self, agent: &str, extract: &Extract) -> anyhow::Result<Value> {
        // Accepted as a job (#15), which its worker runs here, on the same
        // counted store: the step counts the push and its job together.
        let response = self.client.post(format!("{}/api/agent/v1/extracts", self.url)).bearer_auth(agent).json(extract);
        let response = response.send().await?;
        let status = response.status();
        let accepted: Value = response.json().await?;
        if status != 202 {
            bail!("push answered {status}: {accepted}");
        }
        let detail = serde_json::json!({ "job_id": accepted["job_id"] });
        workers::run(&self.gatehouse, JobKind::PushExtract, &detail).await?;
        let status_url = accepted["status_url"].as_str().unwrap_or_default();
        let job = gatehouse_tests::jobs::finished(&self.client, &self.url, agent, status_url).await?;
        let body = job["result"]["extract"].clone();
        if body["status"] != "ok" {
            bail!("push's job ended {job}");
        }
        Ok(body)
    }

    /// Follows cursors from `first`; returns the records read, the pages and the last sync token.
    async fn read_all(&self, key: &str, first: &str) -> anyhow::Result<(usize, u32, String)> {
        let base = format!("{}/api/v1/schools/{SCHOOL}/students", self.url);
        let mut url = format!("{base}?{first}");
        let (mut records, mut pages) = (0, 0);
        loop {
            let response = self.client.get(&url).bearer_auth(key).send().await?;
            let status = response.status();
            let page: Value = response.json().await?;
            if status != 200 {
                bail!("GET {url} answered {status}: {page}");
            }
            pages += 1;
            records += page["data"].as_array().map_or(0, Vec::len);
            match page["next_cursor"].as_str() {
                // A cursor carries the position; only the page size is repeated.
                Some(cursor) if first.starts_with("limit=") => url = format!("{base}?{first}&cursor={cursor}"),
                Some(cursor) => url = format!("{base}?cursor={cursor}"),
                None => return Ok((records, pages, page["sync_token"].as_str().context("a sync token")?.to_owned())),
            }
        }
    }

    /// Reads a OneRoster collection of users from `path` (below the
    /// rostering base), following `Link: rel="next"`; the users and pages read.
    async fn read_roster(&self, key: &str, path: &str) -> anyhow::Result<(usize, u32)> {
        let mut url = format!("{}{ONEROSTER_BASE}/{path}", self.url);
        let (mut users, mut pages) = (0, 0);
        loop {
            let response = self.client.get(&url).bearer_auth(key).send().await?;
            let status = response.status();
            let links = response.headers().get("link").and_then(|links| links.to_str().ok()).map(str::to_owned);
            let page: Value = response.json().await?;
            if status != 200 {
                bail!("GET {url} answered {status}: {page}");
            }
            pages += 1;
            users += page["users"].as_array().map_or(0, Vec::len);
            // Links name the public address; the bench's server is elsewhere.
            let next = links.as_deref().and_then(|links| links.split(", ").find(|link| link.ends_with("rel=\"next\"")));
            match next.and_then(|link| Some(&link[link.find("/ims/")?..link.find('>')?])) {
                Some(next) => url = format!("{}{next}", self.url),
                None => return Ok((users, pages)),
            }
        }
    }

    /// Runs `action`, counting the store requests and time it takes.
    async fn step<T>(
        &self,
        what: String,
        action: impl Future<Output = anyhow::Result<(T, u32)>>,
    ) -> anyhow::Result<(T, Step)> {
        let (before, calls_before, units_before) = (self.requests(), self.counting.counts(), self.capacity_units());
        let started = Instant::now();
        let (output, http_calls) = action.await?;
        let wall = started.elapsed();
        let step = Step {
            what,
            http_calls,
            requests: self.requests() - before,
            breakdown: self.counting.counts().since(calls_before),
            units: self
                .capacity_units()
                .zip(units_before)
                .map(|((read, write), (read_before, write_before))| (read - read_before, write - write_before)),
            wall,
        };
        eprintln!("  {}: {} requests, {:.2} s", step.what, step.requests, step.wall.as_secs_f64());
        Ok((output, step))
    }
}

async fn measure(
    store: &'static str,
    gatehouse: Gatehouse,
    counting: Arc<Counting>,
    dynamo: Option<Arc<gatehouse_aws::DynamoTable>>,
    now: DateTime<Utc>,
    full: &Extract,
    delta: &Extract,
) -> anyhow::Result<StoreReport> {
    demo::seed(gatehouse.table.as_ref(), now).await?;
    let school = SchoolId::parse(SCHOOL)?;
    let agent = agent_keys::issue(&gatehouse, &school, "Gatehouse support").await?.secret.expose().to_owned();
    let partner = PartnerId::parse(demo::DEMO_PARTNER)?;
    let app = AppId::parse(demo::DEMO_APP)?;
    let key = app_keys::ensure_demo_key(gatehouse.table.as_ref(), &partner, &app, None, now).await?;
    let served = Served::new(gatehouse, counting, dynamo).await?;

    let mut steps = Vec::new();
    let records = full.students.len() + full.staff.len() + full.contacts.len() + full.groups.len();
    let what = format!("ingest a full extract ({records} records), one push");
    let (_, step) = served.step(what, async { Ok((served.push(&agent, full).await?, 1)) }).await?;
    steps.push(step);

    let mut token = String::new();
    for limit in [100, 1000] {
        let ((read, sync), step) = served
            .step(format!("full sync of students, limit={limit}"), async {
                let (read, pages, sync) = served.read_all(&key, &format!("limit={limit}")).await?;
                Ok(((read, sync), pages))
            })
            .await?;
        if read != full.students.len() {
            bail!("a full sync read {read} students of {}", full.students.len());
        }
        token = sync;
        steps.push(step);
    }

    for limit in [100, 1000] {
        let what = format!("OneRoster students of the school, limit={limit}");
        let (read, step) = served
            .step(what, async {
                let (read, pages) =
                    served.read_roster(&key, &format!("schools/{SCHOOL}/students?limit={limit}")).await?;
                Ok((read, pages))
            })
            .await?;
        if read != full.students.len() {
            bail!("OneRoster read {read} students of {}", full.students.len());
        }
        steps.push(step);
    }

    let what = format!("push a delta of {} changes", delta.students.len() + delta.deleted.len());
    let (_, step) = served.step(what, async { Ok((served.push(&agent, delta).await?, 1)) }).await?;
    steps.push(step);
    let ((read, _), step) = served
        .step("delta sync of students, ?since=<token>".to_owned(), async {
            let (read, pages, sync) = served.read_all(&key, &format!("since={token}")).await?;
            Ok(((read, sync), pages))
        })
        .await?;
    if read != delta.students.len() + delta.deleted.len() {
        bail!("a delta sync read {read} changes, expected {}", delta.students.len() + delta.deleted.len());
    }
    steps.push(step);
    Ok(StoreReport { store, steps })
}

// ---------------------------------------------------------------------------
// The report

fn render(full: &Extract, bytes: usize, delta: &Extract, reports: &[StoreReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Data API benchmark\n");
    let _ = writeln!(
        out,
        "A synthetic school (`synthetic::school({SEED}, {STUDENTS}, …)`): {} pupils, {} staff, {} contacts, {} \
         groups, {:.2} MB of extract JSON; the delta: {} joiners or edits and {} leavers. Everything through the \
         real API router over HTTP, `cargo bench` profile, {} CPUs, one run each. Requests are the store's: \
         on DynamoDB each request the SDK sent, so a push's records count one BatchWriteItem per 25; in \
         brackets the calls of the store port, GetItem + Query + other (writes, batches, transactions, \
         counters). Capacity units are worked out from the item sizes by DynamoDB's rules \
         (`DynamoTable::read_units_consumed`, `write_units_consumed`): moto reports none.\n",
        full.students.len(),
        full.staff.len(),
        full.contacts.len(),
        full.groups.len(),
        bytes as f64 / 1_000_000.0,
        delta.students.len(),
        delta.deleted.len(),
        std::thread::available_parallelism().map_or(1, |cpus| cpus.get()),
    );
    let _ = writeln!(out, "| Store | Step | HTTP calls | Store requests | Read units | Write units | Wall time |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|");
    for report in reports {
        for step in &report.steps {
            let b = step.breakdown;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} ({} + {} + {}) | {} | {} | {:.2} s |",
                report.store,
                step.what,
                step.http_calls,
                step.requests,
                b.get,
                b.query,
                b.other,
                step.units.map_or("—".to_owned(), |(read, _)| format!("{read:.1}")),
                step.units.map_or("—".to_owned(), |(_, write)| write.to_string()),
                step.wall.as_secs_f64(),
            );
        }
    }
    if !reports.iter().any(|report| report.store.starts_with("DynamoDB")) {
        let _ = writeln!(out, "\n- DynamoDB (moto): skipped, moto_server not found; run `cargo xtask bench`.");
    }
    out
}
