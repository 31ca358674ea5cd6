//! The extract the deletion guard holds, stored in parts under
//! `HELD#<school>` (an item holds at most 400 KB, an extract a few MB):
//! storing, reading, joining a later delta onto it and deleting it. Ingestion
//! holds an extract through here; `held_extracts` releases or rejects it.

use std::collections::HashSet;

use gatehouse_model::{Extract, ExtractKind, Resource};

use crate::base::Refusal;
use crate::base::keys::{HELD_CHUNK_PREFIX, Key};
use crate::base::ports::{Condition, Index, Query, TransactWrite, query_all};
use crate::data::feed::{HeldExtractRecord, SchoolFeedRecord, load_feed};
use crate::store::records::plain_item;
use crate::{Error, Gatehouse, Result, SchoolId};

/// Bytes of extract JSON per stored part, well under DynamoDB's 400 KB item limit.
const CHUNK_BYTES: usize = 300_000;

#[derive(serde::Serialize, serde::Deserialize)]
struct ChunkRecord {
    part: String,
    /// The held extract this part belongs to (parts of an older one, being
    /// replaced, are never read as this one's).
    #[serde(default)]
    held_id: String,
}

/// The held extract, if `held_id` names it: `NoHeldExtract` when nothing is
/// held, `Conflict` when a newer one replaced the one reviewed.
pub fn check_held<'a>(feed: &'a SchoolFeedRecord, held_id: &str) -> Result<&'a HeldExtractRecord> {
    let held = feed.held.as_ref().ok_or(Error::Refused(Refusal::NoHeldExtract))?;
    if held.held_id() != held_id {
        return Err(Error::Conflict(
            "a newer extract from the school's MIS replaced the one reviewed; review the held extract again",
        ));
    }
    Ok(held)
}

/// Stores an extract in parts under `held_id`, replacing any held before;
/// returns the count. Called under the school's ingest lease.
pub async fn store(gatehouse: &Gatehouse, school: &SchoolId, extract: &Extract, held_id: &str) -> Result<u32> {
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
        let record = ChunkRecord { part: (*part).to_owned(), held_id: held_id.to_owned() };
        gatehouse.table.put(plain_item(&key, &record, 1), Condition::Always).await?;
    }
    Ok(parts.len() as u32)
}

/// The deletes of `held`'s stored parts, for the transaction that ends it.
pub fn chunk_deletes(school: &SchoolId, held: &HeldExtractRecord) -> Vec<TransactWrite> {
    (0..held.chunks)
        .map(|n| {
            let key = Key::HeldChunk(school, n);
            TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Always }
        })
        .collect()
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

/// The stored parts of `held`, put together.
pub async fn load_parts(gatehouse: &Gatehouse, school: &SchoolId, held: &HeldExtractRecord) -> Result<Extract> {
    let partition = Key::HeldChunk(school, 0).pk();
    let query = Query::partition(Index::Primary, partition).with_prefix(HELD_CHUNK_PREFIX);
    let items = query_all(gatehouse.table.as_ref(), query).await?;
    let ours = |item: &&crate::base::ports::Item| {
        let tag = item.attributes.get("held_id").and_then(|id| id.as_str()).unwrap_or_default();
        tag.is_empty() || tag == held.held_id()
    };
    if !items.iter().all(|item| ours(&item)) {
        return Err(Error::Conflict("the held extract changed while it was read; read it again"));
    }
    if items.len() as u32 != held.chunks {
        return Err(Error::Unavailable(anyhow::anyhow!("held extract has {} of {} parts", items.len(), held.chunks)));
    }
    let text: String = items
        .iter()
        .map(|item| item.attributes.get("part").and_then(|part| part.as_str()).unwrap_or_default())
        .collect();
    serde_json::from_str(&text).map_err(|error| Error::Unavailable(error.into()))
}

pub(crate) async fn load(gatehouse: &Gatehouse, school: &SchoolId) -> Result<(HeldExtractRecord, Extract)> {
    let held = load_feed(gatehouse, school).await?.and_then(|(feed, _)| feed.held);
    let held = held.ok_or(Error::Refused(Refusal::NoHeldExtract))?;
    let extract = load_parts(gatehouse, school, &held).await?;
    Ok((held, extract))
}

/// A delta pushed while `held` waits, joined onto it: its records replace
/// the held ones with the same id, and its deletions remove them (a held
/// full extract simply loses them; a held delta lists them as deleted).
pub fn join(mut held: Extract, delta: &Extract) -> Extract {
    let gone: HashSet<(Resource, &str)> = delta.deleted.iter().map(|d| (d.resource, d.id.as_str())).collect();
    fn merge<T: Clone>(
        list: &mut Vec<T>,
        newer: &[T],
        id: fn(&T) -> &str,
        resource: Resource,
        gone: &HashSet<(Resource, &str)>,
    ) {
        let replaced: HashSet<&str> = newer.iter().map(id).collect();
        list.retain(|record| !replaced.contains(id(record)) && !gone.contains(&(resource, id(record))));
        list.extend(newer.iter().cloned());
    }
    merge(&mut held.students, &delta.students, |r| r.id.as_str(), Resource::Students, &gone);
    merge(&mut held.staff, &delta.staff, |r| r.id.as_str(), Resource::Staff, &gone);
    merge(&mut held.contacts, &delta.contacts, |r| r.id.as_str(), Resource::Contacts, &gone);
    merge(&mut held.groups, &delta.groups, |r| r.id.as_str(), Resource::Groups, &gone);
    if held.kind == ExtractKind::Delta {
        let resent: HashSet<(Resource, &str)> = [
            delta.students.iter().map(|r| (Resource::Students, r.id.as_str())).collect::<Vec<_>>(),
            delta.staff.iter().map(|r| (Resource::Staff, r.id.as_str())).collect(),
            delta.contacts.iter().map(|r| (Resource::Contacts, r.id.as_str())).collect(),
            delta.groups.iter().map(|r| (Resource::Groups, r.id.as_str())).collect(),
        ]
        .concat()
        .into_iter()
        .collect();
        held.deleted
            .retain(|d| !resent.contains(&(d.resource, d.id.as_str())) && !gone.contains(&(d.resource, d.id.as_str())));
        held.deleted.extend(delta.deleted.iter().cloned());
    }
    held
}
