//! Benchmark, not a test: the Active Schools API (`GET /api/partner/schools`)
//! at 10,000 schools for one partner's app, on the embedded store (redb) and
//! on DynamoDB (moto). Run it with `cargo xtask bench`, which installs moto
//! and sets `GATEHOUSE_MOTO_SERVER`; `cargo bench -p gatehouse-tests --bench
//! active_schools` works too once `cargo xtask test` has installed moto.
//!
//! Per store it seeds the partner, its app, a user and the school links (the
//! demo generator's shape, every link in the Active view), serves the real API
//! router, signs in through the real magic-link flow, and then times six kinds
//! of request. For each it reports the store requests one page costs, p50 and
//! p95 latency over the whole HTTP round trip, and the response size. The
//! table is printed and written to `<target>/bench/active_schools.md`.
//!
//! Knobs: `GATEHOUSE_BENCH_SCHOOLS` (10000), `GATEHOUSE_BENCH_ITERATIONS`
//! (timed requests per row on the embedded store: 30, after 3 warm-up ones)
//! and `GATEHOUSE_BENCH_MOTO_ITERATIONS` (on moto: 10, after 1 warm-up).
//! moto gets fewer because it is slow where DynamoDB is not: it serialises
//! each 1 MB Query page in Python, seconds per page, so its latencies measure
//! moto more than the design; its request counts are exact all the same.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Days, Duration, NaiveDate, TimeZone, Utc};
use gatehouse_aws::AwsPorts;
use gatehouse_core::keys::Key;
use gatehouse_core::links::link_item;
use gatehouse_core::ports::{Condition, Item, ManualClock, StoreError, Table, TransactWrite};
use gatehouse_core::records::{
    AppRecord, MemberRecord, MonthUsage, PartnerRecord, SchoolLinkRecord, UserRecord, to_attributes,
};
use gatehouse_core::team::member_items;
use gatehouse_core::{AppId, EmailAddress, PartnerId, SchoolId, Settings};
use gatehouse_model::{
    FeedStatus, GdprMode, InstallStatus, SIGN_IN_REQUESTED, SchoolStatus, SchoolView, Scope, ScopeSet, TeamRole,
};
use gatehouse_tests::counting::CallCounts;
use gatehouse_tests::moto;
use serde_json::{Value, json};

const PARTNER: &str = "bench-partner";
const APP: &str = "bench-app";
const EMAIL: &str = "bench@partner.example";
const PAGE_SIZE: u32 = 50;
/// Writes per `TransactWriteItems` when seeding redb (DynamoDB's limit).
const SEED_BATCH: usize = 100;
/// PutItem requests in flight at once when seeding moto. (moto deep-copies
/// the whole table for every `TransactWriteItems`, so batching in
/// transactions there is quadratic; and it serves one request at a time, so
/// a few in flight only keep it busy.)
const SEED_CONCURRENCY: usize = 4;
/// What the search box is given: a place name, as a user would type it.
const SEARCH: &str = "millbrook";

#[path = "shared/report.rs"]
mod report;
#[path = "shared/served.rs"]
mod served;

use gatehouse_tests::wait;
use served::{Embedded, PUBLIC_URL, Served, on_aws};

// The demo's vocabulary, so benchmark schools look like the demo's.
use gatehouse_core::demo::{AUTHORITIES, KINDS, MIS, PLACES, contact_name, contact_role};

// `cargo bench` passes `--bench` (and any filter); this bench takes no arguments.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let schools = env_number("GATEHOUSE_BENCH_SCHOOLS", 10_000)?;
    let embedded = Rounds { warm_up: 3, timed: env_number("GATEHOUSE_BENCH_ITERATIONS", 30)? as usize };
    let on_moto = Rounds { warm_up: 1, timed: env_number("GATEHOUSE_BENCH_MOTO_ITERATIONS", 10)? as usize };
    if schools == 0 || embedded.timed == 0 || on_moto.timed == 0 {
        bail!("GATEHOUSE_BENCH_SCHOOLS and the iteration counts must be at least 1");
    }
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let data = DataSet::new(schools, now);
    eprintln!(
        "active_schools: {} schools, {:.1} MB of link attributes as JSON (largest item {} bytes)",
        schools,
        data.link_json_bytes as f64 / 1_000_000.0,
        data.largest_link_json_bytes
    );

    let mut reports = Vec::new();
    eprintln!("active_schools: embedded store (redb)");
    reports.push(bench_redb(&data, now, embedded).await?);
    match report::moto_available() {
        Ok(()) => {
            eprintln!("active_schools: DynamoDB on moto");
            reports.push(bench_moto(&data, now, on_moto).await?);
        }
        Err(why) => eprintln!("active_schools: moto skipped: {why}"),
    }

    report::print_and_keep("active_schools", &render(&data, &reports)).context("keeping the table")?;
    report::keep_summary("active_schools", &summary(&data, &reports)).context("keeping the summary")?;
    Ok(())
}

/// The summary's rows (#14's table): the slowest p50 and p95 over every view, filter, sort and
/// search, and the most store requests a page took, per store.
fn summary(data: &DataSet, reports: &[StoreReport]) -> Vec<[String; 4]> {
    reports
        .iter()
        .map(|report| {
            let (cold, warm) = report.results.split_first().expect("the cold page and the timed kinds");
            let slowest = |p: f64| warm.iter().map(|result| percentile(&result.latencies_ms, p)).fold(0.0, f64::max);
            let requests = warm.iter().map(|result| result.requests).max().unwrap_or(0);
            let units = warm
                .iter()
                .filter_map(|result| result.read_units)
                .fold(None, |most: Option<f64>, units| Some(most.map_or(units, |most| most.max(units))));
            let on_dynamodb = report.store.starts_with("DynamoDB");
            let (before, target) = if on_dynamodb {
                ("9 requests, ~900 read units a click", "≤ 4 requests, ≤ 10 read units a page")
            } else {
                ("p50 136 ms, p95 150 ms", "p95 ≤ 10 ms")
            };
            let units = units.map_or(String::new(), |units| format!(", ≤ {units:.1} read units"));
            let cold_units = cold.read_units.map_or(String::new(), |units| format!(", {units:.1} read units"));
            [
                format!("Active Schools page at {} schools, {}", data.schools, report.store),
                before.to_owned(),
                format!(
                    "p50 ≤ {:.1} ms, p95 ≤ {:.1} ms; ≤ {requests} requests{units} a page (a process's first page: \
                     {:.0} ms, {} requests{cold_units})",
                    slowest(50.0),
                    slowest(95.0),
                    cold.latencies_ms[0],
                    cold.requests,
                ),
                target.to_owned(),
            ]
        })
        .collect()
}

fn env_number(name: &str, default: u32) -> anyhow::Result<u32> {
    match std::env::var(name) {
        Ok(raw) => raw.trim().parse().with_context(|| format!("{name} is not a number: {raw:?}")),
        Err(_) => Ok(default),
    }
}

// ---------------------------------------------------------------------------
// The data set

/// Every item to seed: the partner, app, user and member, then the links.
struct DataSet {
    schools: u32,
    account: Vec<Item>,
    links: Vec<Item>,
    link_json_bytes: usize,
    largest_link_json_bytes: usize,
}

impl DataSet {
    fn new(schools: u32, now: DateTime<Utc>) -> Self {
        let partner_id = PartnerId::parse(PARTNER).expect("bench id");
        let app_id = AppId::parse(APP).expect("bench id");
        let email = EmailAddress::parse(EMAIL).expect("bench email");
        let requested = gatehouse_core::demo::demo_requested_scopes();
        let mut account = vec![
            plain_item(
                &Key::Partner(&partner_id),
                &PartnerRecord { partner_id: partner_id.clone(), name: "Bench Partner Ltd".into() },
            ),
            plain_item(
                &Key::App(&partner_id, &app_id),
                &AppRecord {
                    app_id: app_id.clone(),
                    partner_id: partner_id.clone(),
                    name: "Bench Timetabler".into(),
                    requested_scopes: requested.clone(),
                    scopes_changed_at: None,
                },
            ),
        ];
        let user = UserRecord {
            email: email.clone(),
            display_name: "Bea Bench".into(),
            partner_id: partner_id.clone(),
            role: TeamRole::Admin,
        };
        let member = MemberRecord {
            email,
            display_name: user.display_name.clone(),
            role: TeamRole::Admin,
            added_at: now - Duration::days(400),
            added_by: None,
        };
        account.extend(member_items(&user, &member));
        let links: Vec<Item> =
            (0..schools).map(|n| link_item(&school(&user, &app_id, n, &requested, now), 1)).collect();
        let sizes: Vec<usize> = links
            .iter()
            .map(|item| serde_json::to_string(&item.attributes).map(|json| json.len()).unwrap_or(0))
            .collect();
        DataSet {
            schools,
            account,
            link_json_bytes: sizes.iter().sum(),
            largest_link_json_bytes: sizes.iter().copied().max().unwrap_or(0),
            links,
        }
    }

    fn items(&self) -> impl Iterator<Item = &Item> {
        self.account.iter().chain(&self.links)
    }

    fn item_count(&self) -> usize {
        self.account.len() + self.links.len()
    }
}

fn plain_item<T: serde::Serialize>(key: &Key<'_>, record: &T) -> Item {
    Item { pk: key.pk(), sk: key.sk(), gsi1: None, expires_at: None, version: 1, attributes: to_attributes(record) }
}

/// School number `n`, in the demo generator's shape (`core::demo`), but every
/// one in the Active view: each status, MIS (and none), install state, GDPR
/// mode and feed status appears, so the filters select real subsets.
fn school(partner: &UserRecord, app: &AppId, n: u32, requested: &ScopeSet, now: DateTime<Utc>) -> SchoolLinkRecord {
    let index = n as usize;
    let id = 3_280_001 + n;
    let (authority, la_code, area) = AUTHORITIES[index % AUTHORITIES.len()];
    let name = format!("{} {}", PLACES[(index * 7) % PLACES.len()], KINDS[index % KINDS.len()]);
    let today = now.date_naive();
    let days_ago = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN);
    let install_status = match n % 5 {
        0 => InstallStatus::OnboardingQueue,
        1 => InstallStatus::Booked {
            slot: format!("{}T{:02}:{:02}", today + Days::new(3 + u64::from(n % 9)), 9 + n % 7, (n % 2) * 30),
        },
        _ => InstallStatus::Installed,
    };
    let installed = install_status == InstallStatus::Installed;
    let status = if installed { SchoolStatus::ALL[(index / 5 + index) % 5] } else { SchoolStatus::NotInstalled };
    let revoking = n % 13 == 4;
    let school_id = SchoolId::parse(&id.to_string()).expect("digits");
    SchoolLinkRecord {
        urn: Some(format!("{}{:03}", la_code, 100 + n * 13 % 900)),
        local_authority: Some(authority.into()),
        postcode: Some(format!("{area}{} {}{}", 1 + n % 19, n % 10, ["AB", "DX", "HQ", "NP", "TW"][index % 5])),
        mis: (n % 11 != 3).then(|| MIS[index % MIS.len()].to_owned()),
        view: SchoolView::Active,
        status,
        authorised_on: Some(days_ago(20 + u64::from(n % 1500))),
        gdpr_mode: Some(if n.is_multiple_of(3) { GdprMode::ExcludeAll } else { GdprMode::IncludeAll }),
        feed_status: Some(if n % 4 == 1 { FeedStatus::Paused } else { FeedStatus::Enabled }),
        usage: installed.then(|| MonthUsage { month: now.format("%Y-%m").to_string(), calls: u64::from(n * 37 % 500) }),
        install_status,
        last_extract_at: installed.then(|| now - Duration::hours(i64::from(n % 97) * 26 + 1)),
        active_cases: if n % 7 == 2 { 1 + n % 2 } else { 0 },
        revoke_on: revoking.then(|| today + Days::new(14)),
        invited_on: Some(days_ago(40 + u64::from(n % 1500))),
        school_contact: Some(EmailAddress::parse(&format!("data.lead.{id}@school.example")).expect("valid address")),
        partner_contact: Some(partner.email.clone()),
        school_contact_name: Some(contact_name(index)),
        school_contact_role: Some(contact_role(n)),
        // Some granted before SEN status was requested: they need to re-authorise.
        granted_scopes: if n % 9 == 5 {
            requested.iter().copied().filter(|scope| *scope != Scope::SenStatus).collect()
        } else {
            requested.clone()
        },
        revoke_requested_by: revoking.then(|| partner.display_name.clone()),
        ..SchoolLinkRecord::new(school_id, app.clone(), partner.partner_id.clone(), name)
    }
}

/// How a store is seeded: the same items, written through the `Table` port.
#[derive(Debug, Clone, Copy)]
enum Seeding {
    /// Transactions of up to `SEED_BATCH` puts, one after another.
    Transactions,
    /// One put per item, `SEED_CONCURRENCY` in flight.
    ConcurrentPuts,
}

impl Seeding {
    fn describe(self, items: usize) -> String {
        match self {
            Seeding::Transactions => {
                format!("{} transactions of up to {SEED_BATCH} puts, one at a time", items.div_ceil(SEED_BATCH))
            }
            Seeding::ConcurrentPuts => format!("{items} puts, {SEED_CONCURRENCY} in flight"),
        }
    }
}

/// Writes every item; returns how long it took.
async fn seed(table: Arc<dyn Table>, data: &DataSet, how: Seeding) -> anyhow::Result<StdDuration> {
    let started = Instant::now();
    match how {
        Seeding::Transactions => {
            let items: Vec<&Item> = data.items().collect();
            for chunk in items.chunks(SEED_BATCH) {
                let writes = chunk
                    .iter()
                    .map(|item| TransactWrite::Put { item: (*item).clone(), condition: Condition::Always })
                    .collect();
                table.transact(writes).await.context("seeding")?;
            }
        }
        Seeding::ConcurrentPuts => {
            let mut lanes: Vec<Vec<Item>> = (0..SEED_CONCURRENCY).map(|_| Vec::new()).collect();
            for (i, item) in data.items().enumerate() {
                lanes[i % SEED_CONCURRENCY].push(item.clone());
            }
            let mut tasks = tokio::task::JoinSet::new();
            for lane in lanes {
                let table = Arc::clone(&table);
                tasks.spawn(async move {
                    for item in lane {
                        table.put(item, Condition::Always).await?;
                    }
                    Ok::<_, StoreError>(())
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.context("a seeding task panicked")?.context("seeding")?;
            }
        }
    }
    Ok(started.elapsed())
}

// ---------------------------------------------------------------------------
// The two stores

impl Served {
    async fn request_magic_link(&self) -> anyhow::Result<()> {
        let response = self
            .client
            .post(format!("{}/api/auth/magic-link", self.url))
            .json(&json!({ "email": EMAIL }))
            .send()
            .await?;
        if response.status() != 202 {
            bail!("magic link request answered {}: {}", response.status(), response.text().await?);
        }
        Ok(())
    }

    /// Exchanges the emailed token for a session; returns the `Cookie` header value.
    async fn create_session(&self, token: &str) -> anyhow::Result<String> {
        let response =
            self.client.post(format!("{}/api/auth/session", self.url)).json(&json!({ "token": token })).send().await?;
        if response.status() != 200 {
            bail!("session request answered {}: {}", response.status(), response.text().await?);
        }
        let set_cookie = response.headers().get("set-cookie").context("no Set-Cookie")?.to_str()?.to_owned();
        Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
    }
}

fn token_after(text: &str, marker: &str) -> anyhow::Result<String> {
    let start = text.find(marker).with_context(|| format!("no {marker} in the email"))? + marker.len();
    Ok(text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
}

async fn bench_redb(data: &DataSet, now: DateTime<Utc>, rounds: Rounds) -> anyhow::Result<StoreReport> {
    let dir = tempfile::tempdir()?;
    let Embedded { gatehouse, counting, outbox, bus } = Embedded::open(dir.path(), now)?;
    // redb admits one writer at a time: concurrency would only queue.
    let seeding = seed(counting.clone(), data, Seeding::Transactions).await?;
    let sender = gatehouse.clone();
    let served = Served::new(gatehouse, counting, None).await?;

    served.request_magic_link().await?;
    // The sign-in consumer's part, as the local server's runs it after the 202.
    for event in bus.recorded()?.into_iter().filter(|event| event.detail_type == SIGN_IN_REQUESTED) {
        gatehouse_core::auth::send_requested_link(&sender, &event.detail).await?;
    }
    let entry = outbox.entries()?.into_iter().find(|entry| entry.to == EMAIL).context("no sign-in email")?;
    let cookie = served.create_session(&token_after(&entry.text, "/auth#token=")?).await?;

    let results = run_queries(&served, &cookie, rounds).await?;
    drop(dir);
    Ok(StoreReport {
        store: "embedded (redb)",
        counted_as: "Table port calls (counting decorator)",
        seeding,
        rounds,
        seeded_by: Seeding::Transactions.describe(data.item_count()),
        results,
    })
}

async fn bench_moto(data: &DataSet, now: DateTime<Utc>, rounds: Rounds) -> anyhow::Result<StoreReport> {
    let (config, names) = moto::fresh_resources("bench").await?;

    let ports = AwsPorts::new(&config, &names);
    let (gatehouse, counting, dynamo) = on_aws(&ports, now);

    let seeding = seed(counting.clone(), data, Seeding::ConcurrentPuts).await?;
    let sender = ports.gatehouse(Settings::new(PUBLIC_URL), Arc::new(ManualClock::at(now)));
    moto::run_sign_in_consumer(&config, &names.event_bus, sender).await?;
    let served = Served::new(gatehouse, counting, Some(dynamo)).await?;

    served.request_magic_link().await?;
    // The link goes out after the 202, from the sign-in consumer.
    let sent = wait::until(|| async {
        let sent = moto::emails_sent_by(names.sender.as_str()).await.ok()?;
        sent.last().and_then(|message| message["body"].as_str()).map(str::to_owned)
    });
    let body = sent.await.context("no sign-in email from the bench's sender")?;
    let cookie = served.create_session(&token_after(&body, "/auth#token=")?).await?;

    let results = run_queries(&served, &cookie, rounds).await?;
    Ok(StoreReport {
        store: "DynamoDB (moto 5.2.5)",
        counted_as: "DynamoDB requests (`DynamoTable::requests_made()`)",
        seeding,
        rounds,
        seeded_by: Seeding::ConcurrentPuts.describe(data.item_count()),
        results,
    })
}

// ---------------------------------------------------------------------------
// The requests

struct QueryResult {
    kind: &'static str,
    query: String,
    total: u64,
    rows: usize,
    /// Requests per page (every timed iteration must agree) and their breakdown.
    requests: u64,
    breakdown: CallCounts,
    /// DynamoDB read units per page, worked out from item sizes (moto reports none).
    read_units: Option<f64>,
    latencies_ms: Vec<f64>,
    response_bytes: usize,
}

/// Requests per row of the table: untimed first, then timed.
#[derive(Debug, Clone, Copy)]
struct Rounds {
    warm_up: usize,
    timed: usize,
}

struct StoreReport {
    store: &'static str,
    counted_as: &'static str,
    seeding: StdDuration,
    rounds: Rounds,
    seeded_by: String,
    results: Vec<QueryResult>,
}

async fn run_queries(served: &Served, cookie: &str, rounds: Rounds) -> anyhow::Result<Vec<QueryResult>> {
    let base = format!("view=active&page_size={PAGE_SIZE}");
    // The process's first page reads the whole view; every later one only what changed.
    let (before, calls_before, units_before) =
        (served.requests(), served.counting.counts(), served.capacity_units().map(|(read, _)| read));
    let started = Instant::now();
    let (first, first_bytes) = get_json(served, cookie, &format!("{base}&page=1")).await?;
    let cold = QueryResult {
        kind: "first page, cold process",
        query: format!("{base}&page=1"),
        total: first["total"].as_u64().context("a page has a total")?,
        rows: first["items"].as_array().map_or(0, Vec::len),
        latencies_ms: vec![started.elapsed().as_secs_f64() * 1000.0],
        requests: served.requests() - before,
        breakdown: served.counting.counts().since(calls_before),
        read_units: served
            .capacity_units()
            .map(|(read, _)| read)
            .zip(units_before)
            .map(|(after, before)| after - before),
        response_bytes: first_bytes,
    };
    let total = cold.total;
    let last_page = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let kinds: Vec<(&'static str, String)> = vec![
        ("first page", format!("{base}&page=1")),
        ("middle page", format!("{base}&page={}", last_page.div_ceil(2))),
        ("last page", format!("{base}&page={last_page}")),
        ("filter status=Error", format!("{base}&page=1&status=Error")),
        ("search", format!("{base}&page=1&q={SEARCH}")),
        ("sort cache_age desc", format!("{base}&page=1&sort=cache_age&dir=desc")),
    ];
    let mut results = vec![cold];
    for (kind, query) in kinds {
        for _ in 0..rounds.warm_up {
            get_json(served, cookie, &query).await?;
        }
        let mut latencies_ms = Vec::with_capacity(rounds.timed);
        let mut seen: Option<(u64, CallCounts, usize, u64, usize, Option<f64>)> = None;
        for _ in 0..rounds.timed {
            let (before, calls_before, units_before) =
                (served.requests(), served.counting.counts(), served.capacity_units().map(|(read, _)| read));
            let started = Instant::now();
            let (page, bytes) = get_json(served, cookie, &query).await?;
            latencies_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            let requests = served.requests() - before;
            let breakdown = served.counting.counts().since(calls_before);
            let rows = page["items"].as_array().map_or(0, Vec::len);
            let page_total = page["total"].as_u64().unwrap_or(0);
            let units =
                served.capacity_units().map(|(read, _)| read).zip(units_before).map(|(after, before)| after - before);
            let this = (requests, breakdown, bytes, page_total, rows, units);
            match seen {
                Some(earlier) if earlier != this => {
                    bail!("{kind}: iterations disagree: {earlier:?} then {this:?}")
                }
                _ => seen = Some(this),
            }
        }
        let (requests, breakdown, response_bytes, total, rows, read_units) = seen.context("at least one iteration")?;
        eprintln!("  {kind}: {requests} requests, p50 {:.1} ms", percentile(&latencies_ms, 50.0));
        results.push(QueryResult {
            kind,
            query,
            total,
            rows,
            requests,
            breakdown,
            read_units,
            latencies_ms,
            response_bytes,
        });
    }
    Ok(results)
}

/// `GET /api/partner/schools?<query>`: the page and the body's size in bytes.
async fn get_json(served: &Served, cookie: &str, query: &str) -> anyhow::Result<(Value, usize)> {
    let response = served
        .client
        .get(format!("{}/api/partner/schools?{query}", served.url))
        .header("cookie", cookie)
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    if status != 200 {
        bail!("GET ?{query} answered {status}: {}", String::from_utf8_lossy(&body));
    }
    Ok((serde_json::from_slice(&body)?, body.len()))
}

/// Nearest-rank percentile.
fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

// ---------------------------------------------------------------------------
// The report

fn render(data: &DataSet, reports: &[StoreReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Active Schools benchmark\n");
    let _ = writeln!(
        out,
        "`GET /api/partner/schools`, {} schools in one app's Active view ({} items seeded, {:.1} MB of link \
         attributes as JSON, largest link {} bytes), page size {PAGE_SIZE}. Latency is the whole HTTP round trip \
         through the real API router, `cargo bench` profile, {} CPUs. Requests/page is what one page costs the \
         store, GetItem + Query (+ other) in brackets; n is the timed requests (+ warm-up).\n",
        data.schools,
        data.item_count(),
        data.link_json_bytes as f64 / 1_000_000.0,
        data.largest_link_json_bytes,
        std::thread::available_parallelism().map_or(1, |cpus| cpus.get()),
    );
    let _ = writeln!(
        out,
        "| Store | Request | Query string | Rows (matched) | Requests/page | Read units/page | p50 ms | p95 ms | Response bytes | n |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for report in reports {
        for result in &report.results {
            let b = result.breakdown;
            let breakdown = if b.other > 0 {
                format!("{} + {} + {}", b.get, b.query, b.other)
            } else {
                format!("{} + {}", b.get, b.query)
            };
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} ({}) | {} ({breakdown}) | {} | {:.1} | {:.1} | {} | {} |",
                report.store,
                result.kind,
                result.query,
                result.rows,
                result.total,
                result.requests,
                result.read_units.map_or("—".to_owned(), |units| format!("{units:.1}")),
                percentile(&result.latencies_ms, 50.0),
                percentile(&result.latencies_ms, 95.0),
                result.response_bytes,
                if result.latencies_ms.len() == 1 {
                    "1".to_owned()
                } else {
                    format!("{} (+{})", report.rounds.timed, report.rounds.warm_up)
                },
            );
        }
    }
    let _ = writeln!(out);
    for report in reports {
        let _ = writeln!(
            out,
            "- {}: seeded {} items in {:.1} s ({}); requests counted as {}.",
            report.store,
            data.item_count(),
            report.seeding.as_secs_f64(),
            report.seeded_by,
            report.counted_as,
        );
    }
    if !reports.iter().any(|report| report.store.starts_with("DynamoDB")) {
        let _ = writeln!(out, "- DynamoDB (moto): skipped, moto_server not found; run `cargo xtask bench`.");
    }
    out
}
