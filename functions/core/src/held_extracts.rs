//! G1 deletion guard: a full extract that would delete too many persons is
//! kept aside, not applied. It is stored in parts (an item holds at most
//! 400 KB, an extract a few MB) under `HELD#<school>`; the school and
//! support see what releasing it would change, then release it (applied as
//! pushed, guard off) or reject it (the school keeps its current data).

use gatehouse_model::{Extract, ExtractKind, ExtractReceipt, HeldExtractDiff, PushStatus, Resource};

use crate::ingestion::{self, Guard, existing_for, load_feed, plan, sync_links, validate};
use crate::keys::{HELD_CHUNK_PREFIX, Key};
use crate::people::Refusal;
use crate::ports::{Condition, Index, Query, query_all};
use crate::records::plain_item;
use crate::{Error, Gatehouse, Result, SchoolId};

/// Bytes of extract JSON per stored part, well under DynamoDB's 400 KB item limit.
const CHUNK_BYTES: usize = 300_000;

#[derive(serde::Serialize, serde::Deserialize)]
struct ChunkRecord {
    part: String,
}

/// Stores an extract in parts, replacing any held before; returns the count.
pub async fn store(gatehouse: &Gatehouse, school: &SchoolId, extract: &Extract) -> Result<u32> {
    discard(gatehouse, school).await?;
    let text = serde_json::to_string(extract).map_err(|error| Error::Unavailable(error.into()))?;
    let mut parts = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let mut end = rest.len().min(CHUNK_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        parts.push(&rest[..end]);
        rest = &rest[end..];
    }
    for (n, part) in parts.iter().enumerate() {
        let key = Key::HeldChunk(school, n as u32);
        let record = ChunkRecord { part: (*part).to_owned() };
        gatehouse.table.put(plain_item(&key, &record, 1), Condition::Always).await?;
    }
    Ok(parts.len() as u32)
}

/// Deletes every stored part of the school's held extract.
pub async fn discard(gatehouse: &Gatehouse, school: &SchoolId) -> Result<()> {
    let partition = Key::HeldChunk(school, 0).pk();
    let query = Query::partition(Index::Primary, partition).with_prefix(HELD_CHUNK_PREFIX);
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        gatehouse.table.delete(&item.pk, &item.sk, Condition::Always).await?;
    }
    Ok(())
}

async fn load(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Extract> {
    let held = load_feed(gatehouse, school).await?.and_then(|(feed, _)| feed.held);
    let Some(held) = held else {
        return Err(Error::Refused(Refusal::NoHeldExtract));
    };
    let partition = Key::HeldChunk(school, 0).pk();
    let query = Query::partition(Index::Primary, partition).with_prefix(HELD_CHUNK_PREFIX);
    let items = query_all(gatehouse.table.as_ref(), query).await?;
    if items.len() as u32 != held.chunks {
        return Err(Error::Unavailable(anyhow::anyhow!("held extract has {} of {} parts", items.len(), held.chunks)));
    }
    let text: String = items
        .iter()
        .map(|item| item.attributes.get("part").and_then(|part| part.as_str()).unwrap_or_default())
        .collect();
    serde_json::from_str(&text).map_err(|error| Error::Unavailable(error.into()))
}

/// What releasing the held extract would change, against the data as it is now.
pub async fn diff(gatehouse: &Gatehouse, school: &SchoolId) -> Result<HeldExtractDiff> {
    let extract = load(gatehouse, school).await?;
    let held = load_feed(gatehouse, school).await?.and_then(|(feed, _)| feed.held);
    let held = held.ok_or(Error::Refused(Refusal::NoHeldExtract))?;
    let validated = validate(&extract, gatehouse.clock.now().date_naive())?;
    let existing = existing_for(gatehouse, school, ExtractKind::Full, &validated).await?;
    let plan = plan(ExtractKind::Full, &validated, &existing);
    let mut deletions: Vec<_> = plan.deletions.iter().map(|record| record.summary()).collect();
    deletions.sort_by(|a, b| {
        (a.resource != Resource::Students, a.resource, &a.name).cmp(&(
            b.resource != Resource::Students,
            b.resource,
            &b.name,
        ))
    });
    Ok(HeldExtractDiff { summary: held.summary(), changes: plan.changes, deletions })
}

/// Applies the held extract as it was pushed, past the guard.
pub async fn release(gatehouse: &Gatehouse, school: &SchoolId, actor_name: &str) -> Result<ExtractReceipt> {
    let extract = load(gatehouse, school).await?;
    let receipt = ingestion::ingest(gatehouse, school, &extract, Guard::Released).await?;
    tracing::info!(school_id = %school, by = actor_name, "held extract released");
    Ok(receipt)
}

/// Throws the held extract away; the school keeps the data it has.
pub async fn reject(gatehouse: &Gatehouse, school: &SchoolId, actor_name: &str) -> Result<()> {
    let (mut feed, version) = load_feed(gatehouse, school).await?.ok_or(Error::Refused(Refusal::NoHeldExtract))?;
    if feed.held.take().is_none() {
        return Err(Error::Refused(Refusal::NoHeldExtract));
    }
    if feed.last_status == Some(PushStatus::Warning) {
        feed.last_status = Some(PushStatus::Ok);
    }
    gatehouse.table.put(feed.item(version + 1), Condition::VersionIs(version)).await?;
    discard(gatehouse, school).await?;
    sync_links(gatehouse, &feed).await?;
    tracing::info!(school_id = %school, by = actor_name, "held extract rejected");
    Ok(())
}
