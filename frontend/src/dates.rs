//! Dates as the screens show them. The API speaks ISO 8601 (`2025-12-01`) and RFC 3339 in UTC;
//! people read "1 December 2025" and their own clock's time. Only `today` and `local_time` ask
//! the browser; the formatting is plain Rust so it is tested on the host.

use web_sys::js_sys::Date;
use web_sys::wasm_bindgen::JsValue;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Today on this computer's calendar, `YYYY-MM-DD`: what a date input's `min` and value take.
pub fn today() -> String {
    let now = Date::new_0();
    iso_date(now.get_full_year(), now.get_month() + 1, now.get_date())
}

fn iso_date(year: u32, month: u32, day: u32) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// `2025-12-01` → `1 December 2025`; anything else is shown as it came.
pub fn long_date(iso: &str) -> String {
    parse_iso_date(iso)
        .map(|(year, month, day)| format!("{day} {} {year}", MONTHS[month as usize - 1]))
        .unwrap_or_else(|| iso.to_owned())
}

fn parse_iso_date(iso: &str) -> Option<(u32, u32, u32)> {
    let mut parts = iso.splitn(3, '-');
    let year = parts.next().filter(|part| part.len() == 4)?.parse().ok()?;
    let month = parts.next().filter(|part| part.len() == 2)?.parse().ok().filter(|month| (1..=12).contains(month))?;
    let day = parts.next().filter(|part| part.len() == 2)?.parse().ok().filter(|day| (1..=31).contains(day))?;
    Some((year, month, day))
}

/// An RFC 3339 instant in this computer's time zone: `1 Dec 2025, 14:05`. An instant the
/// browser cannot read is shown as it came rather than as "Invalid Date".
pub fn local_time(rfc3339: &str) -> String {
    let date = Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    short_date_time(date.get_full_year(), date.get_month() + 1, date.get_date(), date.get_hours(), date.get_minutes())
}

fn short_date_time(year: u32, month: u32, day: u32, hour: u32, minute: u32) -> String {
    let month = MONTHS.get(month as usize - 1).map_or("", |name| &name[..3]);
    format!("{day} {month} {year}, {hour:02}:{minute:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_padded() {
        assert_eq!(iso_date(2025, 3, 7), "2025-03-07");
    }

    #[test]
    fn long_dates_spell_the_month() {
        assert_eq!(long_date("2025-12-01"), "1 December 2025");
        assert_eq!(long_date("2026-01-31"), "31 January 2026");
    }

    #[test]
    fn what_is_not_a_date_is_shown_as_it_came() {
        for text in ["", "soon", "2025-13-01", "2025-1-01", "25-01-01"] {
            assert_eq!(long_date(text), text);
        }
    }

    #[test]
    fn times_are_short_and_padded() {
        assert_eq!(short_date_time(2025, 12, 1, 9, 5), "1 Dec 2025, 09:05");
    }
}
