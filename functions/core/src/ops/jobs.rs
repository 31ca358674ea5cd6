//! Scheduled work (E1), by the names in `gatehouse_model::JOBS`: one entry
//! point for the Lambda, the local in-process schedule and `cargo xtask job`.

use chrono::{DateTime, Datelike, Days, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::London;
use gatehouse_model::JOBS;
use serde_json::Value;

use crate::base::calendar::uk_date;
use crate::{Error, Gatehouse, Result, school::reminders, school::revocations};

/// Runs one job by name (`apply_revocations` or `apply-revocations`) and
/// returns its report.
pub async fn run(gatehouse: &Gatehouse, name: &str) -> Result<Value> {
    let name = name.replace('-', "_");
    let Some(job) = JOBS.iter().find(|job| job.name == name) else { return Err(Error::NotFound("job")) };
    crate::base::access::running(job.name, run_job(gatehouse, job.name)).await
}

async fn run_job(gatehouse: &Gatehouse, name: &str) -> Result<Value> {
    let report = match name {
        "apply_revocations" => serde_json::to_value(revocations::apply_due(gatehouse).await?),
        "send_reminders" => serde_json::to_value(reminders::send_due(gatehouse).await?),
        "archive_cases" => serde_json::to_value(crate::ops::cases::archive_due(gatehouse).await?),
        "mark_inactive_schools" => {
            serde_json::to_value(crate::data::ingestion::mark_inactive_schools(gatehouse).await?)
        }
        // #16: erasure not yet confirmed, 7 and 14 days after access ended.
        "send_erasure_reminders" => serde_json::to_value(crate::school::erasure::remind_due(gatehouse).await?),
        "deliver_outbox" => Ok(serde_json::json!({ "sent": crate::store::outbox::deliver(gatehouse).await? })),
        // Retention (#16).
        "purge_mis_caches" => serde_json::to_value(crate::data::purge::purge_due(gatehouse).await?),
        _ => return Err(Error::NotFound("job")),
    };
    report.map_err(|error| Error::Unavailable(error.into()))
}

/// Every job's name, for help texts.
pub fn names() -> Vec<&'static str> {
    JOBS.iter().map(|job| job.name).collect()
}

/// The scheduled run `now` falls in, for a job by name: the in-process
/// schedule runs a job whenever this changes, as EventBridge Scheduler would
/// have fired it once per slot.
pub fn slot(name: &str, now: DateTime<Utc>) -> Option<String> {
    match name {
        // Daily, just after midnight UK time.
        "apply_revocations" | "archive_cases" | "mark_inactive_schools" => Some(uk_date(now).to_string()),
        // #16: daily, its own arm so other daily jobs merge beside it.
        "send_erasure_reminders" => Some(uk_date(now).to_string()),
        // Retention (#16): daily too.
        "purge_mis_caches" => Some(uk_date(now).to_string()),
        // Tuesdays and Thursdays at 15:00 in London.
        "send_reminders" => {
            let today = uk_date(now);
            (0..8u64).find_map(|back| {
                let day = today.checked_sub_days(Days::new(back))?;
                if !matches!(day.weekday(), Weekday::Tue | Weekday::Thu) {
                    return None;
                }
                let fires = London.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(15, 0, 0)?)).single()?;
                (fires <= now).then(|| fires.to_rfc3339())
            })
        }
        // Every five minutes.
        "deliver_outbox" => Some((now.timestamp().div_euclid(300)).to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_fire_on_tuesday_and_thursday_afternoons_in_london() {
        // Monday 23 November 2026: the last slot was Thursday the 19th.
        let monday = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(slot("send_reminders", monday).unwrap(), "2026-11-19T15:00:00+00:00");
        let tuesday_before = Utc.with_ymd_and_hms(2026, 11, 24, 14, 59, 0).unwrap();
        assert_eq!(slot("send_reminders", tuesday_before), slot("send_reminders", monday));
        let tuesday_after = Utc.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap();
        assert_eq!(slot("send_reminders", tuesday_after).unwrap(), "2026-11-24T15:00:00+00:00");
        // In summer 15:00 London is 14:00 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 14, 30, 0).unwrap();
        assert_eq!(slot("send_reminders", summer).unwrap(), "2026-06-30T15:00:00+01:00");
        assert_eq!(slot("apply_revocations", monday).unwrap(), "2026-11-23");
        let later = monday + chrono::Duration::minutes(4);
        assert_eq!(slot("deliver_outbox", later), slot("deliver_outbox", monday), "one run per five minutes");
        assert_ne!(slot("deliver_outbox", monday + chrono::Duration::minutes(5)), slot("deliver_outbox", monday));
        assert!(JOBS.iter().all(|job| slot(job.name, monday).is_some()), "every job has a slot");
    }
}
