//! The daily job `purge_mis_caches` (#16): deletes the MIS cache of every
//! school the retention rule (`data::retention::purge_on`) says is due.
//!
//! A purge holds the school's ingest lease (as a push does), so no push
//! writes while it deletes. It marks the feed (with the counts) before
//! deleting anything and deletes in `BatchWriteItem`s of 25; a run that
//! stops half-way leaves the mark, and the next run finishes the job. Links
//! are never touched.

use gatehouse_model::{PurgedRecords, Resource};
use serde::Serialize;

use crate::base::Refusal;
use crate::base::calendar::uk_date;
use crate::base::keys::{AgentActivity, HELD_CHUNK_PREFIX, Key, agent_activity_partition, people_partition};
use crate::base::ports::{Condition, Index, Item, Query, StoreError, query_all};
use crate::data::feed::{MisPurgeRecord, SchoolFeedRecord};
use crate::data::ingestion::{claim, release_lease};
use crate::data::people::PersonRecord;
use crate::data::retention::{entries, purge_on};
use crate::store::records::from_item;
use crate::{Error, Gatehouse, Result, SchoolId};

/// What one run of the purge job did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeRun {
    /// Schools whose MIS cache it purged (or finished purging).
    pub purged: u32,
    /// Schools due whose agent was pushing: purged by the next run.
    pub busy: u32,
}

/// E1, daily: purges the MIS cache of every school due (see `purge_on`).
/// Reads every school that ever pushed (both agent activity partitions of
/// GSI1) and, for those not purged yet, one Query of the school's links.
pub async fn purge_due(gatehouse: &Gatehouse) -> Result<PurgeRun> {
    let today = uk_date(gatehouse.clock.now());
    let mut run = PurgeRun::default();
    for activity in [AgentActivity::Active, AgentActivity::Inactive] {
        let mut query = Query::partition(Index::Gsi1, agent_activity_partition(activity));
        query.limit = Some(100);
        loop {
            let page = gatehouse.table.query(query.clone()).await?;
            for item in &page.items {
                let feed: SchoolFeedRecord = from_item(item)?;
                if feed.purge.as_ref().is_some_and(|purge| purge.finished_at.is_some()) {
                    continue;
                }
                let school = feed.school_id.clone();
                let due = purge_on(&entries(gatehouse, &school).await?, &feed, today).is_some_and(|on| on <= today);
                if !due {
                    continue;
                }
                match purge(gatehouse, &school).await {
                    Ok(counts) => {
                        run.purged += 1;
                        tracing::info!(
                            school_id = %school,
                            students = counts.students,
                            staff = counts.staff,
                            contacts = counts.contacts,
                            groups = counts.groups,
                            tombstones = counts.tombstones,
                            held_parts = counts.held_parts,
                            "MIS cache purged: no app has access"
                        );
                    }
                    Err(Error::Refused(Refusal::ExtractInProgress)) => run.busy += 1,
                    Err(error) => return Err(error),
                }
            }
            match page.next {
                Some(cursor) => query.after = Some(cursor),
                None => break,
            }
        }
    }
    Ok(run)
}

/// Purges one school's MIS cache under its ingest lease.
async fn purge(gatehouse: &Gatehouse, school: &SchoolId) -> Result<PurgedRecords> {
    let (mut feed, version) = claim(gatehouse, school).await?;
    let result = purge_claimed(gatehouse, school, &mut feed, version).await;
    if result.is_err() {
        release_lease(gatehouse, school).await;
    }
    result
}

async fn purge_claimed(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    feed: &mut SchoolFeedRecord,
    mut version: u64,
) -> Result<PurgedRecords> {
    let now = gatehouse.clock.now();
    let people =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, people_partition(school))).await?;
    let held_partition = Key::HeldChunk(school, 0).pk();
    let held = query_all(
        gatehouse.table.as_ref(),
        Query::partition(Index::Primary, held_partition).with_prefix(HELD_CHUNK_PREFIX),
    )
    .await?;
    if feed.purge.is_none() {
        // Counted once, before anything goes: a resumed run keeps the count.
        feed.purge = Some(MisPurgeRecord { started_at: now, finished_at: None, counts: count(&people, held.len())? });
        write_feed(gatehouse, feed, version).await?;
        version += 1;
    }
    let keys = people.iter().chain(&held).map(|item| (item.pk.clone(), item.sk.clone())).collect();
    gatehouse.table.delete_all(keys).await?;
    feed.persons = 0;
    feed.held = None;
    feed.recent_deletions.clear();
    feed.lease = None;
    let counts = feed.purge.as_ref().map(|purge| purge.counts).unwrap_or_default();
    if let Some(purge) = feed.purge.as_mut() {
        purge.finished_at = Some(now);
    }
    feed.last_purged_at = Some(now);
    write_feed(gatehouse, feed, version).await?;
    Ok(counts)
}

/// The feed at its next version, conditional on the one read (the lease is ours).
async fn write_feed(gatehouse: &Gatehouse, feed: &SchoolFeedRecord, version: u64) -> Result<()> {
    match gatehouse.table.put(feed.item(version + 1), Condition::VersionIs(version)).await {
        Ok(()) => Ok(()),
        Err(StoreError::ConditionFailed { .. }) => Err(Error::Refused(Refusal::ExtractInProgress)),
        Err(error) => Err(error.into()),
    }
}

/// Records of each kind among `people`, and the held parts.
fn count(people: &[Item], held_parts: usize) -> Result<PurgedRecords> {
    let mut counts = PurgedRecords { held_parts: held_parts as u32, ..PurgedRecords::default() };
    for item in people {
        let record: PersonRecord = from_item(item)?;
        let slot = match (record.deleted, record.resource) {
            (true, _) => &mut counts.tombstones,
            (false, Resource::Students) => &mut counts.students,
            (false, Resource::Staff) => &mut counts.staff,
            (false, Resource::Contacts) => &mut counts.contacts,
            (false, Resource::Groups) => &mut counts.groups,
        };
        *slot += 1;
    }
    Ok(counts)
}
