//! The ports with a fault in them: a `Table` over the embedded store, a
//! `Mailer` and an `EventBus` that count their calls and fail exactly the
//! one they are told to (then pass), and one API router serving over them.
//!
//! The store behind the table is swapped per run (a fresh copy of the
//! template), so one server serves every run of a scenario.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use anyhow::anyhow;
use chrono::{DateTime, TimeZone, Utc};
use gatehouse_core::ports::{DomainEvent, Email, EventBus, Mailer, ManualClock, StoreError, Table, TransactWrite};
use gatehouse_core::{Gatehouse, Settings};
use gatehouse_local::store::RedbTable;
use gatehouse_tests::watched::{TableCall, Watched, Watcher};

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where emailed links point: fixed, so every run renders the same mail.
pub const PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// The demo clock's moment; it never moves here, so every timestamp a run
/// writes is the same in every run.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

/// The three ports a fault can be injected into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Port {
    Table,
    Mailer,
    Bus,
}

impl Port {
    pub const ALL: [Port; 3] = [Port::Table, Port::Mailer, Port::Bus];

    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Port::Table => "store",
            Port::Mailer => "mailer",
            Port::Bus => "event bus",
        }
    }
}

/// What one run did through the ports, while armed.
#[derive(Debug, Default, Clone)]
pub struct Record {
    /// Keys of every item written, deleted or counted.
    pub written: BTreeSet<(String, String)>,
    /// Each store call, in order: what it was, for the report.
    pub table_calls: Vec<String>,
    pub emails: Vec<Email>,
    pub events: Vec<DomainEvent>,
    /// Calls per port.
    pub calls: [u64; 3],
}

#[derive(Default)]
struct State {
    fail: Option<(Port, u64)>,
    record: Record,
}

/// What the mailer or the event bus is given.
enum Sent {
    Email(Email),
    Event(DomainEvent),
}

/// The shared switchboard of the three ports.
pub struct Faults {
    store: RwLock<Option<Arc<RedbTable>>>,
    armed: AtomicBool,
    calls: [AtomicU64; 3],
    state: Mutex<State>,
}

impl Faults {
    fn new() -> Self {
        Faults {
            store: RwLock::new(None),
            armed: AtomicBool::new(false),
            calls: Default::default(),
            state: Mutex::new(State::default()),
        }
    }

    fn store(&self) -> Arc<RedbTable> {
        self.store.read().unwrap().clone().expect("a store is in use")
    }

    /// Counts a call of `port`; `Err` when it is the one to fail.
    fn call(&self, port: Port, what: impl FnOnce() -> String) -> Result<(), String> {
        if !self.armed.load(Ordering::SeqCst) {
            return Ok(());
        }
        let n = self.calls[port.index()].fetch_add(1, Ordering::SeqCst) + 1;
        let mut state = self.state.lock().unwrap();
        let what = what();
        if port == Port::Table {
            state.record.table_calls.push(what.clone());
        }
        match state.fail {
            Some((fail, at)) if fail == port && at == n => {
                Err(format!("injected {} failure at call {n}: {what}", port.name()))
            }
            _ => Ok(()),
        }
    }

    /// A call of the mailer or the bus, which keeps what it sends unless it is the one to fail.
    fn send(&self, sent: Sent) -> Boxed<'static, Result<(), anyhow::Error>> {
        let result = match &sent {
            Sent::Email(email) => {
                self.call(Port::Mailer, || format!("send to {}: {}", email.to.as_str(), email.subject))
            }
            Sent::Event(event) => self.call(Port::Bus, || format!("publish {}", event.detail_type)),
        };
        if result.is_ok() {
            let record = &mut self.state.lock().unwrap().record;
            match sent {
                Sent::Email(email) => record.emails.push(email),
                Sent::Event(event) => record.events.push(event),
            }
        }
        Box::pin(async move { result.map_err(|message| anyhow!(message)) })
    }

    fn wrote(&self, pk: &str, sk: &str) {
        if self.armed.load(Ordering::SeqCst) {
            self.state.lock().unwrap().record.written.insert((pk.to_owned(), sk.to_owned()));
        }
    }
}

/// One Gatehouse over the failing ports, served on a free loopback port.
pub struct Rig {
    pub faults: Arc<Faults>,
    pub gatehouse: Gatehouse,
    pub url: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Rig {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Rig {
    pub async fn start() -> Rig {
        let faults = Arc::new(Faults::new());
        let clock = Arc::new(ManualClock::at(now()));
        let gatehouse = Gatehouse {
            table: Arc::new(Watched(faults.clone())),
            mailer: Arc::new(FailingSender(faults.clone())),
            events: Arc::new(FailingSender(faults.clone())),
            clock,
            webhooks: Arc::new(gatehouse_aws::HttpWebhookSender::for_settings(&Settings::new(PUBLIC_URL))),
            settings: Settings::new(PUBLIC_URL),
            warm: Default::default(),
        }
        .enforcing_access();
        let router = gatehouse_api::router(gatehouse.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("the rig serves");
        });
        Rig { faults, gatehouse, url, server }
    }

    /// Serves from `path` from now on (the previous store is closed once
    /// nothing uses it).
    pub fn open(&self, path: &Path) -> Arc<RedbTable> {
        let store = Arc::new(RedbTable::open(path).expect("the store opens"));
        *self.faults.store.write().unwrap() = Some(store.clone());
        store
    }

    /// Lets go of the store, so its file can be copied or reopened.
    pub fn close(&self) {
        *self.faults.store.write().unwrap() = None;
    }

    /// Starts counting (and recording) calls; the `at`th call of `port` fails.
    pub fn arm(&self, fail: Option<(Port, u64)>) {
        for counter in &self.faults.calls {
            counter.store(0, Ordering::SeqCst);
        }
        *self.faults.state.lock().unwrap() = State { fail, record: Record::default() };
        self.faults.armed.store(true, Ordering::SeqCst);
    }

    /// Keeps counting, fails nothing more.
    pub fn stop_failing(&self) {
        self.faults.state.lock().unwrap().fail = None;
    }

    /// Stops counting; returns what the run did.
    pub fn disarm(&self) -> Record {
        self.faults.armed.store(false, Ordering::SeqCst);
        let mut record = std::mem::take(&mut self.faults.state.lock().unwrap().record);
        for port in Port::ALL {
            record.calls[port.index()] = self.faults.calls[port.index()].load(Ordering::SeqCst);
        }
        record
    }

    /// Every email sent while unarmed is kept too, for the fixtures' tokens.
    pub fn emails(&self) -> Vec<Email> {
        self.faults.state.lock().unwrap().record.emails.clone()
    }

    /// The events recorded so far, left in the record.
    pub fn events(&self) -> Vec<DomainEvent> {
        self.faults.state.lock().unwrap().record.events.clone()
    }

    /// Runs each job (#15) whose event was published so far, as its worker
    /// function would, running an attempt that failed again (Lambda's
    /// retries) until it is done or failed. A job already finished is
    /// nothing to run: its worker's redelivery does nothing.
    pub async fn run_jobs(&self) {
        for event in self.events() {
            let Some(kind) = gatehouse_core::workers::kind_of_event(&event.detail_type) else { continue };
            let mut attempts = 0;
            while let Err(error) = gatehouse_core::workers::run(&self.gatehouse, kind, &event.detail).await {
                attempts += 1;
                assert!(attempts < 5, "the {} job never finished: {error:?}", event.detail_type);
            }
        }
    }

    pub fn take_events(&self) -> Vec<DomainEvent> {
        std::mem::take(&mut self.faults.state.lock().unwrap().record.events)
    }
}

impl Record {
    pub fn calls(&self, port: Port) -> u64 {
        self.calls[port.index()]
    }
}

/// What a store call is, for the report.
fn describe(call: TableCall<'_>) -> String {
    match call {
        TableCall::Get { pk, sk } => format!("get {pk} {sk}"),
        TableCall::Put { item } => format!("put {} {}", item.pk, item.sk),
        TableCall::Delete { pk, sk } => format!("delete {pk} {sk}"),
        TableCall::Transact { writes } => {
            let keys: Vec<String> = writes
                .iter()
                .map(|write| match write {
                    TransactWrite::Put { item, .. } => format!("put {} {}", item.pk, item.sk),
                    TransactWrite::Delete { pk, sk, .. } => format!("delete {pk} {sk}"),
                    TransactWrite::Check { pk, sk, .. } => format!("check {pk} {sk}"),
                })
                .collect();
            format!("transact [{}]", keys.join(", "))
        }
        TableCall::PutAll { items } => {
            let keys: Vec<String> = items.iter().map(|item| format!("{} {}", item.pk, item.sk)).collect();
            format!("put_all [{}]", keys.join(", "))
        }
        TableCall::Add { pk, sk } => format!("add {pk} {sk}"),
        TableCall::Query { query } => {
            let prefix = query.sort_prefix.as_deref().unwrap_or("");
            format!("query {:?} {} {prefix}", query.index, query.partition)
        }
    }
}

/// The embedded store (as `Watched<Arc<Faults>>`), failing when told to. A failed call does nothing.
impl Watcher for Faults {
    fn watch(&self, call: TableCall<'_>) -> Result<Arc<dyn Table>, StoreError> {
        self.call(Port::Table, || describe(call)).map_err(|message| StoreError::Unavailable(anyhow!(message)))?;
        for (pk, sk) in call.written() {
            self.wrote(pk, sk);
        }
        Ok(self.store())
    }
}

/// The mailer and the event bus: each keeps what it is given; the failing call sends nothing.
pub struct FailingSender(Arc<Faults>);

impl Mailer for FailingSender {
    fn send<'life0, 'async_trait>(&'life0 self, email: Email) -> Boxed<'async_trait, Result<(), anyhow::Error>>
    where
        'life0: 'async_trait,
    {
        self.0.send(Sent::Email(email))
    }
}

impl EventBus for FailingSender {
    fn publish<'life0, 'async_trait>(&'life0 self, event: DomainEvent) -> Boxed<'async_trait, Result<(), anyhow::Error>>
    where
        'life0: 'async_trait,
    {
        self.0.send(Sent::Event(event))
    }
}
