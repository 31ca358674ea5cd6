//! The production `Table`: one DynamoDB table, translated call for call.
//!
//! Item layout: `pk`, `sk`; `gsi1pk`, `gsi1sk` only when the item takes part
//! in a GSI1 pattern (so the index `GSI1` stays sparse); `expires_at` (the
//! table's TTL attribute, epoch seconds); `version`; then the item's own
//! attributes at top level. `infra/template.yaml` declares the same shape.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, anyhow};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, DeleteRequest, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, PutRequest, ReturnValue, ScalarAttributeType,
    TimeToLiveSpecification, TransactWriteItem, WriteRequest,
};
use gatehouse_core::ports::table::RESERVED_ATTRIBUTES;
use gatehouse_core::ports::{
    Condition, Cursor, Increment, Index, Item, Query, QueryPage, StoreError, Table, TransactWrite,
};
use serde_json::{Map, Value};

/// The global secondary index every GSI1 pattern in `core::keys` runs on.
pub const GSI1_NAME: &str = "GSI1";
/// The attribute DynamoDB's TTL reads.
pub const TTL_ATTRIBUTE: &str = "expires_at";

type Attributes = HashMap<String, AttributeValue>;

/// A `Table` over one DynamoDB table.
pub struct DynamoTable {
    client: Client,
    table_name: String,
    requests: AtomicU64,
    /// Read units consumed, in halves (an eventually consistent 4 KB is one).
    read_halves: AtomicU64,
    write_units: AtomicU64,
}

impl DynamoTable {
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        DynamoTable {
            client,
            table_name: table_name.into(),
            requests: AtomicU64::new(0),
            read_halves: AtomicU64::new(0),
            write_units: AtomicU64::new(0),
        }
    }

    /// DynamoDB requests sent so far, one per operation call (the SDK's own
    /// retries are not counted). Tests pin the cost of each product operation
    /// with it, since requests are what a pay-per-request table bills.
    pub fn requests_made(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Read capacity units consumed so far by gets and queries, worked out
    /// from the items returned by DynamoDB's rules (moto reports none): the
    /// bytes of a GetItem's item, or of all a Query page's items together,
    /// rounded up to 4 KB, one unit each (half for an eventually
    /// consistent read), and never less than one such unit a request.
    pub fn read_units_consumed(&self) -> f64 {
        self.read_halves.load(Ordering::Relaxed) as f64 / 2.0
    }

    /// Write capacity units consumed so far, worked out the same way: each
    /// item written, 1 KB a unit, once more when it is in GSI1, twice inside a
    /// transaction. Where DynamoDB bills a size the adapter does not see (a
    /// counter's whole item, a transaction's delete or check), one unit.
    pub fn write_units_consumed(&self) -> u64 {
        self.write_units.load(Ordering::Relaxed)
    }

    fn count_write(&self, attributes: Option<&Attributes>, transactional: bool) {
        let units = attributes.map_or(1, |attributes| {
            let blocks = item_size(attributes).div_ceil(WRITE_UNIT_BYTES).max(1) as u64;
            if attributes.contains_key("gsi1pk") { blocks * 2 } else { blocks }
        });
        self.write_units.fetch_add(if transactional { units * 2 } else { units }, Ordering::Relaxed);
    }

    fn count_read(&self, bytes: usize, consistent: bool) {
        let blocks = bytes.div_ceil(READ_UNIT_BYTES).max(1) as u64;
        self.read_halves.fetch_add(if consistent { blocks * 2 } else { blocks }, Ordering::Relaxed);
    }
}

/// What one read capacity unit reads.
const READ_UNIT_BYTES: usize = 4096;
/// What one write capacity unit writes.
const WRITE_UNIT_BYTES: usize = 1024;

/// An item's size as DynamoDB bills it: each attribute's name and value.
fn item_size(attributes: &Attributes) -> usize {
    attributes.iter().map(|(name, value)| name.len() + value_size(value)).sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        // About one byte per two significant digits, and one more.
        AttributeValue::N(number) => number.trim_start_matches(['-', '0']).replace('.', "").len().div_ceil(2) + 1,
        AttributeValue::B(bytes) => bytes.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(values) => 3 + values.iter().map(|value| 1 + value_size(value)).sum::<usize>(),
        AttributeValue::M(map) => 3 + map.iter().map(|(name, value)| 1 + name.len() + value_size(value)).sum::<usize>(),
        AttributeValue::Ss(texts) => texts.iter().map(String::len).sum(),
        AttributeValue::Ns(numbers) => numbers.iter().map(|number| number.len().div_ceil(2) + 1).sum(),
        AttributeValue::Bs(blobs) => blobs.iter().map(|blob| blob.as_ref().len()).sum(),
        _ => 0,
    }
}

/// Most puts DynamoDB takes in one `BatchWriteItem`.
const BATCH_WRITES: usize = 25;
/// How often unprocessed batch writes are sent again (pauses 50 ms to 1.6 s).
const BATCH_ATTEMPTS: u32 = 5;

/// Creates the table as `infra/template.yaml` declares it: on-demand
/// billing, `pk`/`sk` strings, the sparse index `GSI1` on `gsi1pk`/`gsi1sk`
/// projecting every attribute, and TTL on `expires_at`.
pub async fn create_table(client: &Client, name: &str) -> anyhow::Result<()> {
    let string_attribute = |attribute: &str| {
        AttributeDefinition::builder().attribute_name(attribute).attribute_type(ScalarAttributeType::S).build()
    };
    let key = |attribute: &str, key_type: KeyType| {
        KeySchemaElement::builder().attribute_name(attribute).key_type(key_type).build()
    };
    let gsi1 = GlobalSecondaryIndex::builder()
        .index_name(GSI1_NAME)
        .key_schema(key("gsi1pk", KeyType::Hash)?)
        .key_schema(key("gsi1sk", KeyType::Range)?)
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()?;
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute("pk")?)
        .attribute_definitions(string_attribute("sk")?)
        .attribute_definitions(string_attribute("gsi1pk")?)
        .attribute_definitions(string_attribute("gsi1sk")?)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .global_secondary_indexes(gsi1)
        .send()
        .await
        .with_context(|| format!("creating table {name}"))?;
    // TTL can only be switched on once the table is ACTIVE.
    client
        .wait_until_table_exists()
        .table_name(name)
        .wait(Duration::from_secs(120))
        .await
        .with_context(|| format!("waiting for table {name}"))?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder().attribute_name(TTL_ATTRIBUTE).enabled(true).build()?,
        )
        .send()
        .await
        .with_context(|| format!("enabling TTL on table {name}"))?;
    Ok(())
}

fn unavailable(error: impl Into<anyhow::Error>) -> StoreError {
    StoreError::Unavailable(error.into())
}

fn key(pk: &str, sk: &str) -> Attributes {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
        ("sk".to_owned(), AttributeValue::S(sk.to_owned())),
    ])
}

/// A condition as DynamoDB expression parts. Names go through `#`
/// placeholders so no attribute can collide with a reserved word.
#[derive(Default)]
struct Guard {
    expression: Option<String>,
    names: Option<HashMap<String, String>>,
    values: Option<Attributes>,
}

fn guard(condition: Condition) -> Guard {
    let on_pk = |expression: &str| Guard {
        expression: Some(expression.to_owned()),
        names: Some(HashMap::from([("#pk".to_owned(), "pk".to_owned())])),
        values: None,
    };
    match condition {
        Condition::Always => Guard::default(),
        Condition::NotExists => on_pk("attribute_not_exists(#pk)"),
        Condition::Exists => on_pk("attribute_exists(#pk)"),
        Condition::VersionIs(version) => Guard {
            expression: Some("#version = :version".to_owned()),
            names: Some(HashMap::from([("#version".to_owned(), "version".to_owned())])),
            values: Some(HashMap::from([(":version".to_owned(), AttributeValue::N(version.to_string()))])),
        },
    }
}

/// A `ConditionCheck` must carry an expression; `Always` becomes a tautology.
fn check_guard(condition: Condition) -> Guard {
    match condition {
        Condition::Always => Guard {
            expression: Some("attribute_exists(#pk) OR attribute_not_exists(#pk)".to_owned()),
            names: Some(HashMap::from([("#pk".to_owned(), "pk".to_owned())])),
            values: None,
        },
        other => guard(other),
    }
}

fn to_attributes(item: Item) -> Result<Attributes, StoreError> {
    if let Some(name) = RESERVED_ATTRIBUTES.iter().find(|name| item.attributes.contains_key(**name)) {
        return Err(unavailable(anyhow!("attribute name {name} is reserved")));
    }
    let mut attributes: Attributes = serde_dynamo::to_item(&item.attributes).map_err(unavailable)?;
    attributes.insert("pk".into(), AttributeValue::S(item.pk));
    attributes.insert("sk".into(), AttributeValue::S(item.sk));
    if let Some((gsi1pk, gsi1sk)) = item.gsi1 {
        attributes.insert("gsi1pk".into(), AttributeValue::S(gsi1pk));
        attributes.insert("gsi1sk".into(), AttributeValue::S(gsi1sk));
    }
    if let Some(expires_at) = item.expires_at {
        attributes.insert(TTL_ATTRIBUTE.into(), AttributeValue::N(expires_at.to_string()));
    }
    attributes.insert("version".into(), AttributeValue::N(item.version.to_string()));
    Ok(attributes)
}

fn take_string(attributes: &mut Attributes, name: &str) -> Result<Option<String>, StoreError> {
    match attributes.remove(name) {
        None => Ok(None),
        Some(AttributeValue::S(value)) => Ok(Some(value)),
        Some(_) => Err(unavailable(anyhow!("attribute {name} is not a string"))),
    }
}

fn take_number<N: std::str::FromStr>(attributes: &mut Attributes, name: &str) -> Result<Option<N>, StoreError> {
    match attributes.remove(name) {
        None => Ok(None),
        Some(AttributeValue::N(value)) => {
            value.parse().map(Some).map_err(|_| unavailable(anyhow!("attribute {name} is not an integer")))
        }
        Some(_) => Err(unavailable(anyhow!("attribute {name} is not a number"))),
    }
}

fn required(value: Option<String>, name: &str) -> Result<String, StoreError> {
    value.ok_or_else(|| unavailable(anyhow!("item without {name}")))
}

fn gsi1_of(attributes: &mut Attributes) -> Result<Option<(String, String)>, StoreError> {
    match (take_string(attributes, "gsi1pk")?, take_string(attributes, "gsi1sk")?) {
        (Some(gsi1pk), Some(gsi1sk)) => Ok(Some((gsi1pk, gsi1sk))),
        (None, None) => Ok(None),
        _ => Err(unavailable(anyhow!("item with half a GSI1 key"))),
    }
}

fn from_attributes(mut attributes: Attributes) -> Result<Item, StoreError> {
    let pk = required(take_string(&mut attributes, "pk")?, "pk")?;
    let sk = required(take_string(&mut attributes, "sk")?, "sk")?;
    let gsi1 = gsi1_of(&mut attributes)?;
    let expires_at = take_number(&mut attributes, TTL_ATTRIBUTE)?;
    // An item born of `add` has no version yet.
    let version = take_number(&mut attributes, "version")?.unwrap_or(0);
    let attributes: Map<String, Value> = serde_dynamo::from_item(attributes).map_err(unavailable)?;
    Ok(Item { pk, sk, gsi1, expires_at, version, attributes })
}

fn cursor_from(mut key: Attributes) -> Result<Cursor, StoreError> {
    Ok(Cursor {
        pk: required(take_string(&mut key, "pk")?, "pk")?,
        sk: required(take_string(&mut key, "sk")?, "sk")?,
        gsi1: gsi1_of(&mut key)?,
    })
}

fn start_key(index: Index, cursor: Cursor) -> Result<Attributes, StoreError> {
    let mut start = key(&cursor.pk, &cursor.sk);
    if index == Index::Gsi1 {
        let (gsi1pk, gsi1sk) = cursor.gsi1.ok_or_else(|| unavailable(anyhow!("a GSI1 cursor needs the index key")))?;
        start.insert("gsi1pk".into(), AttributeValue::S(gsi1pk));
        start.insert("gsi1sk".into(), AttributeValue::S(gsi1sk));
    }
    Ok(start)
}

/// Builds one of the SDK's three guarded write builders (they share these
/// setters but no trait): the table, then the guard's expression, names and values.
macro_rules! guarded {
    ($builder:expr, $table_name:expr, $guard:expr) => {{
        let Guard { expression, names, values } = $guard;
        $builder
            .table_name($table_name)
            .set_condition_expression(expression)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .build()
            .map_err(unavailable)?
    }};
}

fn transact_item(table_name: &str, write: TransactWrite) -> Result<TransactWriteItem, StoreError> {
    let item = match write {
        TransactWrite::Put { item, condition } => {
            let put = guarded!(Put::builder().set_item(Some(to_attributes(item)?)), table_name, guard(condition));
            TransactWriteItem::builder().put(put)
        }
        TransactWrite::Delete { pk, sk, condition } => {
            let delete = guarded!(Delete::builder().set_key(Some(key(&pk, &sk))), table_name, guard(condition));
            TransactWriteItem::builder().delete(delete)
        }
        TransactWrite::Check { pk, sk, condition } => {
            let check =
                guarded!(ConditionCheck::builder().set_key(Some(key(&pk, &sk))), table_name, check_guard(condition));
            TransactWriteItem::builder().condition_check(check)
        }
    };
    Ok(item.build())
}

impl DynamoTable {
    /// Sends `requests` in `BatchWriteItem`s of 25; what DynamoDB leaves
    /// unprocessed (throttling) is sent again after a growing pause, a few
    /// times.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for chunk in requests.chunks(BATCH_WRITES) {
            let mut pending = chunk.to_vec();
            for attempt in 0.. {
                self.count_request();
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table_name, pending)
                    .send()
                    .await
                    .map_err(unavailable)?;
                pending =
                    output.unprocessed_items.and_then(|mut left| left.remove(&self.table_name)).unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                if attempt == BATCH_ATTEMPTS {
                    return Err(unavailable(anyhow!("{} writes still unprocessed after retries", pending.len())));
                }
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        self.count_request();
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(key(pk, sk)))
            // Sign-in links and sessions are read straight after being
            // written; an eventually consistent read could miss them.
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        self.count_read(output.item.as_ref().map_or(0, item_size), true);
        output.item.map(from_attributes).transpose()
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        let attributes = to_attributes(item)?;
        let Guard { expression, names, values } = guard(condition);
        self.count_request();
        self.count_write(Some(&attributes), false);
        let result = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(attributes))
            .set_condition_expression(expression)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(StoreError::ConditionFailed { index: None })
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn delete(&self, pk: &str, sk: &str, condition: Condition) -> Result<Option<Item>, StoreError> {
        let Guard { expression, names, values } = guard(condition);
        self.count_request();
        let result = self
            .client
            .delete_item()
            .table_name(&self.table_name)
            .set_key(Some(key(pk, sk)))
            .set_condition_expression(expression)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => {
                self.count_write(output.attributes.as_ref(), false);
                output.attributes.map(from_attributes).transpose()
            }
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(StoreError::ConditionFailed { index: None })
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn transact(&self, writes: Vec<TransactWrite>) -> Result<(), StoreError> {
        // DynamoDB rejects an empty transaction; nothing to do is success.
        if writes.is_empty() {
            return Ok(());
        }
        let items =
            writes.into_iter().map(|write| transact_item(&self.table_name, write)).collect::<Result<Vec<_>, _>>()?;
        self.count_request();
        for item in &items {
            self.count_write(item.put().map(|put| put.item()), true);
        }
        let result = self.client.transact_write_items().set_transact_items(Some(items)).send().await;
        let error = match result {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        // One reason per write, in order; "None" for writes that were fine.
        let failed = error.as_service_error().and_then(|e| match e {
            aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(
                cancelled,
            ) => cancelled.cancellation_reasons().iter().position(|reason| reason.code() == Some("ConditionalCheckFailed")),
            _ => None,
        });
        match failed {
            Some(index) => Err(StoreError::ConditionFailed { index: Some(index) }),
            None => Err(unavailable(error)),
        }
    }

    /// `BatchWriteItem`, 25 puts a request; what DynamoDB leaves unprocessed
    /// (throttling) is sent again after a growing pause, a few times.
    async fn put_all(&self, items: Vec<Item>) -> Result<(), StoreError> {
        gatehouse_core::ports::refuse_repeated_keys(&items)?;
        let mut requests = Vec::with_capacity(items.len());
        for item in items {
            let attributes = to_attributes(item)?;
            self.count_write(Some(&attributes), false);
            let put = PutRequest::builder().set_item(Some(attributes)).build().map_err(unavailable)?;
            requests.push(WriteRequest::builder().put_request(put).build());
        }
        self.batch_write(requests).await
    }

    /// `BatchWriteItem`, 25 deletes a request, unprocessed ones sent again
    /// as for `put_all` (#16).
    async fn delete_all(&self, keys: Vec<(String, String)>) -> Result<(), StoreError> {
        let mut requests = Vec::with_capacity(keys.len());
        for (pk, sk) in keys {
            self.count_write(None, false);
            let delete = DeleteRequest::builder().set_key(Some(key(&pk, &sk))).build().map_err(unavailable)?;
            requests.push(WriteRequest::builder().delete_request(delete).build());
        }
        self.batch_write(requests).await
    }

    async fn add(&self, increment: Increment<'_>) -> Result<i64, StoreError> {
        let Increment { pk, sk, counter, delta, expires_at } = increment;
        if RESERVED_ATTRIBUTES.contains(&counter) {
            return Err(unavailable(anyhow!("attribute name {counter} is reserved")));
        }
        let mut names =
            HashMap::from([("#counter".to_owned(), counter.to_owned()), ("#version".to_owned(), "version".to_owned())]);
        let mut values = HashMap::from([
            (":delta".to_owned(), AttributeValue::N(delta.to_string())),
            (":zero".to_owned(), AttributeValue::N("0".to_owned())),
        ]);
        // A new counter has version 0, as on the embedded store, so a later
        // write conditioned on the version it read can succeed.
        let mut expression = "ADD #counter :delta SET #version = if_not_exists(#version, :zero)".to_owned();
        if let Some(expires_at) = expires_at {
            // Only a new item takes the expiry: a window keeps its first one.
            expression.push_str(", #expires_at = if_not_exists(#expires_at, :expires_at)");
            names.insert("#expires_at".into(), TTL_ATTRIBUTE.into());
            values.insert(":expires_at".into(), AttributeValue::N(expires_at.to_string()));
        }
        self.count_request();
        self.count_write(None, false);
        let output = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(key(pk, sk)))
            .update_expression(expression)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(unavailable)?;
        let mut updated = output.attributes.unwrap_or_default();
        take_number(&mut updated, counter)?.ok_or_else(|| unavailable(anyhow!("ADD returned no {counter}")))
    }

    async fn query(&self, query: Query) -> Result<QueryPage, StoreError> {
        let (partition_key, sort_key, index_name) = match query.index {
            Index::Primary => ("pk", "sk", None),
            Index::Gsi1 => ("gsi1pk", "gsi1sk", Some(GSI1_NAME)),
        };
        let mut names = HashMap::from([("#partition".to_owned(), partition_key.to_owned())]);
        let mut values = HashMap::from([(":partition".to_owned(), AttributeValue::S(query.partition))]);
        let mut condition = "#partition = :partition".to_owned();
        // DynamoDB refuses an empty string in a key condition; an empty
        // prefix matches everything anyway.
        if let Some(prefix) = query.sort_prefix.filter(|prefix| !prefix.is_empty()) {
            condition.push_str(" AND begins_with(#sort, :prefix)");
            names.insert("#sort".into(), sort_key.into());
            values.insert(":prefix".into(), AttributeValue::S(prefix));
        }
        let limit = query
            .limit
            .map(|limit| i32::try_from(limit).map_err(|_| unavailable(anyhow!("query limit {limit} is too large"))))
            .transpose()?;
        let start = query.after.map(|cursor| start_key(query.index, cursor)).transpose()?;
        self.count_request();
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .set_index_name(index_name.map(str::to_owned))
            .key_condition_expression(condition)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .set_limit(limit)
            .set_exclusive_start_key(start)
            // Reads after writes must see them; GSIs only offer eventual
            // consistency, so DynamoDB refuses the flag there.
            .set_consistent_read(Some(query.index == Index::Primary))
            .send()
            .await
            .map_err(unavailable)?;
        let bytes = output.items.iter().flatten().map(item_size).sum();
        self.count_read(bytes, query.index == Index::Primary);
        let items = output.items.unwrap_or_default().into_iter().map(from_attributes).collect::<Result<_, _>>()?;
        let next = output.last_evaluated_key.map(cursor_from).transpose()?;
        Ok(QueryPage { items, next })
    }
}
