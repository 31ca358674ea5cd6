//! The `Table` contract: what the domain may rely on from either store. Each
//! test runs on redb and on DynamoDB (moto); a difference is a bug in one
//! adapter, not something for callers to work around.

use std::collections::BTreeSet;
use std::fmt::Debug;

use gatehouse_core::ports::{
    Condition, Increment, Index, Item, Query, QueryPage, StoreError, Table, TransactWrite, query_all,
};
use serde_json::{Map, Value, json};

use crate::dynamo_table;

fn item(pk: &str, sk: &str) -> Item {
    Item { pk: pk.into(), sk: sk.into(), gsi1: None, expires_at: None, version: 1, attributes: Map::new() }
}

fn with(mut item: Item, attributes: Value) -> Item {
    item.attributes = attributes.as_object().expect("attributes are an object").clone();
    item
}

fn indexed(pk: &str, sk: &str, gsi1pk: &str, gsi1sk: &str) -> Item {
    Item { gsi1: Some((gsi1pk.into(), gsi1sk.into())), ..item(pk, sk) }
}

fn keys(items: &[Item]) -> Vec<(String, String)> {
    items.iter().map(|item| (item.pk.clone(), item.sk.clone())).collect()
}

fn sort_keys(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.sk.clone()).collect()
}

#[track_caller]
fn assert_condition_failed<T: Debug>(result: Result<T, StoreError>, index: Option<usize>) {
    match result {
        Err(StoreError::ConditionFailed { index: failed }) if failed == index => {}
        other => panic!("expected ConditionFailed {{ index: {index:?} }}, got {other:?}"),
    }
}

#[track_caller]
fn assert_unavailable<T: Debug>(result: Result<T, StoreError>, why: &str) {
    assert!(matches!(result, Err(StoreError::Unavailable(_))), "{why}: got {result:?}");
}

/// Reads every page of `query` with `limit`, checking the paging rules
/// on the way: a page with a cursor is full, a short page has none.
async fn pages(table: &dyn Table, mut query: Query, limit: u32) -> anyhow::Result<Vec<QueryPage>> {
    query.limit = Some(limit);
    let mut pages = Vec::new();
    loop {
        let page = table.query(query.clone()).await?;
        assert!(page.items.len() <= limit as usize, "a page holds at most `limit` items");
        if page.next.is_some() {
            assert_eq!(page.items.len(), limit as usize, "only a full page carries a cursor");
        }
        let next = page.next.clone();
        pages.push(page);
        match next {
            Some(cursor) => query.after = Some(cursor),
            None => return Ok(pages),
        }
        assert!(pages.len() <= 100, "paging does not end");
    }
}

table_test!(round_trip_keeps_every_kind_of_attribute, |table| {
    let stored = Item {
        gsi1: Some(("APP#a1#VIEW#active".into(), "Ysgol Gymraeg#s1".into())),
        expires_at: Some(1_900_000_000),
        version: 7,
        ..with(
            item("PARTNER#p1", "SCHOOL#s1"),
            json!({
                "name": "Ysgol Gymraeg Aberystwyth",
                "empty": "",
                "count": 42,
                "negative": -7,
                "ratio": 1.5,
                "active": true,
                "archived": false,
                "note": null,
                "tags": ["primary", 3, false, null, {"nested": "yes"}],
                "empty_list": [],
                "address": {"line1": "1 High St", "geo": {"lat": 51.5, "lng": -0.12}, "empty_map": {}},
                "opened_at": "2024-09-01T08:30:00+00:00",
            }),
        )
    };
    table.put(stored.clone(), Condition::Always).await?;

    assert_eq!(table.get("PARTNER#p1", "SCHOOL#s1").await?, Some(stored));
    assert_eq!(table.get("PARTNER#p1", "SCHOOL#s2").await?, None);
    assert_eq!(table.get("PARTNER#p2", "SCHOOL#s1").await?, None);
    Ok(())
});

table_test!(put_replaces_the_whole_item, |table| {
    table.put(with(indexed("P", "S", "G", "old"), json!({"kept": false, "a": 1})), Condition::Always).await?;
    let replacement = with(item("P", "S"), json!({"b": 2}));
    table.put(replacement.clone(), Condition::Always).await?;

    assert_eq!(table.get("P", "S").await?, Some(replacement));
    let index = table.query(Query::partition(Index::Gsi1, "G")).await?;
    assert!(index.items.is_empty(), "an item written without gsi1 leaves the index");
    Ok(())
});

table_test!(moving_an_index_key_moves_the_entry, |table| {
    table.put(indexed("P", "S", "G", "b"), Condition::Always).await?;
    table.put(indexed("P", "T", "G", "c"), Condition::Always).await?;
    table.put(indexed("P", "S", "G", "d"), Condition::Always).await?;
    table.put(indexed("P", "T", "H", "a"), Condition::Always).await?;

    let in_g = table.query(Query::partition(Index::Gsi1, "G")).await?;
    assert_eq!(in_g.items, vec![indexed("P", "S", "G", "d")]);
    let in_h = table.query(Query::partition(Index::Gsi1, "H")).await?;
    assert_eq!(in_h.items, vec![indexed("P", "T", "H", "a")]);
    Ok(())
});

table_test!(not_exists_refuses_a_second_create, |table| {
    let first = with(item("LOGIN#h", "LOGIN"), json!({"who": "first"}));
    table.put(first.clone(), Condition::NotExists).await?;

    let second = with(item("LOGIN#h", "LOGIN"), json!({"who": "second"}));
    assert_condition_failed(table.put(second, Condition::NotExists).await, None);
    assert_eq!(table.get("LOGIN#h", "LOGIN").await?, Some(first));
    Ok(())
});

table_test!(exists_needs_an_item, |table| {
    let update = with(item("P", "S"), json!({"state": "updated"}));
    assert_condition_failed(table.put(update.clone(), Condition::Exists).await, None);
    assert_eq!(table.get("P", "S").await?, None, "a failed write creates nothing");

    table.put(item("P", "S"), Condition::Always).await?;
    table.put(update.clone(), Condition::Exists).await?;
    assert_eq!(table.get("P", "S").await?, Some(update));
    Ok(())
});

table_test!(version_is_guards_concurrent_updates, |table| {
    let at = |version| Item { version, ..item("P", "S") };
    // A missing item has no version to match, not version 0.
    assert_condition_failed(table.put(at(1), Condition::VersionIs(0)).await, None);

    table.put(at(1), Condition::NotExists).await?;
    table.put(at(2), Condition::VersionIs(1)).await?;
    assert_condition_failed(table.put(at(2), Condition::VersionIs(1)).await, None);
    assert_eq!(table.get("P", "S").await?, Some(at(2)));
    Ok(())
});

table_test!(delete_returns_the_old_item, |table| {
    let stored = with(indexed("P", "S", "G", "g"), json!({"name": "gone"}));
    table.put(stored.clone(), Condition::Always).await?;

    assert_eq!(table.delete("P", "S", Condition::Always).await?, Some(stored));
    assert_eq!(table.get("P", "S").await?, None);
    assert!(table.query(Query::partition(Index::Gsi1, "G")).await?.items.is_empty());
    assert_eq!(table.delete("P", "S", Condition::Always).await?, None, "deleting nothing is not an error");
    Ok(())
});

table_test!(conditional_delete_keeps_the_item_when_it_fails, |table| {
    assert_condition_failed(table.delete("P", "S", Condition::Exists).await, None);

    let stored = Item { version: 3, ..item("P", "S") };
    table.put(stored.clone(), Condition::Always).await?;
    assert_condition_failed(table.delete("P", "S", Condition::VersionIs(2)).await, None);
    assert_condition_failed(table.delete("P", "S", Condition::NotExists).await, None);
    assert_eq!(table.get("P", "S").await?, Some(stored.clone()));

    assert_eq!(table.delete("P", "S", Condition::VersionIs(3)).await?, Some(stored));
    Ok(())
});

table_test!(transaction_is_all_or_nothing, |table| {
    table.put(item("P", "taken"), Condition::Always).await?;
    table.put(item("P", "doomed"), Condition::Always).await?;

    let failing = vec![
        TransactWrite::Put { item: item("P", "new"), condition: Condition::NotExists },
        TransactWrite::Put { item: item("P", "taken"), condition: Condition::NotExists },
        TransactWrite::Check { pk: "P".into(), sk: "missing".into(), condition: Condition::Exists },
        TransactWrite::Delete { pk: "P".into(), sk: "doomed".into(), condition: Condition::Exists },
    ];
    // Writes 1 and 2 both fail; the error names the first.
    assert_condition_failed(table.transact(failing).await, Some(1));
    assert_eq!(table.get("P", "new").await?, None);
    assert!(table.get("P", "doomed").await?.is_some());

    let succeeding = vec![
        TransactWrite::Put { item: item("P", "new"), condition: Condition::NotExists },
        TransactWrite::Check { pk: "P".into(), sk: "taken".into(), condition: Condition::VersionIs(1) },
        TransactWrite::Delete { pk: "P".into(), sk: "doomed".into(), condition: Condition::Exists },
    ];
    table.transact(succeeding).await?;
    let page = table.query(Query::partition(Index::Primary, "P")).await?;
    assert_eq!(sort_keys(&page.items), ["new", "taken"]);
    Ok(())
});

table_test!(transaction_reports_a_failing_check, |table| {
    table.put(Item { version: 4, ..item("P", "guard") }, Condition::Always).await?;
    let writes = vec![
        TransactWrite::Put { item: item("P", "a"), condition: Condition::Always },
        TransactWrite::Delete { pk: "P".into(), sk: "b".into(), condition: Condition::Always },
        TransactWrite::Check { pk: "P".into(), sk: "guard".into(), condition: Condition::VersionIs(3) },
    ];
    assert_condition_failed(table.transact(writes).await, Some(2));
    assert_eq!(table.get("P", "a").await?, None);
    Ok(())
});

table_test!(transaction_rejects_what_dynamodb_rejects, |table| {
    let same_item_twice = vec![
        TransactWrite::Put { item: item("P", "S"), condition: Condition::Always },
        TransactWrite::Delete { pk: "P".into(), sk: "S".into(), condition: Condition::Always },
    ];
    assert_unavailable(table.transact(same_item_twice).await, "two writes to one item");

    let too_many = (0..101)
        .map(|n| TransactWrite::Put { item: item("P", &format!("{n:03}")), condition: Condition::Always })
        .collect();
    assert_unavailable(table.transact(too_many).await, "101 writes");
    assert!(table.query(Query::partition(Index::Primary, "P")).await?.items.is_empty());
    Ok(())
});

table_test!(reserved_attribute_names_are_refused, |table| {
    for name in ["pk", "version", "expires_at", "gsi1sk"] {
        let clash = with(item("P", "S"), json!({ name: "x" }));
        assert_unavailable(table.put(clash, Condition::Always).await, name);
    }
    assert_unavailable(
        table.add(Increment { pk: "P", sk: "S", counter: "version", delta: 1, expires_at: None }).await,
        "counter named version",
    );
    assert_eq!(table.get("P", "S").await?, None);
    Ok(())
});

table_test!(add_creates_then_increments, |table| {
    let window_ends = 1_900_000_000;
    let count = |delta, expires_at| Increment { pk: "RATE#x", sk: "WINDOW#1", counter: "count", delta, expires_at };
    assert_eq!(table.add(count(1, Some(window_ends))).await?, 1);
    assert_eq!(table.add(count(4, Some(window_ends + 600))).await?, 5);
    assert_eq!(table.add(count(-2, None)).await?, 3);

    let created =
        Item { expires_at: Some(window_ends), version: 0, ..with(item("RATE#x", "WINDOW#1"), json!({"count": 3})) };
    assert_eq!(table.get("RATE#x", "WINDOW#1").await?, Some(created), "the first expiry stays");
    Ok(())
});

// A counter made by `add` reads back with version 0 on both stores, and a
// write conditioned on the version it read succeeds on both (on DynamoDB the
// item once had no `version` at all, so `VersionIs(0)` failed there only).
table_test!(a_counter_made_by_add_takes_a_versioned_write, |table| {
    table.add(Increment { pk: "SCHOOL#1", sk: "SEQ", counter: "seq", delta: 5, expires_at: None }).await?;
    let read = table.get("SCHOOL#1", "SEQ").await?.expect("the counter");
    assert_eq!(read.version, 0);
    let next = Item { version: read.version + 1, ..with(item("SCHOOL#1", "SEQ"), json!({"seq": 7})) };
    table.put(next.clone(), Condition::VersionIs(read.version)).await?;
    assert_eq!(table.get("SCHOOL#1", "SEQ").await?, Some(next));
    assert_eq!(
        table.add(Increment { pk: "SCHOOL#1", sk: "SEQ", counter: "seq", delta: 1, expires_at: None }).await?,
        8,
        "add keeps counting a versioned item"
    );
    Ok(())
});

table_test!(add_keeps_the_other_attributes, |table| {
    let stored = with(indexed("P", "S", "G", "g"), json!({"name": "kept", "hits": 10}));
    table.put(stored.clone(), Condition::Always).await?;

    assert_eq!(
        table.add(Increment { pk: "P", sk: "S", counter: "hits", delta: 1, expires_at: Some(1_900_000_000) }).await?,
        11
    );
    let expected = Item { expires_at: Some(1_900_000_000), ..with(stored, json!({"name": "kept", "hits": 11})) };
    assert_eq!(table.get("P", "S").await?, Some(expected));
    Ok(())
});

table_test!(concurrent_adds_each_see_their_own_total, |table| {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let table = table.clone();
        tasks.spawn(async move {
            table
                .add(Increment {
                    pk: "RATE#y",
                    sk: "WINDOW#1",
                    counter: "count",
                    delta: 1,
                    expires_at: Some(1_900_000_000),
                })
                .await
        });
    }
    let mut totals = BTreeSet::new();
    while let Some(joined) = tasks.join_next().await {
        totals.insert(joined??);
    }

    assert_eq!(totals, (1..=20).collect::<BTreeSet<i64>>(), "no two adds saw the same total");
    let stored = table.get("RATE#y", "WINDOW#1").await?.expect("created by add");
    assert_eq!(stored.attributes["count"], json!(20));
    Ok(())
});

table_test!(query_orders_sort_keys_by_bytes, |table| {
    let unordered = ["b", "B", "a", "A", "1", "10", "9", "_", "~", "Z", "z", "a#2", "a#10", "é", "Ω", " "];
    for sk in unordered {
        table.put(item("P", sk), Condition::Always).await?;
    }
    table.put(item("P2", "a"), Condition::Always).await?;
    table.put(item("O", "a"), Condition::Always).await?;

    let page = table.query(Query::partition(Index::Primary, "P")).await?;
    let mut by_bytes: Vec<String> = unordered.iter().map(|sk| sk.to_string()).collect();
    by_bytes.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(sort_keys(&page.items), by_bytes);
    assert!(page.items.iter().all(|item| item.pk == "P"), "one partition only");
    assert_eq!(page.next, None);
    Ok(())
});

table_test!(query_by_sort_prefix, |table| {
    for sk in ["AP", "APP#2", "APPLE", "APP#1", "SCHOOL#1", "APP#", "app#3"] {
        table.put(item("PARTNER#p1", sk), Condition::Always).await?;
    }

    let apps = table.query(Query::partition(Index::Primary, "PARTNER#p1").with_prefix("APP#")).await?;
    assert_eq!(sort_keys(&apps.items), ["APP#", "APP#1", "APP#2"]);
    let none = table.query(Query::partition(Index::Primary, "PARTNER#p1").with_prefix("USER#")).await?;
    assert_eq!(none, QueryPage { items: vec![], next: None });
    Ok(())
});

table_test!(paging_returns_every_item_once_in_order, |table| {
    let all: Vec<String> = (0..7).map(|n| format!("SCHOOL#{n:02}")).collect();
    for sk in all.iter().rev() {
        table.put(item("P", sk), Condition::Always).await?;
    }
    table.put(item("P", "ZZZ"), Condition::Always).await?;

    let query = Query::partition(Index::Primary, "P").with_prefix("SCHOOL#");
    let pages = pages(table.as_ref(), query.clone(), 3).await?;
    let paged: Vec<String> = pages.iter().flat_map(|page| sort_keys(&page.items)).collect();
    assert_eq!(paged, all);
    assert_eq!(pages.len(), 3, "3 + 3 + 1");

    let mut one = query;
    one.limit = Some(2);
    let first = table.query(one).await?;
    assert_eq!(keys(&first.items), [("P".into(), "SCHOOL#00".into()), ("P".into(), "SCHOOL#01".into())]);
    assert!(first.next.is_some(), "more items follow");
    Ok(())
});

table_test!(a_cursor_after_the_last_item_leads_to_an_empty_page, |table| {
    for sk in ["a", "b", "c", "d"] {
        table.put(item("P", sk), Condition::Always).await?;
    }

    // DynamoDB may hand back a cursor with a page that ends the partition;
    // the page after it is then empty and final.
    let pages = pages(table.as_ref(), Query::partition(Index::Primary, "P"), 2).await?;
    let paged: Vec<String> = pages.iter().flat_map(|page| sort_keys(&page.items)).collect();
    assert_eq!(paged, ["a", "b", "c", "d"]);
    assert!(pages.iter().skip(2).all(|page| page.items.is_empty()));
    Ok(())
});

table_test!(gsi1_orders_by_index_key_then_primary_key, |table| {
    let view = "APP#a1#VIEW#active";
    table.put(indexed("APP#a1", "SCHOOL#s3", view, "beta#s3"), Condition::Always).await?;
    table.put(indexed("APP#a1", "SCHOOL#s2", view, "Alpha#s2"), Condition::Always).await?;
    table.put(indexed("APP#a1", "SCHOOL#s1", view, "alpha#s1"), Condition::Always).await?;
    table.put(indexed("APP#a2", "SCHOOL#s9", view, "same"), Condition::Always).await?;
    table.put(indexed("APP#a1", "SCHOOL#s9", view, "same"), Condition::Always).await?;
    table.put(indexed("APP#a1", "SCHOOL#s8", view, "same"), Condition::Always).await?;
    table.put(item("APP#a1", "SCHOOL#s4"), Condition::Always).await?;
    table.put(indexed("APP#a1", "SCHOOL#s5", "APP#a1#VIEW#revoked", "alpha#s5"), Condition::Always).await?;

    let page = table.query(Query::partition(Index::Gsi1, view)).await?;
    let order: Vec<(String, String)> = page.items.iter().map(|item| item.gsi1.clone().expect("indexed")).collect();
    let expected = ["Alpha#s2", "alpha#s1", "beta#s3", "same", "same", "same"];
    assert_eq!(order.iter().map(|(_, sk)| sk.as_str()).collect::<Vec<_>>(), expected);
    assert_eq!(
        keys(&page.items[3..]),
        [
            ("APP#a1".into(), "SCHOOL#s8".into()),
            ("APP#a1".into(), "SCHOOL#s9".into()),
            ("APP#a2".into(), "SCHOOL#s9".into())
        ],
        "ties in the index key fall back to the primary key"
    );
    assert!(page.items.iter().all(|item| item.sk != "SCHOOL#s4"), "the index is sparse");

    let alpha = table.query(Query::partition(Index::Gsi1, view).with_prefix("alpha")).await?;
    assert_eq!(keys(&alpha.items), [("APP#a1".into(), "SCHOOL#s1".into())]);
    Ok(())
});

table_test!(gsi1_paging_returns_every_item_once_in_order, |table| {
    let view = "APP#a1#VIEW#active";
    for n in 0..5 {
        table.put(indexed("APP#a1", &format!("SCHOOL#{n}"), view, "same name"), Condition::Always).await?;
    }
    for n in 5..9 {
        table.put(indexed("APP#a1", &format!("SCHOOL#{n}"), view, &format!("z name {n}")), Condition::Always).await?;
    }

    let pages = pages(table.as_ref(), Query::partition(Index::Gsi1, view), 2).await?;
    let paged: Vec<String> = pages.iter().flat_map(|page| sort_keys(&page.items)).collect();
    let expected: Vec<String> = (0..9).map(|n| format!("SCHOOL#{n}")).collect();
    assert_eq!(paged, expected);
    assert!(pages[0].next.as_ref().is_some_and(|cursor| cursor.gsi1.is_some()), "an index cursor holds the index key");
    Ok(())
});

table_test!(expired_items_stay_readable_until_removed, |table| {
    let expired = Item { expires_at: Some(1_000), ..item("SESSION#h", "SESSION") };
    table.put(expired.clone(), Condition::Always).await?;

    // Neither store deletes on time (DynamoDB's TTL takes up to days):
    // readers compare `expires_at` with the clock themselves.
    let read = table.get("SESSION#h", "SESSION").await?.expect("still stored");
    assert_eq!(read, expired);
    assert!(read.is_expired_at(1_000));
    assert!(!read.is_expired_at(999));
    Ok(())
});

/// What a product operation costs is counted in DynamoDB requests: one per
/// port call, none for an empty transaction.
#[tokio::test(flavor = "multi_thread")]
async fn each_port_call_is_one_dynamodb_request() -> anyhow::Result<()> {
    let table = dynamo_table("request_count").await?;
    let cost = |before: u64| table.requests_made() - before;

    let before = table.requests_made();
    table.put(item("P", "S"), Condition::NotExists).await?;
    assert_eq!(cost(before), 1);

    let before = table.requests_made();
    assert_condition_failed(table.put(item("P", "S"), Condition::NotExists).await, None);
    assert_eq!(cost(before), 1);

    let before = table.requests_made();
    table.get("P", "S").await?;
    table.query(Query::partition(Index::Primary, "P")).await?;
    table.add(Increment { pk: "P", sk: "counter", counter: "n", delta: 1, expires_at: None }).await?;
    table.transact(vec![TransactWrite::Check { pk: "P".into(), sk: "S".into(), condition: Condition::Exists }]).await?;
    table.delete("P", "S", Condition::Always).await?;
    assert_eq!(cost(before), 5);

    let before = table.requests_made();
    table.transact(Vec::new()).await?;
    assert_eq!(cost(before), 0);
    Ok(())
}

table_test!(put_all_writes_every_item_over_what_was_there, |table| {
    table.put(Item { version: 7, ..item("P", "000") }, Condition::Always).await?;
    // More than one BatchWriteItem (25 puts) holds, and over an existing item.
    let batch: Vec<Item> = (0..60).map(|n| with(item("P", &format!("{n:03}")), json!({ "n": n }))).collect();
    table.put_all(batch.clone()).await?;
    let stored = query_all(table.as_ref(), Query::partition(Index::Primary, "P")).await?;
    assert_eq!(stored, batch, "every item, whole, the old one replaced");
    // A retry writes the same.
    table.put_all(batch.clone()).await?;
    assert_eq!(query_all(table.as_ref(), Query::partition(Index::Primary, "P")).await?, batch);
    table.put_all(Vec::new()).await?;
    Ok(())
});

table_test!(put_all_refuses_one_item_twice_and_reserved_names, |table| {
    assert_unavailable(table.put_all(vec![item("P", "S"), item("P", "S")]).await, "one item twice");
    assert_unavailable(table.put_all(vec![with(item("P", "T"), json!({ "pk": "x" }))]).await, "a reserved name");
    assert!(table.query(Query::partition(Index::Primary, "P")).await?.items.is_empty());
    Ok(())
});

// #16: the MIS cache purge deletes a school's records in batches; a rerun
// after a stop half-way deletes what is left, and a missing key is no error.
table_test!(delete_all_deletes_every_key_and_a_rerun_changes_nothing, |table| {
    let batch: Vec<Item> = (0..60).map(|n| with(item("P", &format!("{n:03}")), json!({ "n": n }))).collect();
    table.put_all(batch.clone()).await?;
    let kept = Item { expires_at: Some(1_900_000_000), ..item("Q", "kept") };
    table.put(kept.clone(), Condition::Always).await?;
    // A run that stopped after the first 10, then the whole list again.
    table.delete_all(keys(&batch[..10])).await?;
    assert_eq!(query_all(table.as_ref(), Query::partition(Index::Primary, "P")).await?, batch[10..].to_vec());
    let mut every = keys(&batch);
    every.push(("P".into(), "never-there".into()));
    table.delete_all(every.clone()).await?;
    assert!(query_all(table.as_ref(), Query::partition(Index::Primary, "P")).await?.is_empty());
    table.delete_all(every).await?;
    table.delete_all(Vec::new()).await?;
    assert_eq!(table.get("Q", "kept").await?, Some(kept), "other items, and their TTL, stay");
    Ok(())
});

/// 60 deletes are three `BatchWriteItem`s of 25 at most.
#[tokio::test(flavor = "multi_thread")]
async fn delete_all_sends_batches_of_25() -> anyhow::Result<()> {
    let table = dynamo_table("delete_all_batches").await?;
    let batch: Vec<Item> = (0..60).map(|n| item("P", &format!("{n:03}"))).collect();
    table.put_all(batch.clone()).await?;
    let before = table.requests_made();
    table.delete_all(keys(&batch)).await?;
    assert_eq!(table.requests_made() - before, 3);
    assert!(query_all(&table, Query::partition(Index::Primary, "P")).await?.is_empty());
    Ok(())
}
