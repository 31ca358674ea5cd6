//! A5 usage: every data API call an app makes at a school is counted per
//! calendar month (UTC) with an atomic counter, so concurrent calls lose no
//! count. The partner's Active Schools list reads an app's month in one
//! Query and shows it as Month Stats.
//!
//! The month's item holds one counter per day (`day_01` … `day_31`), so the
//! same single atomic ADD per call also records freshness: the last day with
//! a count is the app's last pull at the school (G1), at no extra request.
//!
//! The lists read the month through [`month_cached`]: a warm process keeps
//! an app's month for [`MONTH_STATS_FOR`] (#14), because at 10,000 schools
//! the month is 10,000 items and a figure a minute old serves the list.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::base::keys::{Key, school_of_usage, usage_partition};
use crate::base::ports::{Increment, Index, Query, query_all};
use crate::base::retention::USAGE_KEPT_DAYS;
use crate::{AppId, Gatehouse, Result, SchoolId};

/// The month's counter before per-day counters; still summed.
const CALLS: &str = "calls";
/// A day's counter: `day_` and the day of the month, two digits.
const DAY_PREFIX: &str = "day_";

/// `YYYY-MM` of an instant.
pub fn month_of(now: DateTime<Utc>) -> String {
    now.format("%Y-%m").to_string()
}

fn day_counter(now: DateTime<Utc>) -> String {
    format!("{DAY_PREFIX}{:02}", now.day())
}

/// How long a warm process shows an app's month without reading it again.
pub const MONTH_STATS_FOR: Duration = Duration::seconds(60);

/// Apps' months as this process last read them, by app and month.
#[derive(Default)]
struct MonthCache {
    months: Mutex<KeptMonths>,
}

/// By app and month: when it was read, and its calls by school.
type KeptMonths = HashMap<(String, String), (DateTime<Utc>, Arc<MonthCalls>)>;

/// An app's calls per school in one month, as one read found them.
#[derive(Debug, Default)]
pub struct MonthCalls {
    /// Different for every read in this process, so whoever kept a figure
    /// from one read knows when there is a newer one (an address would not
    /// do: a dropped read's memory is reused).
    pub read: u64,
    pub by_school: HashMap<String, u64>,
}

static READS: AtomicU64 = AtomicU64::new(1);

impl MonthCache {
    fn lock(&self) -> MutexGuard<'_, KeptMonths> {
        self.months.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Counts one call; returns the calls of the day so far.
pub async fn count(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId) -> Result<u64> {
    let now = gatehouse.clock.now();
    let month = month_of(now);
    let key = Key::Usage(app, &month, school);
    let calls = gatehouse
        .table
        .add(Increment {
            pk: &key.pk(),
            sk: &key.sk(),
            counter: &day_counter(now),
            delta: 1,
            // Taken by the month's first call only (#16).
            expires_at: Some((now + Duration::days(USAGE_KEPT_DAYS)).timestamp()),
        })
        .await?;
    // A call this process counted shows at once in this process's lists
    // (the local server); other processes see it within MONTH_STATS_FOR.
    gatehouse.warm.get::<MonthCache>().lock().remove(&(app.to_string(), month));
    Ok(calls.max(0) as u64)
}

/// The month's calls in one usage item: every day's counter (and the old total).
fn total(attributes: &Map<String, Value>) -> u64 {
    attributes
        .iter()
        .filter(|(name, _)| name.as_str() == CALLS || name.starts_with(DAY_PREFIX))
        .filter_map(|(_, calls)| calls.as_u64())
        .sum()
}

/// The last day of `month` (`YYYY-MM`) with a counted call.
fn last_day(month: &str, attributes: &Map<String, Value>) -> Option<NaiveDate> {
    let day = attributes
        .iter()
        .filter(|(_, calls)| calls.as_u64().is_some_and(|calls| calls > 0))
        .filter_map(|(name, _)| name.strip_prefix(DAY_PREFIX)?.parse::<u32>().ok())
        .max()?;
    NaiveDate::parse_from_str(&format!("{month}-{day:02}"), "%Y-%m-%d").ok()
}

/// An app's calls per school in one month: one Query.
pub async fn month(gatehouse: &Gatehouse, app: &AppId, month: &str) -> Result<HashMap<String, u64>> {
    let query = Query::partition(Index::Primary, usage_partition(app, month));
    let mut counts = HashMap::new();
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        let Some(school) = school_of_usage(&item.sk) else { continue };
        counts.insert(school.to_owned(), total(&item.attributes));
    }
    Ok(counts)
}

/// [`month`], as this process read it less than [`MONTH_STATS_FOR`] ago.
pub async fn month_cached(gatehouse: &Gatehouse, app: &AppId, month: &str) -> Result<Arc<MonthCalls>> {
    let now = gatehouse.clock.now();
    let key = (app.to_string(), month.to_owned());
    let cache = gatehouse.warm.get::<MonthCache>();
    if let Some((read_at, counts)) = cache.lock().get(&key)
        && *read_at <= now
        && now - *read_at < MONTH_STATS_FOR
    {
        return Ok(counts.clone());
    }
    let by_school = self::month(gatehouse, app, month).await?;
    let counts = Arc::new(MonthCalls { read: READS.fetch_add(1, Ordering::Relaxed), by_school });
    cache.lock().insert(key, (now, counts.clone()));
    Ok(counts)
}

/// The app's last pull at the school (UTC day), this month or last: one
/// GetItem, two when there was none this month.
pub async fn last_pull(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId) -> Result<Option<NaiveDate>> {
    let now = gatehouse.clock.now();
    let earlier = now.checked_sub_months(Months::new(1)).unwrap_or(now);
    for month in [month_of(now), month_of(earlier)] {
        let key = Key::Usage(app, &month, school);
        if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await?
            && let Some(day) = last_day(&month, &item.attributes)
        {
            return Ok(Some(day));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn attributes(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn the_month_is_every_day_summed_and_the_last_pull_the_latest_day_counted() {
        let item = attributes(json!({"day_03": 4, "day_17": 2, "day_09": 0, "calls": 5, "month": "2026-11"}));
        assert_eq!(total(&item), 11);
        assert_eq!(last_day("2026-11", &item), NaiveDate::from_ymd_opt(2026, 11, 17));
        assert_eq!(last_day("2026-11", &attributes(json!({"calls": 5}))), None);
    }

    #[tokio::test]
    async fn another_process_count_shows_within_a_minute_and_this_one_at_once() {
        let memory = crate::fixtures::memory::seeded(crate::fixtures::memory::demo_now()).await.unwrap();
        let this = memory.gatehouse.clone();
        let other = Gatehouse { warm: Default::default(), ..this.clone() };
        let app = AppId::parse(crate::fixtures::demo::DEMO_APP).unwrap();
        let school = SchoolId::parse("3280001").unwrap();
        let month = month_of(crate::base::ports::Clock::now(memory.clock.as_ref()));
        let calls = async |gatehouse: &Gatehouse| {
            month_cached(gatehouse, &app, &month).await.unwrap().by_school.get("3280001").copied()
        };
        let before = calls(&this).await;

        count(&other, &app, &school).await.unwrap();
        assert_eq!(calls(&this).await, before, "kept for a minute");
        memory.clock.advance(MONTH_STATS_FOR);
        let seen = calls(&this).await;
        assert_eq!(seen, Some(before.unwrap_or(0) + 1));
        count(&this, &app, &school).await.unwrap();
        assert_eq!(calls(&this).await, seen.map(|calls| calls + 1), "a call this process counted shows at once");
    }

    #[test]
    fn a_call_counts_on_its_utc_day() {
        let late = Utc.with_ymd_and_hms(2026, 11, 3, 23, 59, 0).unwrap();
        assert_eq!(day_counter(late), "day_03");
        assert_eq!(month_of(late), "2026-11");
    }
}
