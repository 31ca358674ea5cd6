//! The single-table port, shaped after DynamoDB so the production adapter is a
//! thin translation: items under a partition and sort key, one sparse global
//! secondary index, conditional writes, transactions, atomic counters and
//! cursor paging. No scan: every read names its partition.

use async_trait::async_trait;
use serde_json::{Map, Value};

/// Attribute names the adapters reserve; `Item::attributes` must not use them.
pub const RESERVED_ATTRIBUTES: [&str; 6] = ["pk", "sk", "gsi1pk", "gsi1sk", "expires_at", "version"];

/// One stored item. Keys come from `crate::base::keys`, nowhere else.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub pk: String,
    pub sk: String,
    /// Sparse index: only items that take part in a GSI1 pattern set this.
    pub gsi1: Option<(String, String)>,
    /// Epoch seconds after which the item is dead. DynamoDB's TTL removes it
    /// eventually; readers check it too, because "eventually" can be days.
    pub expires_at: Option<i64>,
    /// Optimistic-concurrency counter, written by the caller.
    pub version: u64,
    /// The entity's own fields, stored as top-level attributes.
    pub attributes: Map<String, Value>,
}

impl Item {
    /// The same item, dying at `at`: DynamoDB's TTL removes it, and every
    /// reader checks it.
    pub fn expiring(self, at: chrono::DateTime<chrono::Utc>) -> Item {
        Item { expires_at: Some(at.timestamp()), ..self }
    }

    pub fn is_expired_at(&self, epoch_seconds: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= epoch_seconds)
    }
}

/// A guard on a write, evaluated atomically with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Write regardless (an idempotent overwrite).
    Always,
    /// Only when no item has this key: creation.
    NotExists,
    /// Only when an item has this key: consumption, update of a known item.
    Exists,
    /// Only when the stored item's `version` equals this.
    VersionIs(u64),
}

/// Which key a query runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Primary,
    Gsi1,
}

/// Where a page stopped; pass it back to continue. Opaque to callers above the
/// domain (the API encodes it), but plain data so both adapters can build it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub pk: String,
    pub sk: String,
    pub gsi1: Option<(String, String)>,
}

/// A key-condition query: one partition, optionally a sort-key prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub index: Index,
    pub partition: String,
    pub sort_prefix: Option<String>,
    /// Most items to return in this page (DynamoDB `Limit`).
    pub limit: Option<u32>,
    pub after: Option<Cursor>,
}

impl Query {
    pub fn partition(index: Index, partition: impl Into<String>) -> Self {
        Query { index, partition: partition.into(), sort_prefix: None, limit: None, after: None }
    }

    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.sort_prefix = Some(prefix.into());
        self
    }
}

/// Items in ascending sort-key order. `next` is set when the page stopped
/// early; the following page may still turn out to be empty (as in DynamoDB).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPage {
    pub items: Vec<Item>,
    pub next: Option<Cursor>,
}

/// An atomic addition to one numeric attribute of one item (DynamoDB's
/// `UpdateItem` with `ADD`), for `Table::add`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Increment<'a> {
    pub pk: &'a str,
    pub sk: &'a str,
    /// The attribute to add to; not one of `RESERVED_ATTRIBUTES`.
    pub counter: &'a str,
    pub delta: i64,
    /// Taken only by an item the addition creates.
    pub expires_at: Option<i64>,
}

/// One write inside a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum TransactWrite {
    Put {
        item: Item,
        condition: Condition,
    },
    Delete {
        pk: String,
        sk: String,
        condition: Condition,
    },
    /// Asserts a condition on an item without writing it.
    Check {
        pk: String,
        sk: String,
        condition: Condition,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A condition did not hold. In a transaction, `index` names the write.
    #[error("condition failed")]
    ConditionFailed { index: Option<usize> },
    #[error("store unavailable")]
    Unavailable(#[source] anyhow::Error),
}

#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError>;
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError>;
    /// Deletes and returns the deleted item (`None` if there was none).
    async fn delete(&self, pk: &str, sk: &str, condition: Condition) -> Result<Option<Item>, StoreError>;
    /// All writes happen or none do; at most 100 writes.
    async fn transact(&self, writes: Vec<TransactWrite>) -> Result<(), StoreError>;
    /// Puts every item, unconditionally, in as few requests as the store
    /// allows (DynamoDB's `BatchWriteItem`: 25 a request, half the write
    /// cost of a transaction). Each item is written whole or not at all, but
    /// not all of them together: on an error some may be in. Only for items
    /// that stand on their own and whose retry writes the same (a push's
    /// person records, numbered before they are written).
    async fn put_all(&self, items: Vec<Item>) -> Result<(), StoreError>;
    /// Deletes every key, unconditionally, in as few requests as the store
    /// allows (DynamoDB's `BatchWriteItem`: 25 a request, unprocessed ones
    /// sent again). A key with no item is no error. Not all together: on an
    /// error some may be gone, so only for deletions whose retry deletes the
    /// same (the purge of a school's MIS cache, #16). The default deletes one
    /// by one, for wrappers that watch calls.
    async fn delete_all(&self, keys: Vec<(String, String)>) -> Result<(), StoreError> {
        for (pk, sk) in keys {
            self.delete(&pk, &sk, Condition::Always).await?;
        }
        Ok(())
    }
    /// Atomically adds `delta` to the numeric attribute `counter`, creating
    /// the item (with `expires_at`) if absent; returns the new value.
    async fn add(&self, increment: Increment<'_>) -> Result<i64, StoreError>;
    async fn query(&self, query: Query) -> Result<QueryPage, StoreError>;
}

/// What `Table::put_all` refuses in every store, as DynamoDB's
/// `BatchWriteItem` does: two items with one key.
pub fn refuse_repeated_keys(items: &[Item]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    match items.iter().find(|item| !seen.insert((item.pk.as_str(), item.sk.as_str()))) {
        Some(_) => Err(StoreError::Unavailable(anyhow::anyhow!("a batch cannot write one item twice"))),
        None => Ok(()),
    }
}

/// Follows `next` until the partition is exhausted. For lists the product
/// shows whole (a partner's schools fit in one 1 MB page up to ~1,300 schools).
pub async fn query_all(table: &dyn Table, mut query: Query) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    loop {
        let page = table.query(query.clone()).await?;
        items.extend(page.items);
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => return Ok(items),
        }
    }
}
