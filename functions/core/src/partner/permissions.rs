//! P10 permission set: the scopes an app requests. A school's effective grant
//! is what it granted *and* the app still requests, so removing a scope takes
//! effect at once, and adding one reads nothing new until the school approves.

use std::collections::BTreeSet;

use gatehouse_model::{
    JobAccepted, JobKind, JobResult, JobStatus, LogEvent, PermissionSet, PermissionSetSaved, SchoolView, ScopeSet,
    TeamRole, UpdatePermissionSet,
};
use serde::{Deserialize, Serialize};

use crate::base::keys::{Key, school_view_partition};
use crate::base::ports::{Condition, Index, Query, TransactWrite, query_all};
use crate::store::background::{self, JobOwner, NewJob, Running};
use crate::store::links::{Change, LoadedLink, app_of, app_record, commit};
use crate::store::records::{AppRecord, InvitationEmail, SchoolLinkRecord, SessionRecord, from_item, plain_item};
use crate::{AppId, Error, Gatehouse, JobId, PartnerId, Result, partner::invitations};

/// What an app may read at a school right now.
pub fn effective_scopes(requested: &ScopeSet, granted: &ScopeSet) -> ScopeSet {
    granted.intersection(requested).copied().collect()
}

/// Whether a school must approve more before the app gets all it asks for.
pub fn needs_reauthorisation(requested: &ScopeSet, link: &SchoolLinkRecord) -> bool {
    link.view == SchoolView::Active && link.cancelled_on.is_none() && !requested.is_subset(&link.granted_scopes)
}

async fn authorised_links(gatehouse: &Gatehouse, app: &AppId) -> Result<Vec<(SchoolLinkRecord, u64)>> {
    let partition = school_view_partition(app, SchoolView::Active);
    let items = query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await?;
    items.iter().map(|item| Ok((from_item(item)?, item.version))).collect()
}

fn wire(app: &AppRecord, links: &[(SchoolLinkRecord, u64)]) -> PermissionSet {
    PermissionSet {
        app_id: app.app_id.to_string(),
        app_name: app.name.clone(),
        requested: app.requested_scopes.clone(),
        schools_needing_reauthorisation: links
            .iter()
            .filter(|(link, _)| needs_reauthorisation(&app.requested_scopes, link))
            .count() as u32,
        authorised_schools: links.len() as u32,
    }
}

pub async fn get(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId) -> Result<PermissionSet> {
    let app = app_of(session, Some(app))?;
    let (app, _) = app_record(gatehouse, session, &app).await?;
    let links = authorised_links(gatehouse, &app.app_id).await?;
    Ok(wire(&app, &links))
}

/// Where a partner's jobs are polled (`GET /api/partner/jobs/{job_id}`).
pub const PARTNER_JOBS_PATH: &str = "/api/partner/jobs";

/// What a save's job needs: ids, the set, and who saved it (the log entries
/// and the emails name them), as the request knew them.
#[derive(Debug, Serialize, Deserialize)]
struct FanOutInput {
    partner_id: PartnerId,
    app_id: AppId,
    requested: ScopeSet,
    actor: String,
    partner_name: String,
}

/// What the save changed, found by the request (`NewJob::found`), and how
/// many schools had been asked about this set before the job's first
/// attempt asked any (so a retried attempt counts the schools its first
/// attempt asked, and the job's result is one clean run's).
#[serde_with::skip_serializing_none]
#[derive(Debug, Default, Serialize, Deserialize)]
struct SetChange {
    added: ScopeSet,
    removed: ScopeSet,
    #[serde(default)]
    asked_before: Option<u32>,
}

/// Saves the whole set at once (a bad set is refused, with nothing saved),
/// committed with a job (#15, [`fan_out`]) that asks every authorised
/// school missing a requested scope, and not yet asked about this exact set,
/// to re-authorise. The job is the partner's; a retry with the same
/// `Idempotency-Key` gets the same job, and saving the same set twice
/// emails no one twice.
pub async fn update(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
    request: &UpdatePermissionSet,
    idempotency_key: Option<&str>,
) -> Result<JobAccepted> {
    // Another partner's app is not found, whatever the caller's role (#18).
    let app_id = app_of(session, Some(app))?;
    if session.role != TeamRole::Admin {
        return Err(Error::Forbidden("only a team admin can change the permission set"));
    }
    if request.requested.is_empty() {
        return Err(Error::invalid("requested", "request at least one scope"));
    }
    let (mut app, version) = app_record(gatehouse, session, &app_id).await?;
    let change = SetChange {
        added: request.requested.difference(&app.requested_scopes).copied().collect(),
        removed: app.requested_scopes.difference(&request.requested).copied().collect(),
        asked_before: None,
    };
    let input = FanOutInput {
        partner_id: session.partner_id.clone(),
        app_id: app_id.clone(),
        requested: request.requested.clone(),
        actor: session.display_name.clone(),
        partner_name: session.partner_name.clone(),
    };
    let unavailable = |error: serde_json::Error| Error::Unavailable(error.into());
    let new = NewJob {
        kind: JobKind::PermissionSetFanOut,
        owner: JobOwner::Partner(session.partner_id.clone()),
        idempotency_key,
        input: serde_json::to_value(&input).map_err(unavailable)?,
        found: Some(serde_json::to_value(&change).map_err(unavailable)?),
        payload: None,
        total: None,
    };
    // The set commits with its job, for a new job only: a retry finds the job.
    let job = background::accept(gatehouse, new, |_| async {
        if change.added.is_empty() && change.removed.is_empty() {
            return Ok(Vec::new());
        }
        app.requested_scopes = request.requested.clone();
        app.scopes_changed_at = Some(gatehouse.clock.now());
        let item = plain_item(&Key::App(&session.partner_id, &app_id), &app, version + 1);
        let (added, removed) = (change.added.len(), change.removed.len());
        tracing::info!(partner_id = %session.partner_id, added, removed, "permission set changed");
        Ok(vec![TransactWrite::Put { item, condition: Condition::VersionIs(version) }])
    })
    .await?;
    Ok(job.accepted(PARTNER_JOBS_PATH))
}

/// A save's job: every authorised school missing a scope the app requests
/// now, and not yet asked about this exact set, is emailed a review link and
/// logged, the job's progress counting the schools. Safe to run again: a
/// school asked already is not asked twice, and one whose email an earlier
/// attempt failed to send is sent it now (issue 18). `schools_notified`
/// counts the schools asked about this set since the job began.
pub async fn fan_out(gatehouse: &Gatehouse, job: &mut Running) -> Result<()> {
    let unavailable = |error: serde_json::Error| Error::Unavailable(error.into());
    let input: FanOutInput = serde_json::from_value(job.record.input.clone()).map_err(unavailable)?;
    let mut change: SetChange = match job.record.found.clone() {
        Some(found) => serde_json::from_value(found).map_err(unavailable)?,
        None => SetChange::default(),
    };
    let key = Key::App(&input.partner_id, &input.app_id);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("app"))?;
    // The set as it is now: a later save's own job asks for what it added.
    let app: AppRecord = from_item(&item)?;
    let sender = Sender { actor: &input.actor, partner_name: &input.partner_name };
    let mut links = authorised_links(gatehouse, &input.app_id).await?;
    let asked = |links: &[(SchoolLinkRecord, u64)]| {
        let for_this_set = |link: &SchoolLinkRecord| {
            link.reauthorisation_requested_for.as_ref() == Some(&app.requested_scopes)
                && needs_reauthorisation(&app.requested_scopes, link)
        };
        links.iter().filter(|(link, _)| for_this_set(link)).count() as u32
    };
    let asked_before = match change.asked_before {
        Some(asked_before) => asked_before,
        None => {
            // Kept with the job by the progress below, before any school is asked.
            let asked_before = asked(&links);
            change.asked_before = Some(asked_before);
            job.record.found = Some(serde_json::to_value(&change).map_err(unavailable)?);
            asked_before
        }
    };
    let total = Some(links.len() as u64);
    job.progress(gatehouse, 0, total).await?;
    for (done, (link, version)) in links.iter_mut().enumerate() {
        if done > 0 && done % PROGRESS_EVERY == 0 {
            job.progress(gatehouse, done as u64, total).await?;
        }
        let asked_already = link.reauthorisation_requested_for.as_ref() == Some(&app.requested_scopes);
        if asked_already {
            // Asked by an earlier attempt whose email failed (issue 18): send it now.
            let loaded = LoadedLink { link: link.clone(), version: *version };
            if let Some(sent) = invitations::finish_unsent(gatehouse, &loaded, sender.actor).await? {
                (*link, *version) = (sent.link, sent.version);
            }
        }
        if !needs_reauthorisation(&app.requested_scopes, link) || asked_already {
            continue;
        }
        let saved = request_reauthorisation(gatehouse, &sender, &app, link.clone(), *version).await?;
        (*link, *version) = (saved.link, saved.version);
    }
    let saved = PermissionSetSaved {
        permission_set: wire(&app, &links),
        schools_notified: asked(&links).saturating_sub(asked_before),
        added: change.added,
        removed: change.removed,
    };
    job.done(gatehouse, JobResult::PermissionSet(saved)).await
}

/// Schools between two records of a fan-out's progress.
const PROGRESS_EVERY: usize = 20;

/// `GET /api/partner/jobs/{job_id}`: one of the partner's jobs; another
/// partner's is not found.
pub async fn partner_job(gatehouse: &Gatehouse, session: &SessionRecord, job: &JobId) -> Result<JobStatus> {
    background::status(gatehouse, &JobOwner::Partner(session.partner_id.clone()), job).await
}

/// Who a fan-out acts for: the admin who saved (the log names them) and
/// their organisation (the email does).
struct Sender<'a> {
    actor: &'a str,
    partner_name: &'a str,
}

/// Asks one school to approve the scopes it has not granted.
async fn request_reauthorisation(
    gatehouse: &Gatehouse,
    sender: &Sender<'_>,
    app: &AppRecord,
    link: SchoolLinkRecord,
    version: u64,
) -> Result<LoadedLink> {
    let now = gatehouse.clock.now();
    let missing: BTreeSet<_> = app.requested_scopes.difference(&link.granted_scopes).copied().collect();
    let labels = invitations::scope_labels(&missing);
    let loaded = LoadedLink { link, version };
    let mut next = loaded.link.clone();
    next.reauthorisation_requested_for = Some(app.requested_scopes.clone());
    let detail = format!("{} now also asks for: {}", app.name, labels.join(", "));
    let mut change = Change::new(next.clone()).log(LogEvent::ReauthorisationRequested, detail);
    let contact = loaded.link.school_contact.clone();
    let issued = match &contact {
        Some(contact) => {
            let name = loaded.link.school_contact_name.clone().unwrap_or_default();
            let issued =
                invitations::issue(&loaded.link, contact, &name, now)?.emailing(InvitationEmail::Reauthorisation);
            let mut with_invitation = next;
            with_invitation.invitation = Some(issued.reference.clone());
            change.link = with_invitation;
            for write in issued.writes.iter().cloned() {
                change = change.also(write);
            }
            Some(issued)
        }
        None => None,
    };
    let saved = commit(gatehouse, &loaded, change, sender.actor).await?;
    match issued {
        Some(issued) => {
            let (token, by) = (&issued.token, sender.actor);
            invitations::send_issued(gatehouse, &saved, token, sender.partner_name, app, by).await
        }
        None => Ok(saved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Scope;

    #[test]
    fn an_app_reads_only_what_was_granted_and_is_still_requested() {
        let granted: ScopeSet = [Scope::Students, Scope::Staff, Scope::SenStatus].into();
        let requested: ScopeSet = [Scope::Students, Scope::Staff, Scope::Groups].into();
        // Groups was added but not granted; SEN status was granted but no longer requested.
        assert_eq!(effective_scopes(&requested, &granted), [Scope::Students, Scope::Staff].into());
    }
}
