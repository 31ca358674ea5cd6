//! P10 permission set: the scopes an app requests. A school's effective grant
//! is what it granted *and* the app still requests, so removing a scope takes
//! effect at once, and adding one reads nothing new until the school approves.

use std::collections::BTreeSet;

use gatehouse_model::{
    LogEvent, PermissionSet, PermissionSetSaved, SchoolView, ScopeSet, TeamRole, UpdatePermissionSet,
};

use crate::base::keys::{Key, school_view_partition};
use crate::base::ports::{Condition, Index, Query, query_all};
use crate::store::links::{Change, LoadedLink, app_of, app_record, commit};
use crate::store::records::{AppRecord, InvitationEmail, SchoolLinkRecord, SessionRecord, from_item, plain_item};
use crate::{AppId, Error, Gatehouse, Result, partner::invitations};

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

/// Saves the whole set. Then every authorised school missing a requested
/// scope, and not yet asked about this exact set, is emailed a review link
/// and logged; a retry after a partial failure finishes the job, and saving
/// the same set twice emails no one twice.
pub async fn update(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
    request: &UpdatePermissionSet,
) -> Result<PermissionSetSaved> {
    // Another partner's app is not found, whatever the caller's role (#18).
    let app_id = app_of(session, Some(app))?;
    if session.role != TeamRole::Admin {
        return Err(Error::Forbidden("only a team admin can change the permission set"));
    }
    if request.requested.is_empty() {
        return Err(Error::invalid("requested", "request at least one scope"));
    }
    let (mut app, version) = app_record(gatehouse, session, &app_id).await?;
    let added: ScopeSet = request.requested.difference(&app.requested_scopes).copied().collect();
    let removed: ScopeSet = app.requested_scopes.difference(&request.requested).copied().collect();
    if !added.is_empty() || !removed.is_empty() {
        app.requested_scopes = request.requested.clone();
        let key = Key::App(&session.partner_id, &app_id);
        let item = plain_item(&key, &app, version + 1);
        gatehouse.table.put(item, Condition::VersionIs(version)).await?;
        tracing::info!(partner_id = %session.partner_id, added = added.len(), removed = removed.len(), "permission set changed");
    }

    let mut links = authorised_links(gatehouse, &app_id).await?;
    let mut schools_notified = 0;
    for (link, version) in &mut links {
        let asked_already = link.reauthorisation_requested_for.as_ref() == Some(&app.requested_scopes);
        if asked_already {
            // Asked by an earlier attempt whose email failed (issue 18): send it now.
            let loaded = LoadedLink { link: link.clone(), version: *version };
            if let Some(sent) = invitations::finish_unsent(gatehouse, &loaded, &session.display_name).await? {
                (*link, *version) = (sent.link, sent.version);
                schools_notified += 1;
            }
        }
        if !needs_reauthorisation(&app.requested_scopes, link) || asked_already {
            continue;
        }
        let saved = request_reauthorisation(gatehouse, session, &app, link.clone(), *version).await?;
        (*link, *version) = (saved.link, saved.version);
        schools_notified += 1;
    }
    Ok(PermissionSetSaved { permission_set: wire(&app, &links), added, removed, schools_notified })
}

/// Asks one school to approve the scopes it has not granted.
async fn request_reauthorisation(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
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
    let saved = commit(gatehouse, &loaded, change, &session.display_name).await?;
    match issued {
        Some(issued) => {
            let by = &session.display_name;
            invitations::send_issued(gatehouse, &saved, &issued.token, &session.partner_name, app, by).await
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
