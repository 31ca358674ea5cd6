//! G1 deletion guard: an extract that would take the school's deletions in
//! 24 hours past the guard is kept aside, not applied. It is stored in parts
//! (an item holds at most 400 KB, an extract a few MB) under `HELD#<school>`;
//! the school and support see what releasing it would change, then release
//! it (applied as pushed, full or delta, guard off) or reject it (the school
//! keeps its current data).
//!
//! Each held extract has its own id, which the diff shows and a decision
//! must name: a newer extract held since the diff was read answers
//! `Conflict` and stays as it is. Release and reject run under the school's
//! ingest lease, so no push replaces the held extract halfway through one.

use gatehouse_model::{ExtractReceipt, HeldExtractDiff, PushStatus, Resource};

use crate::base::Refusal;
use crate::data::feed::{SchoolFeedRecord, load_feed};
use crate::data::held_parts::{check_held, chunk_deletes, load, load_parts};
use crate::data::ingestion::{self, AlsoCommit, Guard, claim, existing_for, plan, release_lease, validate};
use crate::{Error, Gatehouse, Result, SchoolId};

/// What releasing the held extract would change, against the data as it is now.
pub async fn diff(gatehouse: &Gatehouse, school: &SchoolId) -> Result<HeldExtractDiff> {
    let (held, extract) = load(gatehouse, school).await?;
    let validated = validate(&extract, gatehouse.clock.now().date_naive())?;
    let existing = existing_for(gatehouse, school, extract.kind, &validated).await?;
    let plan = plan(extract.kind, &validated, &existing, gatehouse.clock.now());
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

/// Applies the held extract named `held_id` as it was pushed (full or
/// delta), past the guard.
/// `also` (given the receipt) commits with the change: the release's job
/// marked done.
pub async fn release(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    held_id: &str,
    actor_name: &str,
    also: AlsoCommit<'_>,
) -> Result<ExtractReceipt> {
    let (feed, _) = load_feed(gatehouse, school).await?.ok_or(Error::Refused(Refusal::NoHeldExtract))?;
    let held = check_held(&feed, held_id)?;
    let extract = load_parts(gatehouse, school, held).await?;
    // `ingest` checks the id again once it holds the lease.
    let receipt =
        ingestion::ingest_with(gatehouse, school, &extract, Guard::Released(held_id.to_owned()), also).await?;
    tracing::info!(school_id = %school, by = actor_name, "held extract released");
    Ok(receipt)
}

/// Throws the held extract named `held_id` away; the school keeps the data it has.
pub async fn reject(gatehouse: &Gatehouse, school: &SchoolId, held_id: &str, actor_name: &str) -> Result<()> {
    // Read first, so a school with no feed gets no feed record from the lease.
    let (feed, _) = load_feed(gatehouse, school).await?.ok_or(Error::Refused(Refusal::NoHeldExtract))?;
    check_held(&feed, held_id)?;
    let (mut feed, version) = claim(gatehouse, school).await?;
    let result = reject_claimed(gatehouse, school, held_id, &mut feed, version).await;
    if result.is_err() {
        release_lease(gatehouse, school).await;
    }
    result?;
    tracing::info!(school_id = %school, by = actor_name, "held extract rejected");
    Ok(())
}

async fn reject_claimed(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    held_id: &str,
    feed: &mut SchoolFeedRecord,
    version: u64,
) -> Result<()> {
    let held = check_held(feed, held_id)?.clone();
    feed.held = None;
    feed.lease = None;
    if feed.last_status == Some(PushStatus::Warning) {
        feed.last_status = Some(PushStatus::Ok);
    }
    // The parts, the feed and the links' copies go in one transaction (issue
    // 18): a retry never finds the extract gone and the links still warning.
    let facts = ingestion::link_writes(gatehouse, feed, ingestion::Refresh::Silent).await?;
    ingestion::commit_feed(gatehouse, feed, version, facts, chunk_deletes(school, &held)).await
}
