//! #16, proof of erasure after revoke: where a link stands. When an app's
//! access to a school ends, the app owes a confirmation that it erased the
//! school's data; the link says whether it came (`SchoolLinkRecord::erasure`,
//! for the revocation of `revoked_on`), and the erasure list (`ERASURES_DUE`)
//! holds every link still owing one. `links::prepare` keeps the list in step
//! with the links, as it does the reminder list, so the reminder job and the
//! operations console read one small partition, never a scan.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use gatehouse_model::SchoolView;
use serde_json::Value;

use crate::base::keys::Key;
use crate::base::ports::{Condition, Index, Query, TransactWrite, query_all};
use crate::store::records::{ErasureDueRecord, SchoolLinkRecord, from_item, plain_item};

/// Days after access ended on which the partner is reminded, while the app
/// has not confirmed.
pub const REMINDER_DAYS: [u32; 2] = [7, 14];
/// Days after which operations see an unconfirmed erasure as overdue: both
/// reminders have gone.
pub const OVERDUE_DAYS: u32 = 14;

/// The revocation (its UK date) whose erasure the app has not confirmed
/// yet, if the link owes one: a revoked link, until its app confirms. A
/// re-invited link owes nothing: access is being granted again.
pub fn owed(link: &SchoolLinkRecord) -> Option<NaiveDate> {
    let on = link.revoked_on.filter(|_| link.view == SchoolView::Revoked)?;
    (link.erasure.as_ref().map(|erasure| erasure.revoked_on) != Some(on)).then_some(on)
}

/// Days since access ended, while erasure is not confirmed, as the portals
/// show it on `today`. A revocation whose date has come counts from that
/// date before the daily job records it, as the read gate does (#12).
pub fn unconfirmed_days(link: &SchoolLinkRecord, today: NaiveDate) -> Option<u32> {
    let since = match link.view {
        SchoolView::Active => link.revoke_on.filter(|on| *on <= today),
        _ => owed(link),
    }?;
    Some(days_between(since, today))
}

/// Whole days from `since` to `today`, never negative.
pub fn days_between(since: NaiveDate, today: NaiveDate) -> u32 {
    u32::try_from((today - since).num_days().max(0)).unwrap_or(u32::MAX)
}

/// The writes that keep the erasure list in step with a change of `from`
/// into `to`: an entry while the link owes a confirmation, none otherwise.
pub fn list_writes(from: Option<&SchoolLinkRecord>, to: &SchoolLinkRecord) -> Option<TransactWrite> {
    let key = Key::ErasureDue(&to.app_id, &to.school_id);
    match (from.and_then(owed), owed(to)) {
        (before, Some(on)) if before != Some(on) => {
            let record = ErasureDueRecord {
                app_id: to.app_id.clone(),
                school_id: to.school_id.clone(),
                partner_id: to.partner_id.clone(),
                revoked_on: on,
            };
            Some(TransactWrite::Put { item: plain_item(&key, &record, 1), condition: Condition::Always })
        }
        (Some(_), None) => Some(TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Always }),
        _ => None,
    }
}

/// The path an app calls to confirm erasure at a school.
pub fn confirmation_path(school: &crate::SchoolId) -> String {
    format!("/api/v1/schools/{school}/erasure-confirmation")
}

/// The facts of an `authorisation.revoked` event only the commit knows: the
/// moment access ended and the address to confirm erasure at. The change
/// that revokes gives `revoked_on` and `revoked_by`.
pub fn revocation_facts(facts: &mut Value, link: &SchoolLinkRecord, now: DateTime<Utc>, public_url: &str) {
    if let Value::Object(facts) = facts {
        facts.insert("revoked_at".into(), Value::String(now.to_rfc3339_opts(SecondsFormat::Secs, true)));
        let url = format!("{public_url}{}", confirmation_path(&link.school_id));
        facts.insert("erasure_confirmation_url".into(), Value::String(url));
    }
}

/// #16, for the operations console: each partner's unconfirmed erasures
/// whose access ended `OVERDUE_DAYS` or more ago.
pub async fn overdue_by_partner(gatehouse: &crate::Gatehouse) -> crate::Result<std::collections::HashMap<String, u32>> {
    let today = crate::base::calendar::uk_date(gatehouse.clock.now());
    let mut counts = std::collections::HashMap::new();
    for item in
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, crate::base::keys::ERASURES_DUE)).await?
    {
        let due: ErasureDueRecord = from_item(&item)?;
        if days_between(due.revoked_on, today) >= OVERDUE_DAYS {
            *counts.entry(due.partner_id.to_string()).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::demo::sample_link;
    use crate::store::records::ErasureRecord;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn revoked(on: NaiveDate) -> SchoolLinkRecord {
        let mut link = sample_link();
        link.view = SchoolView::Revoked;
        link.revoke_on = None;
        link.revoked_on = Some(on);
        link
    }

    fn confirmed(link: &mut SchoolLinkRecord, revoked_on: NaiveDate) {
        let at = date(20).and_hms_opt(10, 0, 0).unwrap().and_utc();
        link.erasure = Some(ErasureRecord {
            revoked_on,
            erased_at: at,
            records: true,
            backups_erased_by: None,
            note: None,
            confirmed_at: at,
            log_seq: 9,
        });
    }

    #[test]
    fn a_revoked_link_owes_erasure_until_confirmed_for_that_revocation() {
        let mut link = revoked(date(10));
        assert_eq!(owed(&link), Some(date(10)));
        assert_eq!(unconfirmed_days(&link, date(17)), Some(7));
        confirmed(&mut link, date(2));
        assert_eq!(owed(&link), Some(date(10)), "a confirmation of an earlier revocation does not count");
        confirmed(&mut link, date(10));
        assert_eq!((owed(&link), unconfirmed_days(&link, date(17))), (None, None));
        let active = sample_link();
        assert_eq!(owed(&active), None);
        let scheduled = active.revoke_on.unwrap();
        assert_eq!(unconfirmed_days(&active, scheduled), Some(0), "the date has come: access ended");
    }

    #[test]
    fn the_list_follows_the_link() {
        let active = sample_link();
        let revoked = revoked(date(10));
        let Some(TransactWrite::Put { item, .. }) = list_writes(Some(&active), &revoked) else { panic!("listed") };
        assert_eq!(item.pk, "SCHEDULE#erasures");
        assert!(list_writes(Some(&revoked), &revoked).is_none(), "no write when nothing changes");
        let mut confirmed_link = revoked.clone();
        confirmed(&mut confirmed_link, date(10));
        assert!(matches!(list_writes(Some(&revoked), &confirmed_link), Some(TransactWrite::Delete { .. })));
        assert!(list_writes(None, &active).is_none());
    }
}
