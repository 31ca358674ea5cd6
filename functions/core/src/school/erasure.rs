//! #16, proof of erasure after revoke: the app's confirmation, and the
//! daily reminders to its partner while it has not come.
//!
//! When access to a school ends (the school or the partner revokes, or a
//! scheduled revocation's date comes), the app owes a confirmation that it
//! erased the school's data (`store::erasures`). It calls
//! `POST /api/v1/schools/{school_id}/erasure-confirmation` with its key; the
//! confirmation goes in the Authorisation Log, with a receipt for the school
//! and the partner, in the link's own transaction. The first confirmation is
//! final: a school trusts the record more when it cannot be rewritten, so a
//! different second one is refused and the same one again answers it again.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use gatehouse_model::{BackupErasure, ErasureConfirmation, ErasureConfirmationRequest, LogEvent, SchoolView};

use crate::base::calendar::{date_field, uk_date};
use crate::base::keys::ERASURES_DUE;
use crate::base::ports::{Condition, Index, Query, query_all};
use crate::base::refusal::Refusal;
use crate::partner::app_keys::AppCaller;
use crate::school::revocations::{JOB_ACTOR, scheduled_revocation};
use crate::store::erasures::{self, REMINDER_DAYS, days_between};
use crate::store::link_loading::find;
use crate::store::links::{Change, commit};
use crate::store::records::{ErasureDueRecord, ErasureRecord, SchoolLinkRecord, from_item};
use crate::{Error, Gatehouse, Result, SchoolId, store::emails, store::outbox};

/// The longest note an app may add.
pub const NOTE_MAX_CHARS: usize = 500;
/// Backups must be gone at most this long after the records.
pub const BACKUP_DAYS_MAX: i64 = 90;
/// How far ahead of Gatehouse's clock `erased_at` may be (clocks differ).
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// A confirmation as the app sent it, checked against the revocation it
/// answers: what is stored and compared.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Confirmed {
    erased_at: DateTime<Utc>,
    records: bool,
    backups_erased_by: Option<NaiveDate>,
    note: Option<String>,
}

fn parse(request: &ErasureConfirmationRequest, revoked_on: NaiveDate, now: DateTime<Utc>) -> Result<Confirmed> {
    let erased_at = DateTime::parse_from_rfc3339(request.erased_at.trim())
        .map_err(|_| Error::invalid("erased_at", "give a date and time in RFC 3339, e.g. 2026-11-24T10:00:00Z"))?
        .with_timezone(&Utc);
    if erased_at > now + CLOCK_SKEW {
        return Err(Error::invalid("erased_at", "the erasure cannot be in the future"));
    }
    if uk_date(erased_at) < revoked_on {
        return Err(Error::invalid("erased_at", format!("access ended on {revoked_on}: erasure cannot be before it")));
    }
    if !request.records {
        return Err(Error::invalid("records", "confirm once the school's records are erased (records: true)"));
    }
    let backups_erased_by = match request.backups.erased_by.as_deref() {
        None => None,
        Some(raw) => {
            let by = date_field("backups.erased_by", raw)?;
            if by < uk_date(erased_at) {
                return Err(Error::invalid("backups.erased_by", "backups cannot be erased before the records"));
            }
            if by > uk_date(erased_at) + Duration::days(BACKUP_DAYS_MAX) {
                return Err(Error::invalid(
                    "backups.erased_by",
                    format!("backups must be erased within {BACKUP_DAYS_MAX} days of the records"),
                ));
            }
            Some(by)
        }
    };
    let note = request.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    if let Some(note) = note {
        if note.chars().count() > NOTE_MAX_CHARS {
            return Err(Error::invalid("note", format!("at most {NOTE_MAX_CHARS} characters")));
        }
        if note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Error::invalid("note", "no control characters"));
        }
    }
    Ok(Confirmed { erased_at, records: true, backups_erased_by, note: note.map(str::to_owned) })
}

fn answer(link: &SchoolLinkRecord, erasure: &ErasureRecord) -> ErasureConfirmation {
    let at = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    ErasureConfirmation {
        school_id: link.school_id.to_string(),
        revoked_on: erasure.revoked_on.to_string(),
        erased_at: at(erasure.erased_at),
        records: erasure.records,
        backups: BackupErasure { erased_by: erasure.backups_erased_by.map(|by| by.to_string()) },
        note: erasure.note.clone(),
        confirmed_at: at(erasure.confirmed_at),
        log_seq: erasure.log_seq,
    }
}

/// The log's words for a confirmation.
fn detail(confirmed: &Confirmed) -> String {
    let backups = match confirmed.backups_erased_by {
        Some(by) => format!("backups erased by {by}"),
        None => "no backups kept".to_owned(),
    };
    let note = confirmed.note.as_deref().map(|note| format!(" Note: {note}")).unwrap_or_default();
    let erased_at = confirmed.erased_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    format!("The app confirmed it erased the school's data: records erased at {erased_at}; {backups}.{note}")
}

/// `POST /api/v1/schools/{school_id}/erasure-confirmation`.
pub async fn confirm(
    gatehouse: &Gatehouse,
    caller: &AppCaller,
    school_id: &SchoolId,
    request: &ErasureConfirmationRequest,
) -> Result<ErasureConfirmation> {
    let now = gatehouse.clock.now();
    let today = uk_date(now);
    let mut loaded = find(gatehouse, &caller.app.app_id, school_id).await?.ok_or(Error::NotFound("school"))?;
    // Keys are per app, and so are links; belt and braces.
    if loaded.link.partner_id != caller.actor.partner_id {
        return Err(Error::NotFound("school"));
    }
    // A scheduled revocation whose date has come ended access, whether or not
    // the daily job has recorded it: record it now, by the job's own rule.
    if loaded.link.view == SchoolView::Active && loaded.link.view_on(today) == SchoolView::Revoked {
        loaded = commit(gatehouse, &loaded, scheduled_revocation(&loaded.link, today), JOB_ACTOR).await?;
        outbox::deliver_or_log(gatehouse).await;
    }
    let link = &loaded.link;
    let revoked_on = match (link.view, link.revoked_on) {
        (SchoolView::Revoked, Some(on)) => on,
        (SchoolView::Active, _) => return Err(Error::Refused(Refusal::NotRevoked)),
        // Never authorised, cancelled, or invited again: no erasure is owed.
        _ => return Err(Error::NotFound("school")),
    };
    let confirmed = parse(request, revoked_on, now)?;
    if let Some(erasure) = link.erasure.as_ref().filter(|erasure| erasure.revoked_on == revoked_on) {
        let stored = Confirmed {
            erased_at: erasure.erased_at,
            records: erasure.records,
            backups_erased_by: erasure.backups_erased_by,
            note: erasure.note.clone(),
        };
        if stored == confirmed {
            return Ok(answer(link, erasure));
        }
        return Err(Error::Refused(Refusal::ErasureAlreadyConfirmed));
    }
    let erasure = ErasureRecord {
        revoked_on,
        erased_at: confirmed.erased_at,
        records: confirmed.records,
        backups_erased_by: confirmed.backups_erased_by,
        note: confirmed.note.clone(),
        confirmed_at: now,
        log_seq: link.log_seq + 1,
    };
    let mut next = link.clone();
    next.erasure = Some(erasure.clone());
    let change =
        Change::new(next).keeping_tokens().log(LogEvent::ErasureConfirmed, detail(&confirmed)).with_receipts(None);
    let actor = format!("{} (app)", caller.app.name);
    let saved = commit(gatehouse, &loaded, change, &actor).await?;
    outbox::deliver_or_log(gatehouse).await;
    Ok(answer(&saved.link, &erasure))
}

/// What one run of the reminder job did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErasureReminderRun {
    /// Reminders put in the outbox (sent through `suppression::send`).
    pub reminded: u32,
    /// Unconfirmed, but no day-mark reached or none left to remind of.
    pub waiting: u32,
    /// No longer owed (confirmed, invited again): taken off the list.
    pub stale: u32,
    /// Owed, but the link names no partner contact to write to.
    pub no_contact: u32,
}

/// The day-mark a link is due a reminder for on `today`, if any: the
/// latest one reached and not reminded of yet (a run missed on day 7 and
/// made on day 14 sends one reminder, not two).
pub fn reminder_due(link: &SchoolLinkRecord, revoked_on: NaiveDate, today: NaiveDate) -> Option<u32> {
    let days = days_between(revoked_on, today);
    let mark = REMINDER_DAYS.into_iter().rev().find(|mark| days >= *mark)?;
    (!link.erasure_reminded.contains(&mark)).then_some(mark)
}

/// The reminder's change: the link records the day-marks reminded of and
/// the log says so; the email waits in the outbox with it.
fn reminder(gatehouse: &Gatehouse, link: &SchoolLinkRecord, revoked_on: NaiveDate, mark: u32) -> Result<Change> {
    let contact = link.partner_contact.clone().ok_or(Error::NotFound("partner contact"))?;
    let public = &gatehouse.settings.public_url;
    let days = days_between(revoked_on, uk_date(gatehouse.clock.now()));
    let app_name = link.app_name.clone().unwrap_or_else(|| link.app_id.to_string());
    let partner_name = link.partner_name.clone().unwrap_or_else(|| link.partner_id.to_string());
    let page = format!("{public}/schools/revoked?school={}", link.school_id);
    let api_url = format!("{public}{}", erasures::confirmation_path(&link.school_id));
    let revoked = revoked_on.to_string();
    let mail = emails::ErasureReminderMail {
        partner_name: &partner_name,
        school_name: &link.name,
        app_name: &app_name,
        revoked_on: &revoked,
        days,
        api_url: &api_url,
        link: &page,
    };
    let email = emails::erasure_reminder(contact.clone(), &mail)?;
    let mut next = link.clone();
    next.erasure_reminded = REMINDER_DAYS.into_iter().filter(|reached| *reached <= mark).collect();
    let detail = format!("Erasure not yet confirmed after {days} days: reminder sent to {}", contact.as_str());
    Ok(Change::new(next)
        .keeping_tokens()
        .log(LogEvent::ErasureReminded, detail)
        .also(outbox::email(email, gatehouse.clock.now())?))
}

/// The daily job: reminds the partner contact of each link whose erasure is
/// unconfirmed 7 and 14 days after access ended, once per day-mark.
pub async fn remind_due(gatehouse: &Gatehouse) -> Result<ErasureReminderRun> {
    let today = uk_date(gatehouse.clock.now());
    let due = query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, ERASURES_DUE)).await?;
    let mut run = ErasureReminderRun::default();
    for entry in due {
        let due: ErasureDueRecord = from_item(&entry)?;
        let link = find(gatehouse, &due.app_id, &due.school_id).await?;
        let Some(loaded) = link.filter(|loaded| erasures::owed(&loaded.link) == Some(due.revoked_on)) else {
            gatehouse.table.delete(&entry.pk, &entry.sk, Condition::Always).await?;
            run.stale += 1;
            continue;
        };
        let Some(mark) = reminder_due(&loaded.link, due.revoked_on, today) else {
            run.waiting += 1;
            continue;
        };
        if loaded.link.partner_contact.is_none() {
            run.no_contact += 1;
            continue;
        }
        let change = reminder(gatehouse, &loaded.link, due.revoked_on, mark)?;
        match commit(gatehouse, &loaded, change, JOB_ACTOR).await {
            Ok(_) => run.reminded += 1,
            // Confirmed meanwhile: tomorrow's run finds it off the list.
            Err(Error::Conflict(_)) => continue,
            Err(error) => return Err(error),
        }
    }
    outbox::deliver_or_log(gatehouse).await;
    tracing::info!(
        reminded = run.reminded,
        waiting = run.waiting,
        stale = run.stale,
        no_contact = run.no_contact,
        "erasure reminders"
    );
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn request(erased_at: &str, backups: Option<&str>, note: Option<&str>) -> ErasureConfirmationRequest {
        ErasureConfirmationRequest {
            erased_at: erased_at.into(),
            records: true,
            backups: BackupErasure { erased_by: backups.map(str::to_owned) },
            note: note.map(str::to_owned),
        }
    }

    #[test]
    fn a_confirmation_is_checked_against_the_revocation_and_the_clock() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let ok = parse(&request("2026-11-22T09:00:00+01:00", Some("2026-12-20"), Some(" Done. ")), date(20), now);
        let ok = ok.unwrap();
        assert_eq!(ok.erased_at, Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap());
        assert_eq!((ok.backups_erased_by, ok.note.as_deref()), (Some(date(20) + Duration::days(30)), Some("Done.")));
        let field = |result: Result<Confirmed>| match result {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(parse(&request("yesterday", None, None), date(20), now)), "erased_at");
        assert_eq!(field(parse(&request("2026-11-24T12:00:00Z", None, None), date(20), now)), "erased_at");
        assert_eq!(field(parse(&request("2026-11-19T12:00:00Z", None, None), date(20), now)), "erased_at");
        let early_backups = request("2026-11-22T12:00:00Z", Some("2026-11-21"), None);
        assert_eq!(field(parse(&early_backups, date(20), now)), "backups.erased_by");
        let late_backups = request("2026-11-22T12:00:00Z", Some("2027-03-01"), None);
        assert_eq!(field(parse(&late_backups, date(20), now)), "backups.erased_by");
        let long = "x".repeat(NOTE_MAX_CHARS + 1);
        assert_eq!(field(parse(&request("2026-11-22T12:00:00Z", None, Some(&long)), date(20), now)), "note");
        let mut kept = request("2026-11-22T12:00:00Z", None, None);
        kept.records = false;
        assert_eq!(field(parse(&kept, date(20), now)), "records");
    }

    #[test]
    fn a_revocation_applied_for_its_date_says_so_and_ends_access_on_that_date() {
        let link = crate::fixtures::demo::sample_link();
        let due = link.revoke_on.unwrap();
        let change = scheduled_revocation(&link, due + Duration::days(2));
        assert_eq!(change.link.revoked_on, Some(due), "the job ran late: access still ended on the date");
        let (kind, facts) = &change.events[0];
        assert_eq!(*kind, crate::store::domain_events::EventKind::AuthorisationRevoked);
        assert_eq!(
            (facts["revoked_by"].as_str(), facts["revoked_on"].as_str()),
            (Some("date"), Some(&*due.to_string()))
        );
    }

    #[test]
    fn each_day_mark_is_reminded_once_and_the_latest_only() {
        let mut link = crate::fixtures::demo::sample_link();
        assert_eq!(reminder_due(&link, date(1), date(7)), None);
        assert_eq!(reminder_due(&link, date(1), date(8)), Some(7));
        link.erasure_reminded = vec![7];
        assert_eq!(reminder_due(&link, date(1), date(14)), None);
        assert_eq!(reminder_due(&link, date(1), date(15)), Some(14));
        link.erasure_reminded = vec![7, 14];
        assert_eq!(reminder_due(&link, date(1), date(30)), None);
        link.erasure_reminded.clear();
        assert_eq!(reminder_due(&link, date(1), date(20)), Some(14), "a missed day 7 is not sent late as well");
    }
}
