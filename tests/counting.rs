//! A `Table` that counts calls per method, for the benchmarks: the embedded
//! store has no request counter of its own, and DynamoDB's total is broken
//! down by kind of call.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gatehouse_core::ports::{Condition, Item, Query, QueryPage, StoreError, Table, TransactWrite};

// The port is declared with `async_trait`; this impl spells out the same
// signatures by hand (boxed `Send` futures) and forwards each call.

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Default)]
struct Calls {
    get: AtomicU64,
    put: AtomicU64,
    delete: AtomicU64,
    transact: AtomicU64,
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

pub struct Counting {
    inner: Arc<dyn Table>,
    calls: Calls,
}

impl Counting {
    pub fn new(inner: Arc<dyn Table>) -> Self {
        Counting { inner, calls: Calls::default() }
    }

    pub fn counts(&self) -> CallCounts {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let c = &self.calls;
        CallCounts {
            get: load(&c.get),
            query: load(&c.query),
            other: load(&c.put) + load(&c.delete) + load(&c.transact) + load(&c.add),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Table for Counting {
    fn get<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        pk: &'life1 str,
        sk: &'life2 str,
    ) -> Boxed<'async_trait, Result<Option<Item>, StoreError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        bump(&self.calls.get);
        self.inner.get(pk, sk)
    }

    fn put<'life0, 'async_trait>(
        &'life0 self,
        item: Item,
        condition: Condition,
    ) -> Boxed<'async_trait, Result<(), StoreError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        bump(&self.calls.put);
        self.inner.put(item, condition)
    }

    fn delete<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        pk: &'life1 str,
        sk: &'life2 str,
        condition: Condition,
    ) -> Boxed<'async_trait, Result<Option<Item>, StoreError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        bump(&self.calls.delete);
        self.inner.delete(pk, sk, condition)
    }

    fn transact<'life0, 'async_trait>(
        &'life0 self,
        writes: Vec<TransactWrite>,
    ) -> Boxed<'async_trait, Result<(), StoreError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        bump(&self.calls.transact);
        self.inner.transact(writes)
    }

    fn add<'life0, 'life1, 'life2, 'life3, 'async_trait>(
        &'life0 self,
        pk: &'life1 str,
        sk: &'life2 str,
        counter: &'life3 str,
        delta: i64,
        expires_at: Option<i64>,
    ) -> Boxed<'async_trait, Result<i64, StoreError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        'life3: 'async_trait,
        Self: 'async_trait,
    {
        bump(&self.calls.add);
        self.inner.add(pk, sk, counter, delta, expires_at)
    }

    fn query<'life0, 'async_trait>(&'life0 self, query: Query) -> Boxed<'async_trait, Result<QueryPage, StoreError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        bump(&self.calls.query);
        self.inner.query(query)
    }
}
