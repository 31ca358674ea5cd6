//! How long the records without a lifetime of their own are kept (#16).
//! Every period is stated once, in `docs/RETENTION.md`, and a test
//! (`data::retention`) holds each row of that table to the constant the code
//! uses, so the two cannot drift.

/// Days a school's MIS cache (pupil, staff, contact and group records) is
/// kept once no app has access: counted from the day the last authorisation
/// ended, or from the agent's first push when no app was ever authorised.
pub const MIS_CACHE_UNUSED_DAYS: i64 = 30;

/// Days an app's usage counts for a month at a school (`USAGE#`) are kept
/// after the month's first call: Month Stats show this month and last, and
/// a year-on-year comparison needs thirteen months.
pub const USAGE_KEPT_DAYS: i64 = 400;
