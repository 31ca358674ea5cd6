//! Loading and saving one app–school link: the partner's view of a school.
//!
//! Every change is one transaction: the link at its next version (conditional
//! on the version read), its new Authorisation Log entries, and whatever else
//! the change needs (an invitation token, a scheduled revocation), including
//! the receipts and events it makes due, in the outbox (issue 18). Either all
//! of it happens or none does, and a concurrent change makes this one fail
//! with a conflict rather than overwrite it.

use gatehouse_model::{LogEvent, SchoolView};
use serde_json::Value;

use crate::base::keys::Key;
use crate::base::ports::{Condition, StoreError, TransactWrite};
use crate::store::authorisation_log;
use crate::store::dashboard::dashboard_entry;
use crate::store::domain_events::{self, EventKind};
pub use crate::store::link_loading::{
    LoadedLink, app_of, app_record, link_item, link_writes, load, load_for_school, school_links,
};
use crate::store::records::{LogEntryRecord, ReminderDueRecord, SchoolLinkRecord, from_item, plain_item};
use crate::{EmailAddress, Error, Gatehouse, Result, store::outbox, store::receipts};

/// Whether the link sits in Pending Authorisations with nobody at the school
/// having answered yet, so reminders go out. One whose answer waits for the
/// school's admins or for verification is not reminded.
pub fn awaits_authorisation(link: &SchoolLinkRecord) -> bool {
    link.view == SchoolView::Pending && link.cancelled_on.is_none() && link.pending_grant.is_none()
}

/// The reminder job's list entry for a pending link.
pub fn reminder_due(link: &SchoolLinkRecord) -> TransactWrite {
    let key = Key::ReminderDue(&link.app_id, &link.school_id);
    let record = ReminderDueRecord { app_id: link.app_id.clone(), school_id: link.school_id.clone() };
    TransactWrite::Put { item: plain_item(&key, &record, 1), condition: Condition::Always }
}

/// What an action on a link did, as its answer's `changed` says: a repeat
/// (already a priority, nothing pending to cancel) is `Unchanged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Changed,
    Unchanged,
}

/// A change to a link: the new state, what to log, and other writes.
pub struct Change {
    pub link: SchoolLinkRecord,
    pub log: Vec<(LogEvent, String)>,
    pub also: Vec<TransactWrite>,
    /// Whether an outstanding invitation token survives the change.
    pub tokens: Tokens,
    /// Email the receipt of each new receipt-bearing log entry (to the
    /// school contact, the partner contact, and this address when given).
    pub receipts: Option<Option<EmailAddress>>,
    /// Domain events the change makes due: kind and facts.
    pub events: Vec<(EventKind, Value)>,
}

/// What a change does to the link's outstanding invitation token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokens {
    /// The default: a token ends with the state it was issued for (#12).
    Supersede,
    /// Changes that do not touch what the school consented to (priority, the
    /// agent's facts, one person's selection) leave the emailed link working.
    Keep,
}

impl Change {
    pub fn new(link: SchoolLinkRecord) -> Self {
        Change {
            link,
            log: Vec::new(),
            also: Vec::new(),
            tokens: Tokens::Supersede,
            receipts: None,
            events: Vec::new(),
        }
    }

    pub fn keeping_tokens(mut self) -> Self {
        self.tokens = Tokens::Keep;
        self
    }

    pub fn log(mut self, event: LogEvent, detail: impl Into<String>) -> Self {
        self.log.push((event, detail.into()));
        self
    }

    pub fn also(mut self, write: TransactWrite) -> Self {
        self.also.push(write);
        self
    }

    /// Emails the receipts of the change's log entries, also to `actor`.
    pub fn with_receipts(mut self, actor: Option<&EmailAddress>) -> Self {
        self.receipts = Some(actor.cloned());
        self
    }

    /// Publishes an event about the link once the change is committed.
    pub fn event(mut self, kind: EventKind, facts: Value) -> Self {
        self.events.push((kind, facts));
        self
    }
}

/// Writes a change made by `actor` to a link read at `from.version`, with
/// its receipts and events in the outbox: call `outbox::deliver` after.
pub async fn commit(gatehouse: &Gatehouse, from: &LoadedLink, change: Change, actor: &str) -> Result<LoadedLink> {
    let (writes, saved) = prepare(gatehouse, from, change, actor).await?;
    gatehouse.table.transact(writes).await.map_err(|error| match error {
        StoreError::ConditionFailed { .. } => {
            Error::Conflict("this school was changed by someone else meanwhile; reload it and try again")
        }
        other => other.into(),
    })?;
    Ok(saved)
}

/// The writes of [`commit`], for a transaction that changes more than the
/// link (issue 18: the agent's facts go to every link of a school with its
/// feed), and the link as they leave it.
pub async fn prepare(
    gatehouse: &Gatehouse,
    from: &LoadedLink,
    change: Change,
    actor: &str,
) -> Result<(Vec<TransactWrite>, LoadedLink)> {
    let now = gatehouse.clock.now();
    let mut link = change.link;
    // A token the change did not replace stops working: the link no longer
    // names it (`invitations::live`).
    if change.tokens == Tokens::Supersede && from.version != 0 && link.invitation == from.link.invitation {
        link.invitation = None;
    }
    let entries: Vec<TransactWrite> = change
        .log
        .into_iter()
        .map(|(event, detail)| authorisation_log::append(&mut link, event, actor, detail, now))
        .collect();
    let version = from.version + 1;
    // Version 0 is a link not stored yet: create it, unless someone just did.
    let condition = if from.version == 0 { Condition::NotExists } else { Condition::VersionIs(from.version) };
    let mut writes = link_writes(&link, version, condition, now).to_vec();
    writes.extend(entries);
    // Keep the reminder job's list in step with the link.
    let was_pending = from.version != 0 && awaits_authorisation(&from.link);
    match (was_pending, awaits_authorisation(&link)) {
        (false, true) => writes.push(reminder_due(&link)),
        (true, false) => {
            let key = Key::ReminderDue(&link.app_id, &link.school_id);
            writes.push(TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Always });
        }
        _ => {}
    }
    // #16: keep the erasure list in step with the link.
    let before = (from.version != 0).then_some(&from.link);
    writes.extend(crate::store::erasures::list_writes(before, &link));
    // The school's copy of the link: its dashboard row (S3), and the pointer
    // by which the agent's facts reach every link of the school.
    writes.push(dashboard_entry(&link));
    writes.extend(change.also);
    // What the change makes due goes out after it, through the outbox, so a
    // send that fails is neither lost nor, on the retry, sent twice.
    if let Some(also_to) = &change.receipts {
        let new: Vec<LogEntryRecord> = writes
            .iter()
            .filter_map(|write| match write {
                TransactWrite::Put { item, .. }
                    if item.pk == crate::base::keys::log_partition(&link.app_id, &link.school_id) =>
                {
                    from_item(item).ok()
                }
                _ => None,
            })
            .collect();
        for email in receipts::emails_for(gatehouse, &link, &new, also_to.as_ref()).await? {
            writes.push(outbox::email(email, now)?);
        }
    }
    for (kind, mut facts) in change.events {
        if kind == EventKind::AuthorisationRevoked {
            crate::store::erasures::revocation_facts(&mut facts, &link, now, &gatehouse.settings.public_url);
        }
        let event = domain_events::new(kind, &link.app_id, &link.school_id, now, facts)?;
        writes.push(outbox::event(event, now)?);
    }
    Ok((writes, LoadedLink { link, version }))
}
