//! Dates as the product means them: a UK school's calendar day. "Revoke from
//! 1 December" means from the start of 1 December in London, whatever UTC says.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;

/// The date in the UK at `now`.
pub fn uk_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&London).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn british_summer_time_moves_the_date_an_hour_early() {
        // 23:30 UTC on 30 June is 00:30 BST on 1 July.
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap();
        assert_eq!(uk_date(summer), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        // In winter London is on UTC.
        let winter = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(uk_date(winter), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    }
}
