//! A `Table` that counts calls per method, for the benchmarks: the embedded
//! store has no request counter of its own, and DynamoDB's total is broken
//! down by kind of call.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gatehouse_core::ports::{StoreError, Table};

use crate::watched::{TableCall, Watched, Watcher};

#[derive(Default)]
struct Calls {
    get: AtomicU64,
    put: AtomicU64,
    delete: AtomicU64,
    transact: AtomicU64,
    put_all: AtomicU64,
    add: AtomicU64,
    query: AtomicU64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCounts {
    pub get: u64,
    pub query: u64,
    pub other: u64,
}

impl CallCounts {
    pub fn total(self) -> u64 {
        self.get + self.query + self.other
    }

    pub fn since(self, before: CallCounts) -> CallCounts {
        CallCounts { get: self.get - before.get, query: self.query - before.query, other: self.other - before.other }
    }
}

/// The table, counting as it goes.
pub type Counting = Watched<Counter>;

pub struct Counter {
    inner: Arc<dyn Table>,
    calls: Calls,
}

impl Counting {
    pub fn new(inner: Arc<dyn Table>) -> Self {
        Watched(Counter { inner, calls: Calls::default() })
    }

    pub fn counts(&self) -> CallCounts {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let c = &self.0.calls;
        CallCounts {
            get: load(&c.get),
            query: load(&c.query),
            other: load(&c.put) + load(&c.delete) + load(&c.transact) + load(&c.put_all) + load(&c.add),
        }
    }
}

impl Watcher for Counter {
    fn watch(&self, call: TableCall<'_>) -> Result<Arc<dyn Table>, StoreError> {
        let counter = match call {
            TableCall::Get { .. } => &self.calls.get,
            TableCall::Put { .. } => &self.calls.put,
            TableCall::Delete { .. } => &self.calls.delete,
            TableCall::Transact { .. } => &self.calls.transact,
            TableCall::PutAll { .. } => &self.calls.put_all,
            TableCall::Add { .. } => &self.calls.add,
            TableCall::Query { .. } => &self.calls.query,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(self.inner.clone())
    }
}
