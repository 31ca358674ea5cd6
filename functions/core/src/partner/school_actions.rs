//! The school tile (P8) and the partner's actions on a school (P6).
//!
//! Every action states the result it wants (revoked from a date, priority
//! on, invitation cancelled), so repeating it finds that state and changes
//! and logs nothing. The two that send email (resend, re-invite) also take an
//! `Idempotency-Key`, so a retried request sends once.

use chrono::NaiveDate;
use gatehouse_model::{
    AccountKind, ActionOutcome, EstablishmentStatus, InviteRequest, InviteSchoolRequest, LogEvent, RevokeReason,
    RevokeRequest, SchoolAction, SchoolDetail, SchoolView,
};

use crate::base::calendar::uk_date;
use crate::base::keys::{Key, MEMBER_PREFIX};
use crate::base::ports::{Index, Query, query_all};
use crate::partner::schools::row_of;
use crate::store::links::{Change, Effect, LoadedLink, app_of, app_record, commit, load};
use crate::store::records::{AppRecord, InvitationEmail, SchoolLinkRecord, SessionRecord};
use crate::store::records::{MemberRecord, from_item};
use crate::store::transitions::{self, Actor as LinkActor, Revocation};
use crate::{
    AppId, EmailAddress, Error, Gatehouse, PartnerId, Result, SchoolId, SchoolUrn, partner::invitations,
    registry::directory, store::authorisation_log, store::idempotency, store::outbox, store::suppression,
};

/// The school a partner acts on (P6, P8): who acts, for which of the
/// partner's apps (its first when `None`), on which school.
#[derive(Debug, Clone, Copy)]
pub struct PartnerSchool<'a> {
    pub session: &'a SessionRecord,
    pub app: Option<&'a AppId>,
    pub school: &'a SchoolId,
}

impl<'a> PartnerSchool<'a> {
    pub fn new(session: &'a SessionRecord, app: Option<&'a AppId>, school: &'a SchoolId) -> Self {
        PartnerSchool { session, app, school }
    }
}

/// `GET /api/partner/schools/{school_id}`.
pub async fn detail(gatehouse: &Gatehouse, at: PartnerSchool<'_>) -> Result<SchoolDetail> {
    let Target { app, loaded } = target(gatehouse, at).await?;
    tile(gatehouse, &app, &loaded.link).await
}

async fn tile(gatehouse: &Gatehouse, app: &AppRecord, link: &SchoolLinkRecord) -> Result<SchoolDetail> {
    let now = gatehouse.clock.now();
    let log = authorisation_log::read(gatehouse.table.as_ref(), &link.app_id, &link.school_id).await?;
    let log_intact = match authorisation_log::verify(&log, link.log_head.as_deref()) {
        Ok(()) => true,
        Err(broken) => {
            tracing::error!(school_id = %link.school_id, seq = broken.seq, reason = broken.reason, "authorisation log chain broken");
            false
        }
    };
    // Past its revocation date a link is revoked here too, before the daily
    // job records it (#12); until the job has, nothing can be done to it.
    let view = link.view_on(uk_date(now));
    let actions = if view == link.view { actions_for(link) } else { Vec::new() };
    Ok(SchoolDetail {
        app_id: app.app_id.to_string(),
        app_name: app.name.clone(),
        view: link.cancelled_on.is_none().then_some(view),
        row: row_of(link, &app.requested_scopes, now),
        school_contact_name: link.school_contact_name.clone(),
        school_contact_role: link.school_contact_role.clone(),
        school_contact_bounce: match &link.school_contact {
            Some(contact) => suppression::bounce_of(gatehouse, contact).await?.map(|record| record.to_wire()),
            None => None,
        },
        requested_scopes: app.requested_scopes.clone(),
        granted_scopes: link.granted_scopes.clone(),
        log: authorisation_log::to_wire(log),
        log_intact,
        actions,
        last_pull_on: match link.view {
            SchoolView::Active => crate::store::usage::last_pull(gatehouse, &link.app_id, &link.school_id)
                .await?
                .map(|day| day.to_string()),
            SchoolView::Pending | SchoolView::Revoked => None,
        },
    })
}

/// What the tile offers for a link's state.
pub fn actions_for(link: &SchoolLinkRecord) -> Vec<SchoolAction> {
    if link.cancelled_on.is_some() {
        return vec![SchoolAction::Reinvite];
    }
    match link.view {
        SchoolView::Active if link.revoke_on.is_some() => {
            vec![SchoolAction::CancelRevocation, SchoolAction::RevokeAccess]
        }
        SchoolView::Active => vec![SchoolAction::RevokeAccess],
        SchoolView::Pending => vec![
            if link.priority { SchoolAction::RemovePriority } else { SchoolAction::SetPriority },
            SchoolAction::ResendInvite,
            SchoolAction::CancelInvite,
        ],
        SchoolView::Revoked => vec![SchoolAction::Reinvite],
    }
}

/// An action's context: who, which app, which link.
struct Target {
    app: AppRecord,
    loaded: LoadedLink,
}

async fn target(gatehouse: &Gatehouse, at: PartnerSchool<'_>) -> Result<Target> {
    let PartnerSchool { session, app, school } = at;
    let app = app_of(session, app)?;
    let loaded = load(gatehouse, session, &app, school).await?;
    let (app, _) = app_record(gatehouse, session, &app).await?;
    Ok(Target { app, loaded })
}

async fn outcome(
    gatehouse: &Gatehouse,
    app: &AppRecord,
    link: &SchoolLinkRecord,
    effect: Effect,
    message: String,
) -> Result<ActionOutcome> {
    Ok(ActionOutcome { changed: effect == Effect::Changed, message, school: tile(gatehouse, app, link).await? })
}

fn not_in(view: &str, what: &str) -> Error {
    Error::Invalid { field: "school_id", reason: format!("{what} is only possible for a school in {view}") }
}

fn reason_text(request: &RevokeRequest) -> Result<String> {
    let note = request.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    if note.is_some_and(|note| note.chars().count() > 500) {
        return Err(Error::invalid("note", "keep the note under 500 characters"));
    }
    match (request.reason, note) {
        (RevokeReason::Other, None) => Err(Error::invalid("note", "say why access is revoked")),
        (reason, Some(note)) => Ok(format!("{} ({note})", reason.label())),
        (reason, None) => Ok(reason.label().to_owned()),
    }
}

/// P6 Revoke Access: today ends access now; a later date schedules it.
/// `on` is `request.revoke_on`, parsed at the edge.
pub async fn revoke(
    gatehouse: &Gatehouse,
    at: PartnerSchool<'_>,
    request: &RevokeRequest,
    on: NaiveDate,
) -> Result<ActionOutcome> {
    let Target { app, loaded } = target(gatehouse, at).await?;
    let link = &loaded.link;
    let today = uk_date(gatehouse.clock.now());
    let on = transitions::revoke_date(on, today)?;
    let reason = reason_text(request)?;
    if link.view == SchoolView::Revoked || link.cancelled_on.is_some() {
        let message = format!("{} has no access to revoke.", link.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    }
    if link.view != SchoolView::Active {
        return Err(not_in("Active Schools", "Revoking access"));
    }
    let actor = LinkActor::Partner { name: &at.session.display_name };
    let (change, message) = match transitions::revoke(link, on, today, &actor, Some(&reason)) {
        Revocation::Now(change) => {
            (change, format!("Access to {} is revoked; the school must authorise again to share data.", link.name))
        }
        Revocation::Scheduled(change) => {
            (change, format!("Access to {} ends on {on}; until then it shows as Revoke Pending.", link.name))
        }
        Revocation::AlreadyScheduled => {
            let message = format!("Access to {} already ends on {on}.", link.name);
            return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
        }
    };
    let saved = commit(gatehouse, &loaded, change.with_receipts(None), &at.session.display_name).await?;
    outbox::deliver(gatehouse).await?;
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// P6: takes back a revocation that has not happened yet.
pub async fn cancel_revocation(gatehouse: &Gatehouse, at: PartnerSchool<'_>) -> Result<ActionOutcome> {
    let Target { app, loaded } = target(gatehouse, at).await?;
    let link = &loaded.link;
    let actor = LinkActor::Partner { name: &at.session.display_name };
    let Some((on, change)) = transitions::cancel_revocation(link, &actor) else {
        let message = format!("{} has no revocation pending.", link.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    };
    let saved = commit(gatehouse, &loaded, change.with_receipts(None), &at.session.display_name).await?;
    outbox::deliver(gatehouse).await?;
    let message = format!("{} keeps its access; the revocation from {on} is cancelled.", link.name);
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// P6's two priority actions on a school in Pending Authorisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityAction {
    Set,
    Remove,
}

/// P6 Set/Remove Priority (Pending Authorisations).
pub async fn set_priority(
    gatehouse: &Gatehouse,
    at: PartnerSchool<'_>,
    action: PriorityAction,
) -> Result<ActionOutcome> {
    let Target { app, loaded } = target(gatehouse, at).await?;
    let link = &loaded.link;
    if link.view != SchoolView::Pending || link.cancelled_on.is_some() {
        return Err(not_in("Pending Authorisations", "Priority"));
    }
    let (priority, said, event, detail) = match action {
        PriorityAction::Set => (true, "a priority", LogEvent::PrioritySet, "Marked as a priority"),
        PriorityAction::Remove => (false, "not a priority", LogEvent::PriorityRemoved, "No longer a priority"),
    };
    if link.priority == priority {
        return outcome(gatehouse, &app, link, Effect::Unchanged, format!("{} is already {said}.", link.name)).await;
    }
    let mut next = link.clone();
    next.priority = priority;
    let change = Change::new(next).log(event, detail).keeping_tokens();
    let saved = commit(gatehouse, &loaded, change, &at.session.display_name).await?;
    outcome(gatehouse, &app, &saved.link, Effect::Changed, format!("{} is now {said}.", link.name)).await
}

/// P6 Cancel Invite: the school leaves Pending and its link stops working.
pub async fn cancel_invitation(gatehouse: &Gatehouse, at: PartnerSchool<'_>) -> Result<ActionOutcome> {
    let Target { app, loaded } = target(gatehouse, at).await?;
    let link = &loaded.link;
    if link.cancelled_on.is_some() {
        let message = format!("The invitation to {} was already cancelled.", link.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    }
    if link.view != SchoolView::Pending {
        return Err(not_in("Pending Authorisations", "Cancelling an invitation"));
    }
    let mut next = link.clone();
    next.cancelled_on = Some(uk_date(gatehouse.clock.now()));
    next.invitation = None;
    next.priority = false;
    next.pending_grant = None;
    let mut change =
        Change::new(next).log(LogEvent::InvitationCancelled, "Invitation cancelled; its link no longer works");
    if let Some(write) = transitions::dequeue_verification(link) {
        change = change.also(write);
    }
    let saved = commit(gatehouse, &loaded, change, &at.session.display_name).await?;
    let message = format!("The invitation to {} is cancelled. Invite the school again to start over.", link.name);
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// Applies a new contact from the request, validated, to `link`.
fn with_contact(link: &mut SchoolLinkRecord, request: &InviteRequest) -> Result<()> {
    let Some(contact) = &request.new_contact else {
        if link.school_contact.is_none() {
            return Err(Error::invalid("new_contact", "this school has no contact yet; add one"));
        }
        return Ok(());
    };
    let name = contact.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "give the contact's name (up to 100 characters)"));
    }
    let role = contact.role.as_deref().map(str::trim).filter(|role| !role.is_empty());
    if role.is_some_and(|role| role.chars().count() > 100) {
        return Err(Error::invalid("role", "keep the role under 100 characters"));
    }
    link.school_contact = Some(contact.email.clone());
    link.school_contact_name = Some(name.to_owned());
    link.school_contact_role = role.map(str::to_owned);
    Ok(())
}

/// P6's two ways of sending an invitation again; either way the earlier
/// link dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteAgain {
    /// Resend Invite: to a pending school, the same contact or a new one.
    Resend,
    /// Re-invite: a revoked school, or one whose invitation was cancelled.
    Reinvite,
}

impl InviteAgain {
    fn event(self) -> LogEvent {
        match self {
            InviteAgain::Resend => LogEvent::InvitationResent,
            InviteAgain::Reinvite => LogEvent::Reinvited,
        }
    }

    /// Names the action in its idempotency scope.
    fn scope_name(self) -> &'static str {
        match self {
            InviteAgain::Resend => "resend",
            InviteAgain::Reinvite => "reinvite",
        }
    }
}

/// P6 Resend Invite or Re-invite: a fresh invitation for the school.
/// Re-inviting a school that is already invited changes nothing.
pub async fn invite_again(
    gatehouse: &Gatehouse,
    at: PartnerSchool<'_>,
    again: InviteAgain,
    request: &InviteRequest,
    idempotency_key: Option<&str>,
) -> Result<ActionOutcome> {
    let app_part = at.app.map_or("", AppId::as_str);
    let scope = format!("{}#{app_part}#{}#{}", at.session.partner_id, again.scope_name(), at.school);
    let work = |commit| async move {
        let Target { app, loaded } = target(gatehouse, at).await?;
        let link = &loaded.link;
        let invited = link.view == SchoolView::Pending && link.cancelled_on.is_none();
        match again {
            InviteAgain::Resend if !invited => return Err(not_in("Pending Authorisations", "Resending an invitation")),
            InviteAgain::Reinvite if invited => {
                // Nothing to do, but a malformed contact is still refused (issue 18).
                with_contact(&mut link.clone(), request)?;
                let message = format!("{} is already invited; use Resend Invite to send the link again.", link.name);
                return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
            }
            InviteAgain::Reinvite if link.view == SchoolView::Active && link.cancelled_on.is_none() => {
                return Err(not_in("Revoked Schools", "Re-inviting"));
            }
            InviteAgain::Resend | InviteAgain::Reinvite => {}
        }
        send_invitation(gatehouse, &Actor::of(at.session), app, loaded, request, again.event(), &commit).await
    };
    let finish = |_| finish_sending(gatehouse, at, again.event());
    idempotency::once_committing(gatehouse, &scope, idempotency_key, request, work, finish).await
}

/// A retry after an invitation was committed and its request failed
/// (issue 18): sends the email still owed, if any, and answers as the first
/// attempt would have.
async fn finish_sending(gatehouse: &Gatehouse, at: PartnerSchool<'_>, event: LogEvent) -> Result<ActionOutcome> {
    let Target { app, loaded } = target(gatehouse, at).await?;
    let link = match invitations::finish_unsent(gatehouse, &loaded, &at.session.display_name).await? {
        Some(sent) => sent.link,
        None => loaded.link,
    };
    let to = link.school_contact.as_ref().map(EmailAddress::as_str).unwrap_or_default().to_owned();
    let message = sent_message(event, &link.name, &to);
    outcome(gatehouse, &app, &link, Effect::Changed, message).await
}

/// What the answer says once an invitation went to `to`.
fn sent_message(event: LogEvent, name: &str, to: &str) -> String {
    if event == LogEvent::Invited {
        format!("{name} is invited: the invitation was sent to {to}.")
    } else {
        format!("The invitation to {name} was sent to {to}; any earlier link no longer works.")
    }
}

/// Issues a fresh invitation token, moves the link to Pending, logs and emails.
/// The token is committed owing its email (`invitations::send_issued`), with
/// `commit`'s mark when the request runs under an `Idempotency-Key`.
async fn send_invitation(
    gatehouse: &Gatehouse,
    actor: &Actor,
    app: AppRecord,
    loaded: LoadedLink,
    request: &InviteRequest,
    event: LogEvent,
    commit_mark: &idempotency::Commit,
) -> Result<ActionOutcome> {
    let now = gatehouse.clock.now();
    let mut next = loaded.link.clone();
    next.app_name = Some(app.name.clone());
    next.partner_name = Some(actor.partner_name.clone());
    with_contact(&mut next, request)?;
    let contact = next.school_contact.clone().ok_or(Error::invalid("new_contact", "add a school contact"))?;
    if next.partner_contact.as_ref() == Some(&contact) || actor.email.as_ref() == Some(&contact) {
        return Err(partner_address_refused());
    }
    refuse_partner_address(gatehouse, &actor.partner_id, &contact).await?;
    let contact_name = next.school_contact_name.clone().unwrap_or_default();
    let issued = invitations::issue(&loaded.link, &contact, &contact_name, now)?.emailing(InvitationEmail::Invitation);
    next.invitation = Some(issued.reference);
    next.invited_on = Some(uk_date(now));
    if event == LogEvent::Reinvited {
        next.view = SchoolView::Pending;
        next.cancelled_on = None;
        next.revoked_on = None;
        next.revoked_by = None;
        next.priority = false;
    }
    let detail = match (&request.new_contact, event) {
        (_, LogEvent::Invited) => format!("Invitation sent to {}", contact.as_str()),
        (Some(_), _) => format!("Sent to a new school contact, {}", contact.as_str()),
        (None, _) => format!("Sent to {}", contact.as_str()),
    };
    let mut change = Change::new(next).log(event, detail);
    for write in issued.writes {
        change = change.also(write);
    }
    if let Some(mark) = commit_mark.write(serde_json::Value::Null) {
        change = change.also(mark);
    }
    let saved = commit(gatehouse, &loaded, change, &actor.name).await?;
    // The answer is read before the send, so nothing can fail after it: a
    // retry then finds the email either owed (and sends it) or sent.
    let message = sent_message(event, &saved.link.name, contact.as_str());
    let answer = outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await?;
    invitations::send_issued(gatehouse, &saved, &issued.token, &actor.partner_name, &app, &actor.name).await?;
    Ok(answer)
}

fn partner_address_refused() -> Error {
    Error::invalid(
        "school_contact",
        "this address belongs to a partner organisation, not the school; name someone at the school who may share its data",
    )
}

/// #12: a partner never gains a say for a school by naming itself. Refuses
/// any partner user's address (of any organisation) and any address at a
/// domain of this partner's own team (free-mail domains aside).
pub async fn refuse_partner_address(gatehouse: &Gatehouse, partner: &PartnerId, email: &EmailAddress) -> Result<()> {
    let user_key = Key::User(AccountKind::Partner, email);
    if gatehouse.table.get(&user_key.pk(), &user_key.sk()).await?.is_some() {
        return Err(partner_address_refused());
    }
    let team = Query::partition(Index::Primary, Key::Partner(partner).pk()).with_prefix(MEMBER_PREFIX);
    for item in query_all(gatehouse.table.as_ref(), team).await? {
        let member: MemberRecord = from_item(&item)?;
        let domain = member.email.domain();
        if domain == email.domain() && !crate::registry::domains::is_shared_domain(domain) {
            return Err(partner_address_refused());
        }
    }
    Ok(())
}

/// Who acts on a partner's behalf: a signed-in user, or an app by API key.
#[derive(Debug, Clone)]
pub struct Actor {
    pub partner_id: PartnerId,
    pub partner_name: String,
    /// For the log: a person's name, or "<app> (API)".
    pub name: String,
    /// The default partner contact of new invitations.
    pub email: Option<EmailAddress>,
}

impl Actor {
    pub fn of(session: &SessionRecord) -> Self {
        Actor {
            partner_id: session.partner_id.clone(),
            partner_name: session.partner_name.clone(),
            name: session.display_name.clone(),
            email: Some(session.email.clone()),
        }
    }
}

/// P7: invites a school from the directory for one of the signed-in
/// partner's apps.
pub async fn invite_school(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    request: &InviteSchoolRequest,
) -> Result<ActionOutcome> {
    let app_id = app_of(session, app)?;
    let (app, _) = app_record(gatehouse, session, &app_id).await?;
    invite(gatehouse, &Actor::of(session), app, request, &idempotency::Commit::none()).await
}

/// A6: an app invites a school with its API key; honours `Idempotency-Key`.
pub async fn invite_by_api(
    gatehouse: &Gatehouse,
    actor: &Actor,
    app: AppRecord,
    request: &InviteSchoolRequest,
    idempotency_key: Option<&str>,
) -> Result<ActionOutcome> {
    let scope = format!("app#{}#invite", app.app_id);
    let finish = |_| async {
        let school = SchoolId::parse(request.urn.trim()).map_err(|_| Error::NotFound("school"))?;
        let key = Key::SchoolLink(&app.app_id, &school);
        let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("school"))?;
        let loaded = LoadedLink { link: from_item(&item)?, version: item.version };
        let link = match invitations::finish_unsent(gatehouse, &loaded, &actor.name).await? {
            Some(sent) => sent.link,
            None => loaded.link,
        };
        let to = link.school_contact.as_ref().map(EmailAddress::as_str).unwrap_or_default().to_owned();
        let message = sent_message(LogEvent::Invited, &link.name, &to);
        outcome(gatehouse, &app, &link, Effect::Changed, message).await
    };
    let first = app.clone();
    let work = |commit| async move { invite(gatehouse, actor, first, request, &commit).await };
    idempotency::once_committing(gatehouse, &scope, idempotency_key, request, work, finish).await
}

/// Invites a school for `app`. A school already invited or authorised for
/// the app is not invited twice (the answer says which); one that was
/// revoked or whose invitation was cancelled is re-invited.
pub async fn invite(
    gatehouse: &Gatehouse,
    actor: &Actor,
    app: AppRecord,
    request: &InviteSchoolRequest,
    commit_mark: &idempotency::Commit,
) -> Result<ActionOutcome> {
    if !request.contact_may_authorise {
        return Err(Error::invalid(
            "contact_may_authorise",
            "invite someone who may share data for the school, and confirm it",
        ));
    }
    let urn = SchoolUrn::parse(&request.urn)?;
    let school = directory::get(gatehouse.table.as_ref(), &urn).await?.ok_or(Error::NotFound("school"))?;
    if school.status == EstablishmentStatus::Closed {
        return Err(Error::invalid("urn", "this school is closed in the register"));
    }
    let partner_contact = match request.partner_contact.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(raw) => EmailAddress::parse(raw).map_err(|_| Error::invalid("partner_contact", "not an email address"))?,
        None => actor.email.clone().ok_or(Error::invalid("partner_contact", "name a partner contact"))?,
    };
    let app_id = app.app_id.clone();
    let invite = InviteRequest { new_contact: Some(request.school_contact.clone()) };
    let school_id = SchoolId::parse(urn.as_str())?;
    let key = Key::SchoolLink(&app_id, &school_id);
    if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
        let loaded = LoadedLink { link: from_item(&item)?, version: item.version };
        if loaded.link.partner_id != actor.partner_id {
            return Err(Error::NotFound("school"));
        }
        let owed = loaded.link.invitation.as_ref().is_some_and(|reference| reference.unsent.is_some())
            && Some(&request.school_contact.email) == loaded.link.school_contact.as_ref();
        return match (loaded.link.cancelled_on, loaded.link.view) {
            // The retry of an invitation whose email failed (issue 18): send it.
            (None, SchoolView::Pending) if owed => {
                let sent = invitations::finish_unsent(gatehouse, &loaded, &actor.name).await?;
                let link = sent.map_or(loaded.link, |sent| sent.link);
                let to = link.school_contact.as_ref().map(EmailAddress::as_str).unwrap_or_default().to_owned();
                let message = sent_message(LogEvent::Invited, &link.name, &to);
                outcome(gatehouse, &app, &link, Effect::Changed, message).await
            }
            (None, SchoolView::Pending) => {
                Err(Error::AlreadyLinked("this school is already invited; resend the invitation from its tile instead"))
            }
            (None, SchoolView::Active) => Err(Error::AlreadyLinked("this school has already authorised this app")),
            _ => send_invitation(gatehouse, actor, app, loaded, &invite, LogEvent::Reinvited, commit_mark).await,
        };
    }
    let now = gatehouse.clock.now();
    let link = SchoolLinkRecord {
        urn: Some(school.urn.clone()),
        local_authority: Some(school.local_authority.clone()),
        postcode: Some(school.postcode.clone()),
        invited_on: Some(uk_date(now)),
        partner_contact: Some(partner_contact),
        app_name: Some(app.name.clone()),
        partner_name: Some(actor.partner_name.clone()),
        ..SchoolLinkRecord::new(school_id, app_id.clone(), actor.partner_id.clone(), school.name.clone())
    };
    // Version 0 "exists" nowhere: the first commit writes version 1 only if
    // no link was created meanwhile.
    let fresh = LoadedLink { link, version: 0 };
    send_invitation(gatehouse, actor, app, fresh, &invite, LogEvent::Invited, commit_mark).await
}
