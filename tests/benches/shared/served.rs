//! The API under a benchmark: served on a free loopback port, with the two ways to count what
//! it asks of its store. Each bench adds the calls it makes in its own `impl Served`.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gatehouse_aws::{AwsPorts, DynamoTable};
use gatehouse_core::ports::{Clock, ManualClock, Table};
use gatehouse_core::{Gatehouse, Settings};
use gatehouse_local::store::RedbTable;
use gatehouse_local::{FileOutbox, InProcessBus};
use gatehouse_tests::counting::Counting;

/// Where the links a benchmark's emails hold point; nothing follows them.
pub const PUBLIC_URL: &str = "https://gatehouse.example";

/// A Gatehouse on a fresh embedded store, counting its table calls, with the outbox and event
/// bus behind it for what the sign-in consumer does.
pub struct Embedded {
    pub gatehouse: Gatehouse,
    pub counting: Arc<Counting>,
    #[allow(dead_code, reason = "not every bench signs in")]
    pub outbox: Arc<FileOutbox>,
    #[allow(dead_code, reason = "not every bench signs in")]
    pub bus: Arc<InProcessBus>,
}

impl Embedded {
    /// The store, outbox and bus in `dir`, on a clock stopped at `now`.
    pub fn open(dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Embedded> {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::at(now));
        let redb: Arc<dyn Table> = Arc::new(RedbTable::open(&dir.join("gatehouse.redb"))?);
        let counting = Arc::new(Counting::new(redb));
        let outbox = Arc::new(FileOutbox::open(&dir.join("outbox"), clock.clone())?);
        let bus = Arc::new(InProcessBus::open(dir, clock.clone())?);
        let gatehouse = Gatehouse {
            table: counting.clone(),
            mailer: outbox.clone(),
            events: bus.clone(),
            clock,
            webhooks: Arc::new(gatehouse_aws::HttpWebhookSender::for_settings(&Settings::new(PUBLIC_URL))),
            settings: Settings::new(PUBLIC_URL),
            warm: Default::default(),
        };
        Ok(Embedded { gatehouse, counting, outbox, bus })
    }
}

/// A Gatehouse on `ports` (DynamoDB, SES and EventBridge on moto) on a clock stopped at `now`,
/// counting its table calls; and the table, which counts its requests itself.
pub fn on_aws(ports: &AwsPorts, now: DateTime<Utc>) -> (Gatehouse, Arc<Counting>, Arc<DynamoTable>) {
    let dynamo = ports.table.clone();
    let counting = Arc::new(Counting::new(dynamo.clone()));
    let mut gatehouse = ports.gatehouse(Settings::new(PUBLIC_URL), Arc::new(ManualClock::at(now)));
    gatehouse.table = counting.clone();
    (gatehouse, counting, dynamo)
}

pub struct Served {
    pub url: String,
    /// What the router serves, for the work that runs beside it (a job's worker, #15).
    #[allow(dead_code, reason = "not every bench runs a job")]
    pub gatehouse: Gatehouse,
    pub counting: Arc<Counting>,
    /// DynamoDB's own count (`DynamoTable::requests_made`), when on DynamoDB.
    pub dynamo: Option<Arc<DynamoTable>>,
    pub client: reqwest::Client,
}

impl Served {
    /// Serves `gatehouse`, whose table is `counting` (over `dynamo`, when on DynamoDB).
    pub async fn new(
        gatehouse: Gatehouse,
        counting: Arc<Counting>,
        dynamo: Option<Arc<DynamoTable>>,
    ) -> anyhow::Result<Self> {
        let router = gatehouse_api::router(gatehouse.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(Served { url, gatehouse, counting, dynamo, client: reqwest::Client::new() })
    }

    /// Read and write units DynamoDB consumed so far; none on the embedded store.
    pub fn capacity_units(&self) -> Option<(f64, u64)> {
        self.dynamo.as_ref().map(|table| (table.read_units_consumed(), table.write_units_consumed()))
    }

    /// The authoritative request count: DynamoDB's where there is one, else the port calls.
    pub fn requests(&self) -> u64 {
        match &self.dynamo {
            Some(table) => table.requests_made(),
            None => self.counting.counts().total(),
        }
    }
}
