//! A `Table` that shows each call to a [`Watcher`] before passing it on: the benchmarks count
//! calls with one (`counting.rs`), the fault-injection tests fail a chosen call with another
//! (`faults/rig.rs`).

use std::future::Future;
use std::pin::Pin;
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

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

// The port is declared with `async_trait`, which this crate does not depend on; this impl spells
// out the same signatures by hand (boxed `Send` futures).
impl<W: Watcher> Table for Watched<W> {
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
        let table = self.0.watch(TableCall::Get { pk, sk });
        Box::pin(async move { table?.get(pk, sk).await })
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
        let table = self.0.watch(TableCall::Put { item: &item });
        Box::pin(async move { table?.put(item, condition).await })
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
        let table = self.0.watch(TableCall::Delete { pk, sk });
        Box::pin(async move { table?.delete(pk, sk, condition).await })
    }

    fn transact<'life0, 'async_trait>(
        &'life0 self,
        writes: Vec<TransactWrite>,
    ) -> Boxed<'async_trait, Result<(), StoreError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let table = self.0.watch(TableCall::Transact { writes: &writes });
        Box::pin(async move { table?.transact(writes).await })
    }

    fn put_all<'life0, 'async_trait>(&'life0 self, items: Vec<Item>) -> Boxed<'async_trait, Result<(), StoreError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let table = self.0.watch(TableCall::PutAll { items: &items });
        Box::pin(async move { table?.put_all(items).await })
    }

    fn add<'life0, 'life1, 'async_trait>(
        &'life0 self,
        increment: Increment<'life1>,
    ) -> Boxed<'async_trait, Result<i64, StoreError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        let table = self.0.watch(TableCall::Add { pk: increment.pk, sk: increment.sk });
        Box::pin(async move { table?.add(increment).await })
    }

    fn query<'life0, 'async_trait>(&'life0 self, query: Query) -> Boxed<'async_trait, Result<QueryPage, StoreError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let table = self.0.watch(TableCall::Query { query: &query });
        Box::pin(async move { table?.query(query).await })
    }
}
