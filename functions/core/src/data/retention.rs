//! Retention of a school's MIS cache (#16, `docs/RETENTION.md`): when no app
//! has had access to a school for `MIS_CACHE_UNUSED_DAYS`, counted from the
//! day the last authorisation ended (or from the agent's first push when no
//! app was ever authorised), the daily job `purge_mis_caches` deletes the
//! school's pupil, staff, contact and group records, their tombstones and
//! any extract the deletion guard holds. It records when and how many on
//! the school's feed (counts only), and the agent is told to stop: its
//! status says so and a push is refused with `no_authorised_app` until an
//! app has access again.
//!
//! The rule and what the portals and the agent are told live here; the job
//! that deletes is `data::purge`.

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use gatehouse_model::{MisRetention, MisRetentionList, SchoolAppState, SchoolMisRetention};

use crate::base::Refusal;
use crate::base::calendar::uk_date;
use crate::base::keys::{APP_PREFIX, AgentActivity, Key, agent_activity_partition};
use crate::base::ports::{Index, Query, query_all};
use crate::base::retention::MIS_CACHE_UNUSED_DAYS;
use crate::data::feed::{MisPurgeRecord, SchoolFeedRecord};
use crate::store::dashboard::SchoolAppEntry;
use crate::store::records::{OpsSessionRecord, from_item};
use crate::{Error, Gatehouse, Result, SchoolId};

/// Whether the school's copy of a link gives its app access on `today`.
fn is_live(entry: &SchoolAppEntry, today: NaiveDate) -> bool {
    !entry.hidden
        && matches!(entry.state, SchoolAppState::Active | SchoolAppState::RevokePending)
        && entry.revoke_on.is_none_or(|on| on > today)
}

/// The latest day a link that is not live can have given access: of one
/// ever authorised, the latest of its dates (a re-invitation clears the
/// revocation date but is itself later), so the count never starts early.
fn ended_on(entry: &SchoolAppEntry) -> Option<NaiveDate> {
    let authorised = entry.authorised_on?;
    [entry.revoked_on, entry.revoke_on, entry.invited_on].into_iter().flatten().chain([authorised]).max()
}

/// The day the daily job purges the school's MIS cache: `MIS_CACHE_UNUSED_DAYS`
/// after the last authorisation ended, or after the agent's first push when
/// no app was ever authorised (whichever is later). `None` while an app has
/// access, or when nothing was ever pushed.
pub fn purge_on(entries: &[SchoolAppEntry], feed: &SchoolFeedRecord, today: NaiveDate) -> Option<NaiveDate> {
    if entries.iter().any(|entry| is_live(entry, today)) {
        return None;
    }
    let ended = entries.iter().filter_map(ended_on).max();
    let first_push = feed.first_push_at.or(feed.last_push_at).map(uk_date);
    ended.max(first_push)?.checked_add_days(Days::new(MIS_CACHE_UNUSED_DAYS as u64))
}

/// The school's copies of its links: one Query of its partition.
pub(crate) async fn entries(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Vec<SchoolAppEntry>> {
    let query = Query::partition(Index::Primary, Key::SchoolFeed(school).pk()).with_prefix(APP_PREFIX);
    Ok(query_all(gatehouse.table.as_ref(), query).await?.iter().map(from_item).collect::<Result<_, _>>()?)
}

/// Whether any app has access to the school today.
async fn has_live_app(gatehouse: &Gatehouse, school: &SchoolId) -> Result<bool> {
    let today = uk_date(gatehouse.clock.now());
    Ok(entries(gatehouse, school).await?.iter().any(|entry| is_live(entry, today)))
}

/// Before a push takes the lease: refused with `no_authorised_app` while the
/// cache is purged (or being purged) and still no app has access; once one
/// has, the purge is over and the days count again from this push.
pub(crate) async fn before_push(gatehouse: &Gatehouse, feed: &mut SchoolFeedRecord) -> Result<()> {
    let now = gatehouse.clock.now();
    if feed.purge.is_some() {
        if !has_live_app(gatehouse, &feed.school_id).await? {
            return Err(Error::Refused(Refusal::NoAuthorisedApp));
        }
        feed.purge = None;
        feed.first_push_at = Some(now);
    }
    feed.first_push_at.get_or_insert(now);
    Ok(())
}

/// The retention state the school portal and the agent see.
pub async fn state(gatehouse: &Gatehouse, feed: Option<&SchoolFeedRecord>, school: &SchoolId) -> Result<MisRetention> {
    let today = uk_date(gatehouse.clock.now());
    let Some(feed) = feed else { return Ok(describe(None, None)) };
    if let Some(purge) = &feed.purge {
        return Ok(describe(None, Some(purge)));
    }
    // Due but not yet done (the job runs once a day): it happens today.
    let on = purge_on(&entries(gatehouse, school).await?, feed, today).map(|on| on.max(today));
    Ok(describe(on, None))
}

/// `GET /api/ops/mis-retention`: every school whose MIS data will be
/// deleted (soonest first) or was (newest first). Reads what the daily job
/// reads: both agent partitions of GSI1, and the links of each school not
/// purged.
pub async fn for_ops(gatehouse: &Gatehouse, _ops: &OpsSessionRecord) -> Result<MisRetentionList> {
    let today = uk_date(gatehouse.clock.now());
    let (mut due, mut done) = (Vec::new(), Vec::new());
    for activity in [AgentActivity::Active, AgentActivity::Inactive] {
        let partition = agent_activity_partition(activity);
        for item in query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await? {
            let feed: SchoolFeedRecord = from_item(&item)?;
            let school_id = feed.school_id.to_string();
            if let Some(purge) = &feed.purge {
                let at = purge.finished_at.unwrap_or(purge.started_at);
                done.push((at, SchoolMisRetention { school_id, purge_on: None, purged_at: Some(rfc3339(at)) }));
            } else if let Some(on) = purge_on(&entries(gatehouse, &feed.school_id).await?, &feed, today) {
                let on = on.max(today);
                due.push((on, SchoolMisRetention { school_id, purge_on: Some(on.to_string()), purged_at: None }));
            }
        }
    }
    due.sort_by(|a, b| (a.0, &a.1.school_id).cmp(&(b.0, &b.1.school_id)));
    done.sort_by(|a, b| (b.0, &a.1.school_id).cmp(&(a.0, &b.1.school_id)));
    let schools = due.into_iter().map(|(_, row)| row).chain(done.into_iter().map(|(_, row)| row)).collect();
    Ok(MisRetentionList { schools })
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The state in words: a date to come, a purge done, or nothing to say.
fn describe(purge_on: Option<NaiveDate>, purge: Option<&MisPurgeRecord>) -> MisRetention {
    let days = MIS_CACHE_UNUSED_DAYS;
    match (purge_on, purge) {
        (_, Some(purge)) => {
            let when = purge.finished_at.unwrap_or(purge.started_at);
            MisRetention {
                purge_on: None,
                purged_at: Some(rfc3339(when)),
                purged: Some(purge.counts),
                stop_pushing: true,
                message: format!(
                    "Your MIS data was deleted on {} because no app had access for {days} days. Gatehouse stores \
                     nothing more until you authorise an app; the MIS agent should stop sending extracts.",
                    uk_date(when).format("%-d %b %Y")
                ),
            }
        }
        (Some(on), None) => MisRetention {
            purge_on: Some(on.to_string()),
            purged_at: None,
            purged: None,
            stop_pushing: false,
            message: format!(
                "Your MIS data will be deleted on {} because no app has access. Authorise an app before then to \
                 keep it.",
                on.format("%-d %b %Y")
            ),
        },
        (None, None) => MisRetention {
            purge_on: None,
            purged_at: None,
            purged: None,
            stop_pushing: false,
            message: format!(
                "Your MIS data is kept while an app has access, and deleted {days} days after the last one's ends."
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use gatehouse_model::JOBS;

    use super::*;

    /// The periods the code uses, by the row's key in `docs/RETENTION.md`.
    fn periods() -> Vec<(&'static str, Duration)> {
        vec![
            ("`PEOPLE#`", Duration::days(MIS_CACHE_UNUSED_DAYS)),
            ("`PEOPLE#` (`deleted`)", Duration::days(crate::data::people::TOMBSTONE_DAYS)),
            ("`HELD#`", Duration::days(MIS_CACHE_UNUSED_DAYS)),
            ("`SHARED#`", Duration::days(crate::data::shared::SHARED_DAYS)),
            ("`LOGIN#`", crate::account::auth::LINK_LIFETIME),
            ("`SESSION#`", crate::account::auth::SESSION_LIFETIME),
            ("`RATE#`", crate::account::auth::RATE_WINDOW),
            ("`INVITE#`", crate::partner::invitations::INVITATION_LIFETIME),
            ("`IDEMPOTENCY#`", crate::store::idempotency::KEY_LIFETIME),
            ("`VIEWCHG`", crate::store::link_loading::VIEW_CHANGE_LIFETIME),
            ("`DELIVERY#`", Duration::days(crate::partner::webhooks::KEEP_DELIVERIES_DAYS)),
            ("`USAGE#`", Duration::days(crate::base::retention::USAGE_KEPT_DAYS)),
        ]
    }

    /// "30 days after …" as a duration; `None` when the cell does not begin with one.
    fn leading_period(cell: &str) -> Option<Duration> {
        let mut words = cell.split_whitespace();
        let number: i64 = words.next()?.parse().ok()?;
        match words.next()? {
            "minute" | "minutes" => Some(Duration::minutes(number)),
            "hour" | "hours" => Some(Duration::hours(number)),
            "day" | "days" => Some(Duration::days(number)),
            other => panic!("unknown unit {other:?} in {cell:?}"),
        }
    }

    /// `(key, kept for, enforced by)` of each row of the retention table.
    fn rows(doc: &str) -> Vec<(String, String, String)> {
        doc.lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| Record |"))
            .map(|line| {
                let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
                assert_eq!(cells.len(), 5, "five cells in {line:?}");
                (cells[1].to_owned(), cells[2].to_owned(), cells[4].to_owned())
            })
            .collect()
    }

    #[test]
    fn the_retention_table_states_the_periods_the_code_uses() {
        let doc = include_str!("../../../../docs/RETENTION.md");
        let rows = rows(doc);
        assert!(rows.len() >= 15, "the table has a row for every kind of record");
        let periods = periods();
        for (key, kept, enforced) in &rows {
            let code = periods.iter().find(|(row, _)| row == key).map(|(_, period)| *period);
            assert_eq!(leading_period(kept), code, "row {key}: the doc says {kept:?}");
            // Every "job `name`" names a job that exists.
            let jobs: Vec<&str> = enforced.split("job `").skip(1).filter_map(|rest| rest.split('`').next()).collect();
            for named in &jobs {
                assert!(JOBS.iter().any(|job| job.name == *named), "row {key} names {named}, which is no job");
            }
            if code.is_some() {
                let ttl = enforced.starts_with("TTL `expires_at`");
                assert!(ttl || !jobs.is_empty(), "row {key}: a period is enforced by TTL or a job");
            }
        }
        for (key, _) in periods {
            assert!(rows.iter().any(|(row, _, _)| row == key), "no row for {key}");
        }
    }

    #[test]
    fn the_doc_test_fails_on_a_wrong_period() {
        let wrong = "| Sign-in links | `LOGIN#` | 15 minutes | why | TTL `expires_at` |";
        let (key, kept, _) = rows(wrong).remove(0);
        let code = periods().into_iter().find(|(row, _)| *row == key).map(|(_, period)| period);
        assert_ne!(leading_period(&kept), code);
    }

    fn entry(state: SchoolAppState) -> SchoolAppEntry {
        let school = SchoolId::parse("3280001").unwrap();
        let link = crate::store::records::SchoolLinkRecord::new(
            school,
            crate::AppId::parse("a1").unwrap(),
            crate::PartnerId::parse("p1").unwrap(),
            "School".into(),
        );
        let mut entry = crate::store::dashboard::entry_of(&link);
        entry.state = state;
        entry
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn the_purge_counts_from_the_later_of_the_last_access_and_the_first_push() {
        let mut feed = SchoolFeedRecord::new(SchoolId::parse("3280001").unwrap());
        feed.first_push_at = Some(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 2, 12, 0, 0).unwrap());
        let today = day(25);
        let due = |entries: &[SchoolAppEntry]| purge_on(entries, &feed, today).map(|on| on.to_string());
        // Never authorised: from the first push.
        assert_eq!(due(&[entry(SchoolAppState::AskingForAccess)]).as_deref(), Some("2026-12-02"));
        // Live: never.
        assert_eq!(due(&[entry(SchoolAppState::Active)]), None);
        let mut pending = entry(SchoolAppState::RevokePending);
        pending.revoke_on = Some(day(26));
        assert_eq!(due(std::slice::from_ref(&pending)), None, "access until the revocation date");
        // Revoked on the 10th: from then.
        let mut revoked = entry(SchoolAppState::Revoked);
        revoked.authorised_on = Some(day(1));
        revoked.revoked_on = Some(day(10));
        assert_eq!(due(std::slice::from_ref(&revoked)).as_deref(), Some("2026-12-10"));
        // Re-invited since (the revocation date is cleared): never earlier.
        revoked.revoked_on = None;
        revoked.invited_on = Some(day(12));
        revoked.state = SchoolAppState::AskingForAccess;
        assert_eq!(due(&[revoked]).as_deref(), Some("2026-12-12"));
    }
}
