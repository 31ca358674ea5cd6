//! S2, the school's side of an invitation: forward it to the right person, or
//! authorise sharing. No account is needed to answer: the link is the
//! credential for exactly one invitation, and authorising uses it up. But a
//! link is not authority (#12, `authority`): the answers take effect at once
//! only for an admin of the school or an address at the school's verified
//! domain; otherwise they wait for the school's admins, or for operations to
//! verify the authoriser. An app asking for more scopes sends a link to the
//! same wizard, where the school approves all, some or none of the new
//! scopes while the existing grant stays live.

use chrono::SecondsFormat;
use gatehouse_model::{
    AuthorisationReceipt, AuthoriseRequest, AuthorityVerification, ForwardInvitationRequest, InvitationSummary,
    LogEvent, MIS_CHOICES, SchoolView, ScopeKind, ScopeSet, TeamRole,
};
use serde_json::json;

use crate::base::calendar::uk_date;
use crate::base::keys::Key;
use crate::base::ports::{Condition, TransactWrite};
use crate::partner::invitations::{self, LiveInvitation};
use crate::registry::authority::{self, Authority};
use crate::store::domain_events::EventKind;
use crate::store::links::LoadedLink;
use crate::store::links::{Change, commit};
use crate::store::records::{
    AppRecord, InvitationEmail, InvitationRecord, PartnerRecord, PendingGrant, SchoolLinkRecord, SchoolUserRecord,
    Waiting, plain_item,
};
use crate::{Error, Gatehouse, Result, account::accounts, store::emails, store::outbox};

fn text(field: &'static str, value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(Error::invalid(field, format!("give {what} (up to 100 characters)")));
    }
    Ok(value.to_owned())
}

/// "No, I am not the right person": a new invitation goes to the person named
/// and this link stops working.
pub async fn forward(
    gatehouse: &Gatehouse,
    client: &str,
    request: &ForwardInvitationRequest,
) -> Result<InvitationSummary> {
    invitations::limit(gatehouse, client).await?;
    let live = match invitations::live(gatehouse, &request.token).await {
        Err(Error::LinkSuperseded) => return forwarded_again(gatehouse, request).await,
        live => live?,
    };
    let name = text("name", &request.to.name, "their name")?;
    let email = request.to.email.clone();
    crate::partner::school_actions::refuse_partner_address(gatehouse, &live.link.link.partner_id, &email).await?;
    let role = request.to.role.as_deref().map(str::trim).filter(|role| !role.is_empty());
    let role = role.map(|role| text("role", role, "their role")).transpose()?;
    if email == live.record.contact_email {
        return Err(Error::invalid("email", "this is the address the invitation was sent to; name someone else"));
    }
    let from = request.from_name.as_deref().map(str::trim).filter(|name| !name.is_empty());
    let from = from.map(|name| text("from_name", name, "your name")).transpose()?;
    let from = from.unwrap_or_else(|| live.record.contact_name.clone());

    let now = gatehouse.clock.now();
    let issued = invitations::issue(&live.link.link, &email, &name, now)?.emailing(InvitationEmail::Invitation);
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
    // Nothing that can fail comes after the send (issue 18): the answer is
    // what the new link opens, as it was just written.
    let forwarded = InvitationSummary {
        school_name: saved.link.name.clone(),
        partner_name: live.partner.name.clone(),
        app_name: live.app.name.clone(),
        contact_name: saved.link.school_contact_name.clone().unwrap_or_default(),
        requested_scopes: live.app.requested_scopes.clone(),
        granted_scopes: saved.link.granted_scopes.clone(),
        mis: saved.link.mis.clone(),
        state: gatehouse_model::InvitationState::Open,
        receipt: None,
        expires_at: issued.reference.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    invitations::send_issued(gatehouse, &saved, &issued.token, &live.partner.name, &live.app, &from).await?;
    tracing::info!(school_id = %saved.link.school_id, "invitation forwarded");
    Ok(forwarded)
}

/// The same forward again through the link it replaced (a retry whose
/// first attempt committed and then failed, issue 18): sends the email the
/// new contact is still owed, if any, and answers as the first would have.
async fn forwarded_again(gatehouse: &Gatehouse, request: &ForwardInvitationRequest) -> Result<InvitationSummary> {
    let old = invitations::resolve(gatehouse, &request.token).await?;
    let to = Some(request.to.email.clone());
    let owed = old.link.link.invitation.as_ref().is_some_and(|reference| reference.unsent.is_some());
    if !owed || to.is_none() || old.link.link.school_contact != to {
        return Err(Error::LinkSuperseded);
    }
    let actor = old.record.contact_name.clone();
    let Some(sent) = invitations::finish_unsent(gatehouse, &old.link, &actor).await? else {
        return Err(Error::LinkSuperseded);
    };
    let mut summary = invitations::summary(&old);
    summary.school_name = sent.link.name.clone();
    summary.contact_name = sent.link.school_contact_name.clone().unwrap_or_default();
    summary.state = gatehouse_model::InvitationState::Open;
    summary.receipt = None;
    summary.granted_scopes = sent.link.granted_scopes.clone();
    summary.mis = sent.link.mis.clone();
    if let Some(reference) = &sent.link.invitation {
        summary.expires_at = reference.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    }
    Ok(summary)
}

/// "Authorise Sharing": the wizard's answers become the school's grant, or a
/// request that waits for whoever may decide for the school.
pub async fn authorise(gatehouse: &Gatehouse, client: &str, request: &AuthoriseRequest) -> Result<InvitationSummary> {
    invitations::limit(gatehouse, client).await?;
    let live = invitations::live(gatehouse, &request.token).await?;
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
    let granted = granted_with(link, requested, &request.approved_scopes);
    if !already_active && !granted.iter().any(|scope| scope.kind() == ScopeKind::Resource) {
        return Err(Error::invalid(
            "approved_scopes",
            "approve at least one data area (students, staff, contacts or groups)",
        ));
    }
    let grant = PendingGrant {
        email: live.record.contact_email.clone(),
        name: approver_name,
        role: approver_role,
        mis: (*mis).to_owned(),
        scopes: request.approved_scopes.clone(),
        gdpr_mode: request.gdpr_mode,
        feed_status: request.feed_status,
        requested_at: gatehouse.clock.now(),
        waiting_for: Waiting::SchoolApproval,
    };
    let authority = authority::of(gatehouse, link, &grant.email).await?;
    tracing::info!(school_id = %link.school_id, authority = authority.label(), "authorisation answered");
    match authority {
        Authority::Admin => {
            let (link, app, partner) = (&live.link, &live.app, &live.partner);
            apply(gatehouse, link, app, partner, &grant, Some(&live), How::Link, NewAdmin::No).await?;
        }
        Authority::VerifiedDomain => {
            let (link, app, partner) = (&live.link, &live.app, &live.partner);
            apply(gatehouse, link, app, partner, &grant, Some(&live), How::Link, NewAdmin::ByVerifiedDomain).await?;
        }
        Authority::AdminsDecide(admins) => {
            let grant = PendingGrant { waiting_for: Waiting::SchoolApproval, ..grant };
            let asks = ask_admins(gatehouse, &live, &grant, &admins)?;
            hold(gatehouse, &live, grant, asks).await?;
        }
        Authority::NeedsVerification { directory_domains } => {
            let grant = PendingGrant { waiting_for: Waiting::Verification, ..grant };
            let entry = verification_entry(gatehouse, &live, &grant, directory_domains).await?;
            hold(gatehouse, &live, grant, vec![entry]).await?;
        }
    }
    outbox::deliver(gatehouse).await?;
    let after = invitations::resolve(gatehouse, &request.token).await?;
    Ok(invitations::summary(&after))
}

impl Authority {
    fn label(&self) -> &'static str {
        match self {
            Authority::Admin => "admin",
            Authority::VerifiedDomain => "verified_domain",
            Authority::AdminsDecide(_) => "admins_decide",
            Authority::NeedsVerification { .. } => "needs_verification",
        }
    }
}

/// The grant after approving `approved`: what was granted before plus the
/// newly approved, within what the app asks for.
pub fn granted_with(link: &SchoolLinkRecord, requested: &ScopeSet, approved: &ScopeSet) -> ScopeSet {
    link.granted_scopes.union(approved).filter(|scope| requested.contains(scope)).copied().collect()
}

/// How a grant came to take effect, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// By an admin (or a verified-domain address) through the emailed link.
    Link,
    /// Operations verified the authoriser.
    VerifiedByOps,
}

fn labels(scopes: &ScopeSet) -> String {
    let labels: Vec<&str> = scopes.iter().map(|scope| scope.label()).collect();
    if labels.is_empty() { "none".to_owned() } else { labels.join(", ") }
}

/// The invitation item marked as used: with the receipt, or as waiting.
fn used_invitation(live: &LiveInvitation, used: InvitationRecord) -> TransactWrite {
    let key = Key::Invitation(&live.hash);
    TransactWrite::Put {
        item: plain_item(&key, &used, live.version + 1).expiring(live.expires_at),
        condition: Condition::VersionIs(live.version),
    }
}

/// Whether putting a grant in force also makes the authoriser the school's
/// first admin (#12), and who vouched for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewAdmin<'a> {
    No,
    /// Their address is at a domain the directory verified for the school.
    ByVerifiedDomain,
    /// Operations verified them; the name is the operator's.
    VerifiedBy(&'a str),
}

/// Puts `grant` in force on the link: one transaction with its log entry,
/// the used invitation (when it came through one), the authoriser's admin
/// account (when they become one), and the event and the receipts to the
/// authoriser and the partner contact in the outbox. The caller delivers.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    gatehouse: &Gatehouse,
    loaded: &LoadedLink,
    app: &AppRecord,
    partner: &PartnerRecord,
    grant: &PendingGrant,
    invitation: Option<&LiveInvitation>,
    how: How,
    admin: NewAdmin<'_>,
) -> Result<LoadedLink> {
    let link = &loaded.link;
    let requested = &app.requested_scopes;
    let already_active = link.view == SchoolView::Active && link.cancelled_on.is_none();
    let granted = granted_with(link, requested, &grant.scopes);
    let now = gatehouse.clock.now();
    let receipt = AuthorisationReceipt {
        school_name: link.name.clone(),
        app_name: app.name.clone(),
        partner_name: partner.name.clone(),
        approver_name: grant.name.clone(),
        approver_role: grant.role.clone(),
        authorised_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        granted_scopes: granted.clone(),
        gdpr_mode: grant.gdpr_mode,
        feed_status: grant.feed_status,
    };
    let mut next = link.clone();
    next.view = SchoolView::Active;
    next.cancelled_on = None;
    next.mis = Some(grant.mis.clone());
    next.gdpr_mode = Some(grant.gdpr_mode);
    next.feed_status = Some(grant.feed_status);
    // `reauthorisation_requested_for` stays: a school that declined some new
    // scopes is not emailed again about the same request.
    next.granted_scopes = granted.clone();
    next.grant_changed_at = Some(now);
    next.priority = false;
    next.revoked_on = None;
    next.revoked_by = None;
    next.pending_grant = None;
    if already_active && link.reauthorisation_requested_for.is_some() {
        next.reauthorisation_answered_for = link.reauthorisation_requested_for.clone();
    }
    next.app_name = Some(app.name.clone());
    next.partner_name = Some(partner.name.clone());
    let by = format!("{} ({})", grant.name, grant.role);
    if !already_active {
        next.authorised_on = Some(uk_date(now));
        next.authorised_by = Some(by.clone());
    }
    let settings = format!("GDPR mode {}, feed {}", grant.gdpr_mode.label(), grant.feed_status.label());
    let verified = match how {
        How::Link => String::new(),
        How::VerifiedByOps => " (authority verified by Gatehouse operations)".to_owned(),
    };
    let mut change = if already_active {
        let new: ScopeSet = requested.difference(&link.granted_scopes).copied().collect();
        let approved: ScopeSet = new.intersection(&grant.scopes).copied().collect();
        let declined: ScopeSet = new.difference(&approved).copied().collect();
        let mut detail = format!("{by}{verified} approved: {}", labels(&approved));
        if !declined.is_empty() {
            detail.push_str(&format!("; not approved: {}", labels(&declined)));
        }
        detail.push_str(&format!("; {settings}"));
        Change::new(next).log(LogEvent::ScopesChanged, detail)
    } else {
        Change::new(next)
            .log(LogEvent::Authorised, format!("Authorised by {by}{verified}: {}; {settings}", labels(&granted)))
    };
    if let Some(live) = invitation {
        change = change
            .also(used_invitation(live, InvitationRecord { receipt: Some(receipt.clone()), ..live.record.clone() }));
    }
    if how == How::VerifiedByOps {
        let key = Key::VerificationDue(&link.app_id, &link.school_id);
        change = change.also(TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Exists });
    }
    let made_admin = match admin {
        NewAdmin::No => None,
        NewAdmin::ByVerifiedDomain => Some(admin_writes(gatehouse, link, grant, None).await?),
        NewAdmin::VerifiedBy(ops) => Some(admin_writes(gatehouse, link, grant, Some(ops)).await?),
    };
    for write in made_admin.iter().flat_map(|made| made.writes.iter()) {
        change = change.also(write.clone());
    }
    let facts = json!({ "scopes": granted, "gdpr_mode": grant.gdpr_mode, "feed_status": grant.feed_status });
    change = change.event(EventKind::AuthorisationGranted, facts);
    let portal = format!("{}/school/signin", gatehouse.settings.public_url);
    let mut recipients = vec![(grant.email.clone(), grant.name.clone(), Some(portal.as_str()))];
    if let Some(partner_contact) = &link.partner_contact {
        recipients.push((partner_contact.clone(), partner.name.clone(), None));
    }
    for (to, greeting, portal) in recipients {
        let email = emails::receipt(to, &greeting, &receipt, portal)?;
        change = change.also(outbox::email(email, now)?);
    }
    let saved = commit(gatehouse, loaded, change, &grant.name).await?;
    tracing::info!(school_id = %saved.link.school_id, reauthorised = already_active, "authorised");
    if made_admin.is_some_and(|made| made.access_changed) {
        // A change of access ends their sessions (#12).
        crate::account::sessions::end_sessions(gatehouse, gatehouse_model::AccountKind::School, &grant.email).await?;
    }
    Ok(saved)
}

/// The writes that make the authoriser an admin of the school: the first
/// one, vouched for by the directory's domain or by operations, with the
/// team log's entry. An address with an account at another school keeps it
/// (one account, one school): no writes, and the grant stands either way.
async fn admin_writes(
    gatehouse: &Gatehouse,
    link: &SchoolLinkRecord,
    grant: &PendingGrant,
    verified_by: Option<&str>,
) -> Result<accounts::SchoolUserWrites> {
    let user = SchoolUserRecord {
        email: grant.email.clone(),
        display_name: grant.name.clone(),
        role: grant.role.clone(),
        school_id: link.school_id.clone(),
        urn: link.urn.clone().unwrap_or_else(|| link.school_id.to_string()),
        school_name: link.name.clone(),
        added_at: gatehouse.clock.now(),
        added_by: verified_by.map(|by| format!("verified by {by}")),
        access: TeamRole::Admin,
    };
    match accounts::school_user_writes(gatehouse, &user).await {
        Ok(mut made) => {
            let (by, how) = match verified_by {
                Some(ops) => (ops, "became the school's first admin: authority verified by Gatehouse operations"),
                None => ("Gatehouse", "became the school's first admin: address at the school's verified domain"),
            };
            made.writes.push(accounts::team_change(gatehouse, &link.school_id, by, &grant.name, how)?);
            Ok(made)
        }
        Err(Error::Conflict(_)) => {
            tracing::warn!(school_id = %link.school_id, "authoriser has a school portal account at another school");
            Ok(accounts::SchoolUserWrites { writes: Vec::new(), access_changed: false, creating: false })
        }
        Err(error) => Err(error),
    }
}

/// Holds `grant` on the link until someone decides: the link stays where it
/// was (pending, or active with its current grant), the invitation is used
/// up, and the log says who asked for what.
async fn hold(
    gatehouse: &Gatehouse,
    live: &LiveInvitation,
    grant: PendingGrant,
    also: Vec<TransactWrite>,
) -> Result<()> {
    let link = &live.link.link;
    let waiting = match grant.waiting_for {
        Waiting::SchoolApproval => "waiting for an admin of the school to approve",
        Waiting::Verification => "waiting for Gatehouse operations to verify their authority",
    };
    let detail = format!(
        "{} ({}) asked to share: {}; GDPR mode {}, feed {}; {waiting}",
        grant.name,
        grant.role,
        labels(&grant.scopes),
        grant.gdpr_mode.label(),
        grant.feed_status.label()
    );
    let awaiting = grant.waiting_for;
    let actor = grant.name.clone();
    let mut next = link.clone();
    next.pending_grant = Some(grant);
    let mut change = Change::new(next)
        .log(LogEvent::AuthorisationRequested, detail)
        .also(used_invitation(live, InvitationRecord { awaiting: Some(awaiting), ..live.record.clone() }));
    for write in also {
        change = change.also(write);
    }
    commit(gatehouse, &live.link, change, &actor).await?;
    Ok(())
}

/// The emails telling each admin of the school that `grant` waits for
/// them, for the outbox in the transaction that holds it.
fn ask_admins(
    gatehouse: &Gatehouse,
    live: &LiveInvitation,
    grant: &PendingGrant,
    admins: &[SchoolUserRecord],
) -> Result<Vec<TransactWrite>> {
    let now = gatehouse.clock.now();
    let portal = format!("{}/school/signin", gatehouse.settings.public_url);
    let requester = format!("{} ({}, {})", grant.name, grant.role, grant.email.as_str());
    let scopes = labels(&grant.scopes);
    let request = emails::ApprovalRequest {
        requester: &requester,
        app_name: &live.app.name,
        partner_name: &live.partner.name,
        school_name: &live.link.link.name,
        scopes: &scopes,
        portal: &portal,
    };
    admins
        .iter()
        .map(|admin| outbox::email(emails::approval_request(admin.email.clone(), &admin.display_name, &request)?, now))
        .collect()
}

/// The operations queue entry for an authoriser to verify, with the evidence.
async fn verification_entry(
    gatehouse: &Gatehouse,
    live: &LiveInvitation,
    grant: &PendingGrant,
    directory_domains: Vec<String>,
) -> Result<TransactWrite> {
    let link = &live.link.link;
    let log = crate::store::authorisation_log::read(gatehouse.table.as_ref(), &link.app_id, &link.school_id).await?;
    let invited_by = log
        .iter()
        .rev()
        .find(|entry| matches!(entry.event, LogEvent::Invited | LogEvent::Reinvited | LogEvent::InvitationResent))
        .map(|entry| entry.actor.clone());
    let entry = AuthorityVerification {
        app_id: link.app_id.to_string(),
        school_id: link.school_id.to_string(),
        urn: link.urn.clone(),
        school_name: link.name.clone(),
        partner_name: live.partner.name.clone(),
        app_name: live.app.name.clone(),
        authoriser_name: grant.name.clone(),
        authoriser_role: grant.role.clone(),
        authoriser_email: grant.email.as_str().to_owned(),
        email_domain: grant.email.domain().to_owned(),
        directory_domains,
        invited_by,
        requested_at: grant.requested_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let key = Key::VerificationDue(&link.app_id, &link.school_id);
    Ok(TransactWrite::Put { item: plain_item(&key, &entry, 1), condition: Condition::Always })
}
