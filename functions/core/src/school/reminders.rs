//! P11 / E1: every Tuesday and Thursday afternoon (UK time) the school
//! contact of each pending invitation gets a reminder, until the school
//! authorises or the partner cancels.
//!
//! The list of pending invitations is kept in step with the links by
//! `links::commit`, so the job reads one small partition, never a scan. A
//! school is reminded at most once per UK day: a second run in the same slot
//! sends nothing. Tokens are stored hashed, so a reminder carries a fresh
//! link, and the link in the newest email is the one that works.

use std::collections::HashMap;

use gatehouse_model::{LogEvent, SchoolView};

use crate::base::calendar::uk_date;
use crate::base::keys::{Key, REMINDERS_DUE};
use crate::base::ports::{Condition, Index, Query, query_all};
use crate::school::revocations::JOB_ACTOR;
use crate::store::links::{Change, LoadedLink, awaits_authorisation, commit};
use crate::store::records::{AppRecord, PartnerRecord, ReminderDueRecord, SchoolLinkRecord, from_item};
use crate::store::suppression::Sent;
use crate::{Error, Gatehouse, Result, partner::invitations, store::emails};

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReminderRun {
    pub sent: u32,
    /// Reminded (or invited) earlier the same day.
    pub already_reminded: u32,
    /// No longer pending: taken off the list.
    pub stale: u32,
    /// Pending but with no school contact to write to.
    pub no_contact: u32,
    /// Due, but the contact's address bounced or complained (#15): the
    /// reminder is logged as done and no email goes.
    pub suppressed: u32,
}

pub async fn send_due(gatehouse: &Gatehouse) -> Result<ReminderRun> {
    let now = gatehouse.clock.now();
    let today = uk_date(now);
    let due = query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, REMINDERS_DUE)).await?;
    let mut apps: HashMap<String, AppRecord> = HashMap::new();
    let mut partners: HashMap<String, PartnerRecord> = HashMap::new();
    let mut run = ReminderRun::default();
    for entry in due {
        let due: ReminderDueRecord = from_item(&entry)?;
        let key = Key::SchoolLink(&due.app_id, &due.school_id);
        let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? else {
            gatehouse.table.delete(&entry.pk, &entry.sk, Condition::Always).await?;
            run.stale += 1;
            continue;
        };
        let loaded = LoadedLink { link: from_item::<SchoolLinkRecord>(&item)?, version: item.version };
        let link = &loaded.link;
        if !awaits_authorisation(link) || link.view != SchoolView::Pending {
            gatehouse.table.delete(&entry.pk, &entry.sk, Condition::Always).await?;
            run.stale += 1;
            continue;
        }
        if link.last_reminded_on == Some(today) || link.invited_on == Some(today) {
            run.already_reminded += 1;
            continue;
        }
        let Some(contact) = link.school_contact.clone() else {
            run.no_contact += 1;
            continue;
        };
        if !apps.contains_key(link.app_id.as_str()) {
            let app_key = Key::App(&link.partner_id, &link.app_id);
            let app = gatehouse.table.get(&app_key.pk(), &app_key.sk()).await?.ok_or(Error::NotFound("app"))?;
            apps.insert(link.app_id.to_string(), from_item(&app)?);
        }
        if !partners.contains_key(link.partner_id.as_str()) {
            let partner_key = Key::Partner(&link.partner_id);
            let partner =
                gatehouse.table.get(&partner_key.pk(), &partner_key.sk()).await?.ok_or(Error::NotFound("partner"))?;
            partners.insert(link.partner_id.to_string(), from_item(&partner)?);
        }
        let app = &apps[link.app_id.as_str()];
        let partner = &partners[link.partner_id.as_str()];

        let contact_name = link.school_contact_name.clone().unwrap_or_else(|| "colleague".to_owned());
        let issued = invitations::issue(link, &contact, &contact_name, now)?;
        let mut next = link.clone();
        next.invitation = Some(issued.reference.clone());
        next.last_reminded_on = Some(today);
        let mut change = Change::new(next).log(LogEvent::Reminded, format!("Reminder sent to {}", contact.as_str()));
        for write in issued.writes {
            change = change.also(write);
        }
        match commit(gatehouse, &loaded, change, JOB_ACTOR).await {
            Ok(_) => {}
            // Changed meanwhile (authorised, cancelled): the next run sees it.
            Err(Error::Conflict(_)) => continue,
            Err(error) => return Err(error),
        }
        let url = invitations::url(&gatehouse.settings, &issued.token);
        let scopes = invitations::scope_labels(&app.requested_scopes);
        let mail = emails::InvitationMail {
            contact_name: &contact_name,
            partner_name: &partner.name,
            app_name: &app.name,
            scopes: &scopes,
            link: &url,
            days: invitations::INVITATION_LIFETIME.num_days(),
            reminder: true,
        };
        // A suppressed contact is reminded no more (`suppression::send`): the
        // link records this reminder, so the job moves on.
        match crate::store::suppression::send(gatehouse, emails::invitation(contact, &mail)?).await? {
            Sent::Sent => run.sent += 1,
            Sent::Suppressed => run.suppressed += 1,
        }
    }
    tracing::info!(
        sent = run.sent,
        already = run.already_reminded,
        stale = run.stale,
        suppressed = run.suppressed,
        "reminders sent"
    );
    Ok(run)
}
