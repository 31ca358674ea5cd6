//! A `Table` that shows each call to a [`Watcher`] before passing it on: the benchmarks count
//! calls with one (`counting.rs`), the fault-injection tests fail a chosen call with another
//! (`faults/rig.rs`).

use std::sync::Arc;

use gatehouse_core::ports::{Condition, Increment, Item, Query, QueryPage, StoreError, Table, TransactWrite};

/// One call of the `Table` port, as a [`Watcher`] sees it before it is made.
#[derive(Debug, Clone, Copy)]
pub enum TableCall<'a> {
    Get { pk: &'a str, sk: &'a str },
    Put { item: &'a Item },
    Delete { pk: &'a str, sk: &'a str },
    Transact { writes: &'a [TransactWrite] },
    PutAll { items: &'a [Item] },
    Add { pk: &'a str, sk: &'a str },
    Query { query: &'a Query },
}

impl TableCall<'_> {
    /// The keys of the items the call writes, deletes or counts (none for a read or a check).
    pub fn written(&self) -> Vec<(&str, &str)> {
        match *self {
            TableCall::Put { item } => vec![(item.pk.as_str(), item.sk.as_str())],
            TableCall::Delete { pk, sk } | TableCall::Add { pk, sk } => vec![(pk, sk)],
            TableCall::Transact { writes } => writes
                .iter()
                .filter_map(|write| match write {
                    TransactWrite::Put { item, .. } => Some((item.pk.as_str(), item.sk.as_str())),
                    TransactWrite::Delete { pk, sk, .. } => Some((pk.as_str(), sk.as_str())),
                    TransactWrite::Check { .. } => None,
                })
                .collect(),
            TableCall::PutAll { items } => items.iter().map(|item| (item.pk.as_str(), item.sk.as_str())).collect(),
            TableCall::Get { .. } | TableCall::Query { .. } => Vec::new(),
        }
    }
}

/// What a [`Watched`] table asks before each call.
pub trait Watcher: Send + Sync {
    /// Sees `call` as it is made: the table to pass it on to, or the error that fails it (a
    /// failed call does nothing).
    fn watch(&self, call: TableCall<'_>) -> Result<Arc<dyn Table>, StoreError>;
}

/// A watcher shared with whoever reads what it saw.
impl<W: Watcher + ?Sized> Watcher for Arc<W> {
    fn watch(&self, call: TableCall<'_>) -> Result<Arc<dyn Table>, StoreError> {
        (**self).watch(call)
    }
}

/// A table whose every call `W` sees first, then passes on to the table `W` names.
pub struct Watched<W>(pub W);

#[async_trait::async_trait]
impl<W: Watcher> Table for Watched<W> {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        self.0.watch(TableCall::Get { pk, sk })?.get(pk, sk).await
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        let table = self.0.watch(TableCall::Put { item: &item })?;
        table.put(item, condition).await
    }

    async fn delete(&self, pk: &str, sk: &str, condition: Condition) -> Result<Option<Item>, StoreError> {
        self.0.watch(TableCall::Delete { pk, sk })?.delete(pk, sk, condition).await
    }

    async fn transact(&self, writes: Vec<TransactWrite>) -> Result<(), StoreError> {
        let table = self.0.watch(TableCall::Transact { writes: &writes })?;
        table.transact(writes).await
    }

    async fn put_all(&self, items: Vec<Item>) -> Result<(), StoreError> {
        let table = self.0.watch(TableCall::PutAll { items: &items })?;
        table.put_all(items).await
    }

    async fn add(&self, increment: Increment<'_>) -> Result<i64, StoreError> {
        self.0.watch(TableCall::Add { pk: increment.pk, sk: increment.sk })?.add(increment).await
    }

    async fn query(&self, query: Query) -> Result<QueryPage, StoreError> {
        let table = self.0.watch(TableCall::Query { query: &query })?;
        table.query(query).await
    }
}
