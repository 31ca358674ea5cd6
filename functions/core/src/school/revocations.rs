//! E1: the daily job that applies revocations whose date has come.
//!
//! Scheduled revocations wait in one small partition; applying one moves the
//! link to Revoked, logs it and removes the queue entry in one transaction,
//! so a second run the same day finds nothing to do and logs nothing.

use chrono::NaiveDate;
use gatehouse_model::{LogEvent, SchoolView};

use crate::base::calendar::uk_date;
use crate::base::keys::{Key, REVOCATIONS_DUE};
use crate::base::ports::{Condition, Index, Query, query_all};
use crate::store::links::{Change, LoadedLink, commit};
use crate::store::records::{RevocationDueRecord, SchoolLinkRecord, from_item};
use crate::store::transitions::{EndedBy, revoked};
use crate::{Error, Gatehouse, Result, store::outbox};

/// Who the log names when the job applies a revocation.
pub const JOB_ACTOR: &str = "Gatehouse (scheduled)";

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevocationRun {
    /// Links moved to Revoked.
    pub applied: u32,
    /// Queue entries for later dates, left for their day.
    pub not_yet_due: u32,
    /// Queue entries no longer matching their link (cancelled or rescheduled), removed.
    pub stale: u32,
}

/// The change that applies a link's scheduled revocation on `today` (on or
/// after its date): the daily job's, and the erasure confirmation's when it
/// comes before the job (#16). Access ended on the scheduled date.
pub(crate) fn scheduled_revocation(link: &SchoolLinkRecord, today: NaiveDate) -> Change {
    let scheduled_by = link.revoke_requested_by.clone().unwrap_or_else(|| "the partner".to_owned());
    let on = link.revoke_on.filter(|on| *on <= today).unwrap_or(today);
    let detail = format!("Access ended on {on}, as scheduled by {scheduled_by}");
    revoked(link, on, &scheduled_by, EndedBy::Date).log(LogEvent::Revoked, detail).with_receipts(None)
}

pub async fn apply_due(gatehouse: &Gatehouse) -> Result<RevocationRun> {
    let today = uk_date(gatehouse.clock.now());
    let queued = query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, REVOCATIONS_DUE)).await?;
    let mut run = RevocationRun::default();
    for item in queued {
        let due: RevocationDueRecord = from_item(&item)?;
        if due.revoke_on > today {
            run.not_yet_due += 1;
            continue;
        }
        let key = Key::SchoolLink(&due.app_id, &due.school_id);
        let link = match gatehouse.table.get(&key.pk(), &key.sk()).await? {
            Some(item) => Some((from_item::<SchoolLinkRecord>(&item)?, item.version)),
            None => None,
        };
        match link {
            Some((link, version)) if link.view == SchoolView::Active && link.revoke_on == Some(due.revoke_on) => {
                let change = scheduled_revocation(&link, today);
                let loaded = LoadedLink { link, version };
                match commit(gatehouse, &loaded, change, JOB_ACTOR).await {
                    Ok(_) => {
                        run.applied += 1;
                        // The revocation stands either way and its receipt and event wait in the
                        // outbox; one failed send must not hold up the other schools due today.
                        outbox::deliver_or_log(gatehouse).await;
                    }
                    // Someone changed the link meanwhile; tomorrow's run sees the new state.
                    Err(Error::Conflict(_)) => tracing::warn!("revocation skipped: the school changed meanwhile"),
                    Err(error) => return Err(error),
                }
            }
            _ => {
                gatehouse.table.delete(&item.pk, &item.sk, Condition::Always).await?;
                run.stale += 1;
            }
        }
    }
    tracing::info!(applied = run.applied, not_yet_due = run.not_yet_due, stale = run.stale, "revocations applied");
    Ok(run)
}
