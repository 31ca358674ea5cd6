//! S2, the school's side of an invitation: forward it to the right person, or
//! authorise sharing. No account is needed: the link is the credential, for
//! exactly one invitation. Authorising uses it up; opening it afterwards
//! shows the receipt. An app asking for more scopes sends a link to the same
//! wizard, where the school approves all, some or none of the new scopes
//! while the existing grant stays live.

use chrono::SecondsFormat;
use gatehouse_model::{
    AuthorisationReceipt, AuthoriseRequest, ForwardInvitationRequest, InvitationSummary, LogEvent, MIS_CHOICES,
    SchoolView, ScopeKind, ScopeSet,
};
use serde_json::json;

use crate::calendar::uk_date;
use crate::domain_events::{self, EventKind};
use crate::invitations::{self, LiveInvitation};
use crate::keys::Key;
use crate::links::{Change, commit};
use crate::ports::{Condition, Item, TransactWrite};
use crate::records::{InvitationRecord, SchoolUserRecord, to_attributes};
use crate::{EmailAddress, Error, Gatehouse, Result, accounts, emails};

fn text(field: &'static str, value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(Error::invalid(field, format!("give {what} (up to 100 characters)")));
    }
    Ok(value.to_owned())
}

fn open_for_authorising(live: &LiveInvitation) -> Result<()> {
    if live.record.receipt.is_some() {
        return Err(Error::InvitationUsed);
    }
    Ok(())
}

/// "No, I am not the right person": a new invitation goes to the person named
/// and this link stops working.
pub async fn forward(
    gatehouse: &Gatehouse,
    request: &ForwardInvitationRequest,
    client: &str,
) -> Result<InvitationSummary> {
    invitations::limit(gatehouse, client).await?;
    let live = invitations::live(gatehouse, &request.token).await?;
    open_for_authorising(&live)?;
    let name = text("name", &request.to.name, "their name")?;
    let email = EmailAddress::parse(&request.to.email)?;
    let role = request.to.role.as_deref().map(str::trim).filter(|role| !role.is_empty()).map(str::to_owned);
    if email == live.record.contact_email {
        return Err(Error::invalid("email", "this is the address the invitation was sent to; name someone else"));
    }
    let from = request.from_name.as_deref().map(str::trim).filter(|name| !name.is_empty());
    let from = from.map(str::to_owned).unwrap_or_else(|| live.record.contact_name.clone());

    let now = gatehouse.clock.now();
    let issued = invitations::issue(&live.link.link, &email, &name, now)?;
    let mut next = live.link.link.clone();
    next.school_contact = Some(email.clone());
    next.school_contact_name = Some(name);
    next.school_contact_role = role;
    next.invitation = Some(issued.reference.clone());
    let mut change =
        Change::new(next).log(LogEvent::InvitationResent, format!("Forwarded by {from} to {}", email.as_str()));
    for write in issued.writes {
        change = change.also(write);
    }
    let saved = commit(gatehouse, &live.link, change, &from).await?;
    invitations::send(gatehouse, &saved.link, &live.partner.name, &live.app, &issued.token).await?;
    tracing::info!(school_id = %saved.link.school_id, "invitation forwarded");
    let forwarded = invitations::live(gatehouse, issued.token.expose()).await?;
    Ok(invitations::summary(&forwarded))
}

/// "Authorise Sharing": the wizard's answers become the school's grant.
pub async fn authorise(gatehouse: &Gatehouse, request: &AuthoriseRequest, client: &str) -> Result<InvitationSummary> {
    invitations::limit(gatehouse, client).await?;
    let live = invitations::live(gatehouse, &request.token).await?;
    open_for_authorising(&live)?;
    if !request.has_authority {
        return Err(Error::invalid(
            "has_authority",
            "only someone with authority to share the school's data can authorise; forward the invitation instead",
        ));
    }
    let approver_name = text("approver_name", &request.approver_name, "your name")?;
    let approver_role = text("approver_role", &request.approver_role, "your role")?;
    let mis = MIS_CHOICES
        .iter()
        .find(|choice| choice.eq_ignore_ascii_case(request.mis.trim()))
        .ok_or_else(|| Error::invalid("mis", format!("choose one of: {}", MIS_CHOICES.join(", "))))?;
    let link = &live.link.link;
    let requested = &live.app.requested_scopes;
    if !request.approved_scopes.is_subset(requested) {
        return Err(Error::invalid("approved_scopes", "approve only scopes the app asks for"));
    }
    let already_active = link.view == SchoolView::Active && link.cancelled_on.is_none();
    let granted: ScopeSet =
        link.granted_scopes.union(&request.approved_scopes).filter(|s| requested.contains(s)).copied().collect();
    if !already_active && !granted.iter().any(|scope| scope.kind() == ScopeKind::Resource) {
        return Err(Error::invalid(
            "approved_scopes",
            "approve at least one data area (students, staff, contacts or groups)",
        ));
    }

    let now = gatehouse.clock.now();
    let receipt = AuthorisationReceipt {
        school_name: link.name.clone(),
        app_name: live.app.name.clone(),
        partner_name: live.partner.name.clone(),
        approver_name: approver_name.clone(),
        approver_role: approver_role.clone(),
        authorised_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        granted_scopes: granted.clone(),
        gdpr_mode: request.gdpr_mode,
        feed_status: request.feed_status,
    };
    let mut next = link.clone();
    next.view = SchoolView::Active;
    next.cancelled_on = None;
    next.mis = Some((*mis).to_owned());
    next.gdpr_mode = Some(request.gdpr_mode);
    next.feed_status = Some(request.feed_status);
    // `reauthorisation_requested_for` stays: a school that declined some new
    // scopes is not emailed again about the same request.
    next.granted_scopes = granted.clone();
    next.priority = false;
    next.revoked_on = None;
    next.revoked_by = None;
    next.app_name = Some(live.app.name.clone());
    next.partner_name = Some(live.partner.name.clone());
    if !already_active {
        next.authorised_on = Some(uk_date(now));
        next.authorised_by = Some(format!("{approver_name} ({approver_role})"));
    }
    let labels = |scopes: &ScopeSet| scopes.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ");
    let settings = format!("GDPR mode {}, feed {}", request.gdpr_mode.label(), request.feed_status.label());
    let by = format!("{approver_name} ({approver_role})");
    let mut change = if already_active {
        let new: ScopeSet = requested.difference(&link.granted_scopes).copied().collect();
        let approved: ScopeSet = new.intersection(&request.approved_scopes).copied().collect();
        let declined: ScopeSet = new.difference(&approved).copied().collect();
        let mut detail =
            format!("{by} approved: {}", if approved.is_empty() { "none".to_owned() } else { labels(&approved) });
        if !declined.is_empty() {
            detail.push_str(&format!("; not approved: {}", labels(&declined)));
        }
        detail.push_str(&format!("; {settings}"));
        Change::new(next).log(LogEvent::ScopesChanged, detail)
    } else {
        Change::new(next).log(LogEvent::Authorised, format!("Authorised by {by}: {}; {settings}", labels(&granted)))
    };
    // The link is used up: the invitation item now carries the receipt.
    let used = InvitationRecord { receipt: Some(receipt.clone()), ..live.record.clone() };
    let key = Key::Invitation(&live.hash);
    change = change.also(TransactWrite::Put {
        item: Item {
            pk: key.pk(),
            sk: key.sk(),
            gsi1: None,
            expires_at: Some(live.expires_at.timestamp()),
            version: live.version + 1,
            attributes: to_attributes(&used),
        },
        condition: Condition::VersionIs(live.version),
    });
    let saved = commit(gatehouse, &live.link, change, &approver_name).await?;
    tracing::info!(school_id = %saved.link.school_id, reauthorised = already_active, "authorised");

    let facts = json!({ "scopes": granted, "gdpr_mode": request.gdpr_mode, "feed_status": request.feed_status });
    let (app_id, school_id) = (&saved.link.app_id, &saved.link.school_id);
    domain_events::publish(gatehouse, EventKind::AuthorisationGranted, app_id, school_id, facts).await;
    // The authorising contact becomes a school user (S3), so they can manage
    // sharing in the school portal. An address already used at another
    // school keeps that account; the authorisation stands either way.
    let school_user = SchoolUserRecord {
        email: live.record.contact_email.clone(),
        display_name: approver_name.clone(),
        role: approver_role.clone(),
        school_id: saved.link.school_id.clone(),
        urn: saved.link.urn.clone().unwrap_or_else(|| saved.link.school_id.to_string()),
        school_name: saved.link.name.clone(),
        added_at: now,
        added_by: None,
    };
    match accounts::ensure_school_user(gatehouse, &school_user).await {
        Ok(_) => {}
        Err(Error::Conflict(_)) => {
            tracing::warn!(school_id = %saved.link.school_id, "authoriser has a school portal account at another school");
        }
        Err(error) => tracing::error!(error = ?error, school_id = %saved.link.school_id, "school user not created"),
    }
    let portal = format!("{}/school/signin", gatehouse.settings.public_url);
    let mut recipients = vec![(live.record.contact_email.clone(), approver_name.clone(), Some(portal.as_str()))];
    if let Some(partner_contact) = &saved.link.partner_contact {
        recipients.push((partner_contact.clone(), live.partner.name.clone(), None));
    }
    for (to, greeting, portal) in recipients {
        let email = emails::receipt(to, &greeting, &receipt, portal)?;
        gatehouse.mailer.send(email).await.map_err(Error::Unavailable)?;
    }
    let after = invitations::live(gatehouse, &request.token).await?;
    Ok(invitations::summary(&after))
}
