//! The changes to a school link that the partner's tile (P6) and the school
//! portal (S3) both make: revoking access, today or from a date, and
//! cancelling a revocation not yet applied. One rule each, whichever portal
//! asks; the caller loads the link, checks the actor may act, commits the
//! change (with the receipts its side sends) and words the answer.

use chrono::NaiveDate;
use gatehouse_model::{LogEvent, SchoolView};
use serde_json::json;

use crate::base::keys::Key;
use crate::base::ports::{Condition, TransactWrite};
use crate::store::domain_events::EventKind;
use crate::store::links::Change;
use crate::store::records::{RevocationDueRecord, SchoolLinkRecord, Waiting, plain_item};
use crate::{Error, Result};

/// Who changes a link, as the link's fields and its log entries name them.
pub enum Actor<'a> {
    /// A partner user, by display name.
    Partner { name: &'a str },
    /// A school user: `name` as their account shows it, `approver` with
    /// their role, as the partner reads it in the log.
    School { name: &'a str, approver: &'a str },
}

impl Actor<'_> {
    fn name(&self) -> &str {
        match self {
            Actor::Partner { name } | Actor::School { name, .. } => name,
        }
    }

    /// Who ended access, on the link: the school's own revocations say
    /// "School".
    fn revoked_by(&self) -> &str {
        match self {
            Actor::Partner { name } => name,
            Actor::School { .. } => "School",
        }
    }

    fn ended_by(&self) -> EndedBy {
        match self {
            Actor::Partner { .. } => EndedBy::Partner,
            Actor::School { .. } => EndedBy::School,
        }
    }

    /// The log's words for a school user; the partner's own entries name
    /// them in the actor column alone.
    fn by(&self) -> Option<String> {
        match self {
            Actor::Partner { .. } => None,
            Actor::School { approver, .. } => Some(format!("{approver} (school)")),
        }
    }
}

/// #16: who ended access, as the `authorisation.revoked` event says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    School,
    Partner,
    /// A revocation scheduled for a date, applied when the date came.
    Date,
}

impl EndedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::School => "school",
            EndedBy::Partner => "partner",
            EndedBy::Date => "date",
        }
    }
}

/// What revoking a link's access on a date comes to.
pub enum Revocation {
    /// The date is today: access ends now.
    Now(Change),
    /// A later date: the link shows as Revoke Pending until the daily job.
    Scheduled(Change),
    /// Access already ends on that date: nothing to change.
    AlreadyScheduled,
}

/// The date access ends, from the form (parsed at the edge): today or later.
pub fn revoke_date(on: NaiveDate, today: NaiveDate) -> Result<NaiveDate> {
    if on < today {
        return Err(Error::invalid("revoke_on", "choose today or a later date"));
    }
    Ok(on)
}

/// Revokes access to an Active link on `on` (today or later), with the
/// actor's `reason` in the log. The caller has checked the link is Active
/// and `on` is not in the past.
pub fn revoke(
    link: &SchoolLinkRecord,
    on: NaiveDate,
    today: NaiveDate,
    actor: &Actor<'_>,
    reason: Option<&str>,
) -> Revocation {
    let reason = reason.map(|reason| format!(" Reason: {}.", reason.trim_end_matches('.'))).unwrap_or_default();
    if on == today {
        let by = actor.by().map(|by| format!(" by {by}")).unwrap_or_default();
        let detail = format!("Access revoked{by}.{reason} Now: no data is shared");
        let change = revoked(link, today, actor.revoked_by(), actor.ended_by());
        return Revocation::Now(change.log(LogEvent::Revoked, detail));
    }
    if link.revoke_on == Some(on) {
        return Revocation::AlreadyScheduled;
    }
    let mut next = link.clone();
    next.revoke_on = Some(on);
    next.revoke_requested_by = Some(actor.name().to_owned());
    let by = actor.by().map(|by| format!(", scheduled by {by}")).unwrap_or_default();
    let mut change = Change::new(next)
        .log(LogEvent::RevokeScheduled, format!("Access ends on {on}{by}.{reason}"))
        .also(revocation_due(link, on));
    if let Some(write) = revocation_no_longer_due(link) {
        change = change.also(write);
    }
    Revocation::Scheduled(change)
}

/// Takes back a revocation not yet applied: the date it was due, and the
/// change; `None` if the link has none pending.
pub fn cancel_revocation(link: &SchoolLinkRecord, actor: &Actor<'_>) -> Option<(NaiveDate, Change)> {
    let on = link.revoke_on.filter(|_| link.view == SchoolView::Active)?;
    let mut next = link.clone();
    next.revoke_on = None;
    next.revoke_requested_by = None;
    let by = actor.by().map(|by| format!(" by {by}")).unwrap_or_default();
    let mut change =
        Change::new(next).log(LogEvent::RevokeCancelled, format!("The revocation from {on} was cancelled{by}"));
    if let Some(write) = revocation_no_longer_due(link) {
        change = change.also(write);
    }
    Some((on, change))
}

/// The write that queues a revocation for the daily job.
pub(crate) fn revocation_due(link: &SchoolLinkRecord, on: NaiveDate) -> TransactWrite {
    let key = Key::RevocationDue(on, &link.app_id, &link.school_id);
    let record = RevocationDueRecord { app_id: link.app_id.clone(), school_id: link.school_id.clone(), revoke_on: on };
    TransactWrite::Put { item: plain_item(&key, &record, 1), condition: Condition::Always }
}

/// The write that removes a queued revocation, if the link has one.
pub(crate) fn revocation_no_longer_due(link: &SchoolLinkRecord) -> Option<TransactWrite> {
    link.revoke_on.map(|on| {
        let key = Key::RevocationDue(on, &link.app_id, &link.school_id);
        TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Always }
    })
}

/// Ends access now: the link moves to Revoked and the school must authorise
/// again. Used by the action (date = today) and the daily job.
pub(crate) fn revoked(link: &SchoolLinkRecord, today: NaiveDate, by: &str, ended_by: EndedBy) -> Change {
    let mut next = link.clone();
    next.view = SchoolView::Revoked;
    next.revoked_on = Some(today);
    next.revoked_by = Some(by.to_owned());
    next.revoke_on = None;
    next.revoke_requested_by = None;
    next.granted_scopes.clear();
    next.reauthorisation_requested_for = None;
    next.reauthorisation_answered_for = None;
    next.pending_grant = None;
    next.priority = false;
    // #16: a new revocation owes a new erasure confirmation.
    next.erasure = None;
    next.erasure_reminded.clear();
    let facts = json!({ "revoked_on": today.to_string(), "revoked_by": ended_by.as_str() });
    let mut change = Change::new(next).event(EventKind::AuthorisationRevoked, facts);
    if let Some(write) = dequeue_verification(link) {
        change = change.also(write);
    }
    if let Some(write) = revocation_no_longer_due(link) {
        change = change.also(write);
    }
    change
}

/// The write that takes `link` off the operations queue, when a change ends
/// the grant that waited there (a revoke, a cancelled invitation).
pub fn dequeue_verification(link: &SchoolLinkRecord) -> Option<TransactWrite> {
    (link.waiting_for() == Some(Waiting::Verification)).then(|| {
        let key = Key::VerificationDue(&link.app_id, &link.school_id);
        TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Always }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::demo::sample_link;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn deletes_revocation_due(change: &Change, on: NaiveDate) -> bool {
        let key = Key::RevocationDue(on, &change.link.app_id, &change.link.school_id);
        change
            .also
            .iter()
            .any(|write| matches!(write, TransactWrite::Delete { pk, sk, .. } if *pk == key.pk() && *sk == key.sk()))
    }

    #[test]
    fn revoking_today_ends_access_and_drops_the_scheduled_date() {
        let link = sample_link();
        let scheduled = link.revoke_on.unwrap();
        let actor = Actor::School { name: "Ann", approver: "Ann (admin)" };
        let Revocation::Now(change) = revoke(&link, date(23), date(23), &actor, Some("No longer used.")) else {
            panic!("today revokes now");
        };
        assert_eq!(change.link.view, SchoolView::Revoked);
        assert_eq!(change.link.revoked_by.as_deref(), Some("School"));
        assert!(change.link.granted_scopes.is_empty() && change.link.revoke_on.is_none());
        assert_eq!(
            change.log,
            [(
                LogEvent::Revoked,
                "Access revoked by Ann (admin) (school). Reason: No longer used. Now: no data is shared".into()
            )]
        );
        assert!(deletes_revocation_due(&change, scheduled));
    }

    #[test]
    fn a_later_date_is_scheduled_once_whoever_asks() {
        let mut link = sample_link();
        link.revoke_on = None;
        let actor = Actor::Partner { name: "Pat" };
        let Revocation::Scheduled(change) = revoke(&link, date(30), date(23), &actor, None) else {
            panic!("a later date schedules");
        };
        assert_eq!((change.link.revoke_on, change.link.revoke_requested_by.as_deref()), (Some(date(30)), Some("Pat")));
        assert_eq!(change.log, [(LogEvent::RevokeScheduled, "Access ends on 2026-11-30.".into())]);
        link.revoke_on = Some(date(30));
        assert!(matches!(revoke(&link, date(30), date(23), &actor, None), Revocation::AlreadyScheduled));
    }

    #[test]
    fn cancelling_needs_a_pending_revocation() {
        let mut link = sample_link();
        let on = link.revoke_on.unwrap();
        let actor = Actor::Partner { name: "Pat" };
        let (cancelled_on, change) = cancel_revocation(&link, &actor).expect("a revocation is pending");
        assert_eq!(cancelled_on, on);
        assert!(change.link.revoke_on.is_none() && change.link.revoke_requested_by.is_none());
        assert!(deletes_revocation_due(&change, on));
        link.revoke_on = None;
        assert!(cancel_revocation(&link, &actor).is_none());
    }
}
