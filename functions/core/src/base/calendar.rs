//! Dates as the product means them: a UK school's calendar day. "Revoke from
//! 1 December" means from the start of 1 December in London, whatever UTC says.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;

use crate::{Error, Result};

/// The date in the UK at `now`.
pub fn uk_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&London).date_naive()
}

/// Whether `raw` is shaped like `pattern`: `9` a digit, anything else itself.
/// chrono's `%Y`, `%H` and `%M` alone also take a sign, more digits or fewer
/// (`+002026-11-23` is 2026-11-23 to them), so the shape is checked first
/// (issue 18).
pub fn shaped(raw: &str, pattern: &str) -> bool {
    raw.len() == pattern.len()
        && raw.bytes().zip(pattern.bytes()).all(|(c, p)| if p == b'9' { c.is_ascii_digit() } else { c == p })
}

/// A `YYYY-MM-DD` date, exactly.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    shaped(raw, "9999-99-99").then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()).flatten()
}

/// The `YYYY-MM-DD` date a request sends in `field`, trimmed: how the edge
/// reads one, so the rules get a date, never its text.
pub fn date_field(field: &'static str, raw: &str) -> Result<NaiveDate> {
    parse_date(raw.trim()).ok_or_else(|| Error::invalid(field, "give the date as YYYY-MM-DD"))
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

    #[test]
    fn a_date_is_exactly_yyyy_mm_dd() {
        assert_eq!(parse_date("2026-11-23"), NaiveDate::from_ymd_opt(2026, 11, 23));
        for bad in ["+002026-11-23", "2026-11-23T10:00", "2026-2-3", " 2026-11-23", "2026-02-30", "２０２６-11-23"]
        {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_date_field_is_trimmed_and_named_when_refused() {
        assert_eq!(date_field("revoke_on", " 2026-11-23 ").unwrap(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert!(matches!(date_field("date", "23/11/2026"), Err(Error::Invalid { field: "date", .. })));
    }
}
