//! In-memory ports for tests: a `Table` that answers every call as the redb
//! store and DynamoDB do (`tests/contract` runs its suite over all three),
//! and a mailer and bus that record what they are given. Compiled only for
//! tests and the `memory` feature, so it never ships in a Lambda.
//!
//! The table is one `BTreeMap` behind a `Mutex`. Each call holds the lock
//! from its condition to its write, so a condition is never checked against
//! a state another writer is about to change. The GSI1 index is not kept: a
//! GSI1 query sorts the partition's items by `(gsi1sk, pk, sk)` when asked,
//! which is cheap at test sizes and cannot drift from the items.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};

use anyhow::anyhow;
use async_trait::async_trait;
use serde_json::{Map, Value};

use super::events::{DomainEvent, EventBus};
use super::mailer::{Email, Mailer};
use super::table::{
    Condition, Cursor, Increment, Index, Item, Query, QueryPage, RESERVED_ATTRIBUTES, StoreError, Table, TransactWrite,
};

/// DynamoDB's limit on writes per `TransactWriteItems`.
const MAX_TRANSACTION_WRITES: usize = 100;

/// Items by `(pk, sk)`; `String` orders by bytes, as DynamoDB orders keys.
type Items = BTreeMap<(String, String), Item>;

/// A `Table` in memory, empty when made.
#[derive(Debug, Default)]
pub struct MemoryTable {
    items: Mutex<Items>,
}

impl MemoryTable {
    pub fn new() -> Self {
        MemoryTable::default()
    }

    /// Every item, in key order: for tests that compare the whole store
    /// before and after an operation.
    pub fn dump(&self) -> Vec<Item> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, Items> {
        lock(&self.items)
    }
}

/// A test that panicked while holding a lock left the data whole (every
/// write is one insert, remove or push), so later readers may still use it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn refused(reason: String) -> StoreError {
    StoreError::Unavailable(anyhow!(reason))
}

fn key_of(pk: &str, sk: &str) -> (String, String) {
    (pk.to_owned(), sk.to_owned())
}

/// A reserved name would overwrite a key attribute in DynamoDB.
fn refuse_reserved(name: &str) -> Result<(), StoreError> {
    if RESERVED_ATTRIBUTES.contains(&name) {
        return Err(refused(format!("attribute name {name} is reserved")));
    }
    Ok(())
}

fn refuse_reserved_attributes(item: &Item) -> Result<(), StoreError> {
    item.attributes.keys().try_for_each(|name| refuse_reserved(name))
}

fn condition_holds(condition: Condition, stored: Option<&Item>) -> bool {
    match (condition, stored) {
        (Condition::Always, _) => true,
        (Condition::NotExists, stored) => stored.is_none(),
        (Condition::Exists, stored) => stored.is_some(),
        // A missing item has no version to match, not version 0.
        (Condition::VersionIs(version), Some(item)) => item.version == version,
        (Condition::VersionIs(_), None) => false,
    }
}

fn require(condition: Condition, stored: Option<&Item>, index: Option<usize>) -> Result<(), StoreError> {
    if condition_holds(condition, stored) { Ok(()) } else { Err(StoreError::ConditionFailed { index }) }
}

/// The item a transaction write touches, and the condition on it.
fn target(write: &TransactWrite) -> ((String, String), Condition) {
    match write {
        TransactWrite::Put { item, condition } => (key_of(&item.pk, &item.sk), *condition),
        TransactWrite::Delete { pk, sk, condition } | TransactWrite::Check { pk, sk, condition } => {
            (key_of(pk, sk), *condition)
        }
    }
}

/// What DynamoDB rejects as an invalid request before reading any item.
fn refuse_invalid_transaction(writes: &[TransactWrite]) -> Result<(), StoreError> {
    if writes.len() > MAX_TRANSACTION_WRITES {
        return Err(refused(format!("a transaction holds at most {MAX_TRANSACTION_WRITES} writes")));
    }
    let mut seen = std::collections::BTreeSet::new();
    for write in writes {
        if !seen.insert(target(write).0) {
            return Err(refused("a transaction cannot include two writes to one item".into()));
        }
        if let TransactWrite::Put { item, .. } = write {
            refuse_reserved_attributes(item)?;
        }
    }
    Ok(())
}

/// The partition's items in the query's key order, each with the sort key
/// the prefix and cursor apply to.
fn in_key_order<'a>(items: &'a Items, query: &Query) -> Result<Vec<(&'a str, &'a Item)>, StoreError> {
    let partition = query.partition.as_str();
    match query.index {
        Index::Primary => {
            let start = match &query.after {
                Some(cursor) => Bound::Excluded(key_of(partition, &cursor.sk)),
                None => Bound::Included(key_of(partition, "")),
            };
            Ok(items
                .range((start, Bound::Unbounded))
                .take_while(|((pk, _), _)| pk == partition)
                .map(|((_, sk), item)| (sk.as_str(), item))
                .collect())
        }
        Index::Gsi1 => {
            let after = match &query.after {
                Some(Cursor { pk, sk, gsi1: Some((_, gsk)) }) => Some((gsk.as_str(), pk.as_str(), sk.as_str())),
                Some(Cursor { gsi1: None, .. }) => return Err(refused("a GSI1 cursor needs the index key".into())),
                None => None,
            };
            let mut indexed: Vec<(&str, &str, &str, &Item)> = items
                .values()
                .filter_map(|item| match &item.gsi1 {
                    Some((gpk, gsk)) if gpk == partition => {
                        Some((gsk.as_str(), item.pk.as_str(), item.sk.as_str(), item))
                    }
                    _ => None,
                })
                .collect();
            // Ties in the index key fall back to the primary key, as in DynamoDB.
            indexed.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            Ok(indexed
                .into_iter()
                .filter(|(gsk, pk, sk, _)| after.is_none_or(|after| (*gsk, *pk, *sk) > after))
                .map(|(gsk, _, _, item)| (gsk, item))
                .collect())
        }
    }
}

fn query_page(items: &Items, query: &Query) -> Result<QueryPage, StoreError> {
    // DynamoDB rejects `Limit: 0`; an empty page with a cursor would send
    // `query_all` round forever.
    if query.limit == Some(0) {
        return Err(refused("a query limit must be at least 1".into()));
    }
    let prefix = query.sort_prefix.as_deref().unwrap_or("");
    let limit = query.limit.map_or(usize::MAX, |limit| limit as usize);
    let page: Vec<Item> = in_key_order(items, query)?
        .into_iter()
        .filter(|(sort, _)| sort.starts_with(prefix))
        .take(limit)
        .map(|(_, item)| item.clone())
        .collect();
    // A page that stops at its limit carries a cursor even when nothing
    // follows, as DynamoDB's does: `next` never means "more exist".
    let next = match page.last() {
        Some(last) if page.len() == limit => Some(Cursor {
            pk: last.pk.clone(),
            sk: last.sk.clone(),
            gsi1: if query.index == Index::Gsi1 { last.gsi1.clone() } else { None },
        }),
        _ => None,
    };
    Ok(QueryPage { items: page, next })
}

#[async_trait]
impl Table for MemoryTable {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        Ok(self.lock().get(&key_of(pk, sk)).cloned())
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        refuse_reserved_attributes(&item)?;
        let mut items = self.lock();
        let key = key_of(&item.pk, &item.sk);
        require(condition, items.get(&key), None)?;
        items.insert(key, item);
        Ok(())
    }

    async fn put_all(&self, batch: Vec<Item>) -> Result<(), StoreError> {
        super::refuse_repeated_keys(&batch)?;
        batch.iter().try_for_each(refuse_reserved_attributes)?;
        let mut items = self.lock();
        for item in batch {
            items.insert(key_of(&item.pk, &item.sk), item);
        }
        Ok(())
    }

    async fn delete_all(&self, keys: Vec<(String, String)>) -> Result<(), StoreError> {
        let mut items = self.lock();
        for key in keys {
            items.remove(&key);
        }
        Ok(())
    }

    async fn delete(&self, pk: &str, sk: &str, condition: Condition) -> Result<Option<Item>, StoreError> {
        let mut items = self.lock();
        let key = key_of(pk, sk);
        require(condition, items.get(&key), None)?;
        Ok(items.remove(&key))
    }

    async fn transact(&self, writes: Vec<TransactWrite>) -> Result<(), StoreError> {
        refuse_invalid_transaction(&writes)?;
        let mut items = self.lock();
        // Every condition is checked before anything is written, so the
        // error names the first failing write, as DynamoDB's reasons do.
        for (index, write) in writes.iter().enumerate() {
            let (key, condition) = target(write);
            require(condition, items.get(&key), Some(index))?;
        }
        for write in writes {
            match write {
                TransactWrite::Put { item, .. } => {
                    items.insert(key_of(&item.pk, &item.sk), item);
                }
                TransactWrite::Delete { pk, sk, .. } => {
                    items.remove(&key_of(&pk, &sk));
                }
                TransactWrite::Check { .. } => {}
            }
        }
        Ok(())
    }

    async fn add(&self, increment: Increment<'_>) -> Result<i64, StoreError> {
        let Increment { pk, sk, counter, delta, expires_at } = increment;
        refuse_reserved(counter)?;
        let mut items = self.lock();
        // Like `ADD` with `SET expires_at = if_not_exists(...)`: an existing
        // item keeps its expiry, version and every other attribute.
        let item = items.entry(key_of(pk, sk)).or_insert_with(|| Item {
            pk: pk.to_owned(),
            sk: sk.to_owned(),
            gsi1: None,
            expires_at,
            version: 0,
            attributes: Map::new(),
        });
        let current = match item.attributes.get(counter) {
            None => 0,
            Some(value) => value.as_i64().ok_or_else(|| refused(format!("attribute {counter} is not an integer")))?,
        };
        let total = current.checked_add(delta).ok_or_else(|| refused(format!("attribute {counter} would overflow")))?;
        item.expires_at = item.expires_at.or(expires_at);
        item.attributes.insert(counter.to_owned(), Value::from(total));
        Ok(total)
    }

    async fn query(&self, query: Query) -> Result<QueryPage, StoreError> {
        query_page(&self.lock(), &query)
    }
}

/// A mailer or bus that keeps what it is given, in order: `Recorder<Email>`
/// is a `Mailer`, `Recorder<DomainEvent>` an `EventBus`.
#[derive(Debug)]
pub struct Recorder<T> {
    recorded: Mutex<Vec<T>>,
}

pub type RecordingMailer = Recorder<Email>;
pub type RecordingBus = Recorder<DomainEvent>;

impl<T> Default for Recorder<T> {
    fn default() -> Self {
        Recorder { recorded: Mutex::new(Vec::new()) }
    }
}

impl<T: Clone> Recorder<T> {
    /// Everything sent or published so far, oldest first.
    pub fn recorded(&self) -> Vec<T> {
        lock(&self.recorded).clone()
    }

    fn record(&self, message: T) {
        lock(&self.recorded).push(message);
    }
}

#[async_trait]
impl Mailer for Recorder<Email> {
    async fn send(&self, email: Email) -> Result<(), anyhow::Error> {
        self.record(email);
        Ok(())
    }
}

#[async_trait]
impl EventBus for Recorder<DomainEvent> {
    async fn publish(&self, event: DomainEvent) -> Result<(), anyhow::Error> {
        self.record(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DynamoDB's cursor comes with every page stopped by `Limit`, even at
    /// the partition's end (moto's does not, so the contract cannot pin it).
    #[tokio::test]
    async fn a_page_stopped_by_its_limit_has_a_cursor_even_at_the_end() {
        let table = MemoryTable::new();
        table.add(Increment { pk: "P", sk: "only", counter: "count", delta: 1, expires_at: None }).await.unwrap();
        let one = Query { limit: Some(1), ..Query::partition(Index::Primary, "P") };
        let page = table.query(one).await.unwrap();
        assert_eq!(page.next.map(|cursor| cursor.sk), Some("only".to_owned()));
    }

    #[tokio::test]
    async fn a_zero_limit_and_an_index_cursor_without_its_key_are_refused() {
        let table = MemoryTable::new();
        let mut zero = Query::partition(Index::Primary, "P");
        zero.limit = Some(0);
        assert!(matches!(table.query(zero).await, Err(StoreError::Unavailable(_))));

        let mut keyless = Query::partition(Index::Gsi1, "G");
        keyless.after = Some(Cursor { pk: "P".into(), sk: "a".into(), gsi1: None });
        assert!(matches!(table.query(keyless).await, Err(StoreError::Unavailable(_))));
    }
}
