//! "Begin Authorisation" links (S1): a random token per invitation, stored
//! hashed for 30 days. A school link names at most one live token, and a
//! token works only while the link still names it: `links::commit` drops the
//! name on every change to the link's access (a revoke by anyone, a decline,
//! a resend, an approval…), so a token ends with the state it was issued for
//! (#12). The token item stays until it expires, so an old link answers
//! `link_superseded` rather than looking unknown, and a used one can still
//! show what was done with it.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use gatehouse_model::{InvitationState, InvitationSummary, Scope, ScopeSet};

use crate::base::keys::{Key, RateScope};
use crate::base::ports::{Condition, Email, TransactWrite};
use crate::store::links::{Change, LoadedLink, commit};
use crate::store::records::{
    AppRecord, InvitationEmail, InvitationRecord, InvitationRef, PartnerRecord, SchoolLinkRecord, Waiting,
    expiring_item, from_item,
};
use crate::store::suppression;
use crate::{EmailAddress, Error, Gatehouse, Result, Settings, Token, TokenHash, store::emails};

/// How long an invitation link works.
pub const INVITATION_LIFETIME: Duration = Duration::days(30);

/// A new invitation token and the writes that make it the link's only live one.
pub struct Issued {
    pub token: Token,
    pub reference: InvitationRef,
    pub writes: Vec<TransactWrite>,
}

/// Issues a token for `link`'s current school contact, superseding any earlier one.
pub fn issue(
    link: &SchoolLinkRecord,
    contact_email: &EmailAddress,
    contact_name: &str,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let token = Token::generate()?;
    let hash = token.hash();
    let expires_at = now + INVITATION_LIFETIME;
    let record = InvitationRecord {
        app_id: link.app_id.clone(),
        school_id: link.school_id.clone(),
        partner_id: link.partner_id.clone(),
        contact_email: contact_email.clone(),
        contact_name: contact_name.to_owned(),
        created_at: now,
        receipt: None,
        awaiting: None,
    };
    let key = Key::Invitation(&hash);
    // The earlier token, if any, stops working because the link will name
    // this one instead.
    let writes =
        vec![TransactWrite::Put { item: expiring_item(&key, &record, expires_at), condition: Condition::NotExists }];
    Ok(Issued { token, reference: InvitationRef { token_hash: hash, sent_at: now, expires_at, unsent: None }, writes })
}

/// The address a "Begin Authorisation" link opens.
pub fn url(settings: &Settings, token: &Token) -> String {
    format!("{}/authorise#token={}", settings.public_url, token.expose())
}

pub fn scope_labels(scopes: &ScopeSet) -> Vec<&'static str> {
    scopes.iter().map(|scope| Scope::label(*scope)).collect()
}

impl Issued {
    /// Marks the token as owed `email`: [`send_issued`] sends it after the
    /// commit, and a retry finds it owed if that failed ([`finish_unsent`]).
    pub fn emailing(mut self, email: InvitationEmail) -> Self {
        self.reference.unsent = Some(email);
        self
    }
}

/// The email `kind` for `token`, to the link's school contact.
fn render(
    settings: &Settings,
    link: &SchoolLinkRecord,
    kind: InvitationEmail,
    partner_name: &str,
    app: &AppRecord,
    token: &Token,
) -> Result<Email> {
    let to =
        link.school_contact.clone().ok_or(Error::invalid("new_contact", "this school has no contact yet; add one"))?;
    let contact_name = link.school_contact_name.clone().unwrap_or_else(|| "colleague".to_owned());
    let link_url = url(settings, token);
    match kind {
        InvitationEmail::Invitation => {
            let scopes = scope_labels(&app.requested_scopes);
            let mail = emails::InvitationMail {
                contact_name: &contact_name,
                partner_name,
                app_name: &app.name,
                scopes: &scopes,
                link: &link_url,
                days: INVITATION_LIFETIME.num_days(),
                reminder: false,
            };
            emails::invitation(to, &mail)
        }
        InvitationEmail::Reauthorisation => {
            let missing: ScopeSet = app.requested_scopes.difference(&link.granted_scopes).copied().collect();
            let labels = scope_labels(&missing);
            let days = INVITATION_LIFETIME.num_days();
            emails::reauthorisation(to, &contact_name, partner_name, &app.name, &labels, &link_url, days)
        }
    }
}

fn owing(link: &SchoolLinkRecord, email: Option<InvitationEmail>) -> SchoolLinkRecord {
    let mut next = link.clone();
    if let Some(reference) = next.invitation.as_mut() {
        reference.unsent = email;
    }
    next
}

/// Sends the email `saved`'s token is owed (`Issued::emailing`), right after
/// the commit that issued it: marks it sent, sends, and marks it owed again
/// if the send fails (issue 18), so the retry sends it once, never twice.
pub async fn send_issued(
    gatehouse: &Gatehouse,
    saved: &LoadedLink,
    token: &Token,
    partner_name: &str,
    app: &AppRecord,
    actor: &str,
) -> Result<LoadedLink> {
    let Some(kind) = saved.link.invitation.as_ref().and_then(|reference| reference.unsent) else {
        return Ok(saved.clone());
    };
    let email = render(&gatehouse.settings, &saved.link, kind, partner_name, app, token)?;
    let claimed = commit(gatehouse, saved, Change::new(owing(&saved.link, None)).keeping_tokens(), actor).await?;
    // Not owed any more once claimed, sent or not: a suppressed contact
    // (`suppression::send`) is not retried, and the tile says why.
    if let Err(error) = suppression::send(gatehouse, email).await {
        let owed = Change::new(owing(&claimed.link, Some(kind))).keeping_tokens();
        commit(gatehouse, &claimed, owed, actor).await?;
        return Err(error);
    }
    Ok(claimed)
}

/// A retry's part (issue 18): when `loaded`'s token is still owed its email
/// (an earlier attempt committed it and then failed), issues a fresh token
/// in its place — the first was never seen and is stored only as a hash —
/// and sends it. `None` when nothing is owed.
pub async fn finish_unsent(gatehouse: &Gatehouse, loaded: &LoadedLink, actor: &str) -> Result<Option<LoadedLink>> {
    let link = &loaded.link;
    let Some((reference, kind)) = link.invitation.as_ref().and_then(|r| r.unsent.map(|kind| (r, kind))) else {
        return Ok(None);
    };
    let contact = link.school_contact.clone().ok_or(Error::invalid("new_contact", "add a school contact"))?;
    let app_key = Key::App(&link.partner_id, &link.app_id);
    let app: AppRecord =
        from_item(&gatehouse.table.get(&app_key.pk(), &app_key.sk()).await?.ok_or(Error::NotFound("app"))?)?;
    let partner_name = match &link.partner_name {
        Some(name) => name.clone(),
        None => {
            let key = Key::Partner(&link.partner_id);
            let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("partner"))?;
            from_item::<PartnerRecord>(&item)?.name
        }
    };
    let name = link.school_contact_name.clone().unwrap_or_default();
    let issued = issue(link, &contact, &name, gatehouse.clock.now())?;
    let mut next = link.clone();
    next.invitation = Some(issued.reference.clone());
    let old = Key::Invitation(&reference.token_hash);
    let mut change = Change::new(next).keeping_tokens();
    for write in issued.writes {
        change = change.also(write);
    }
    change = change.also(TransactWrite::Delete { pk: old.pk(), sk: old.sk(), condition: Condition::Always });
    let email = render(&gatehouse.settings, link, kind, &partner_name, &app, &issued.token)?;
    let claimed = commit(gatehouse, loaded, change, actor).await?;
    if let Err(error) = suppression::send(gatehouse, email).await {
        let owed = Change::new(owing(&claimed.link, Some(kind))).keeping_tokens();
        commit(gatehouse, &claimed, owed, actor).await?;
        return Err(error);
    }
    tracing::info!(school_id = %link.school_id, "owed invitation email sent with a fresh token");
    Ok(Some(claimed))
}

/// A live invitation link and everything it opens.
pub struct LiveInvitation {
    pub hash: TokenHash,
    pub record: InvitationRecord,
    pub version: u64,
    pub expires_at: DateTime<Utc>,
    pub link: LoadedLink,
    pub app: AppRecord,
    pub partner: PartnerRecord,
}

/// A token that can still act: its link names it and is not revoked.
/// Unknown and expired tokens are `InvitationExpired`; a token the link no
/// longer names is `LinkSuperseded` (its holder did hold a real link, so
/// saying so tells them nothing new).
pub async fn live(gatehouse: &Gatehouse, raw_token: &str) -> Result<LiveInvitation> {
    let resolved = resolve(gatehouse, raw_token).await?;
    if resolved.record.receipt.is_some() || resolved.record.awaiting.is_some() {
        return Err(Error::InvitationUsed);
    }
    let named = resolved.link.link.invitation.as_ref().map(|live| &live.token_hash) == Some(&resolved.hash);
    let today = crate::base::calendar::uk_date(gatehouse.clock.now());
    if !named || resolved.link.link.view_on(today) == gatehouse_model::SchoolView::Revoked {
        return Err(Error::LinkSuperseded);
    }
    Ok(resolved)
}

/// Resolves a token to its invitation, live or superseded.
pub async fn resolve(gatehouse: &Gatehouse, raw_token: &str) -> Result<LiveInvitation> {
    let token = Token::parse("token", raw_token)?;
    let hash = token.hash();
    let key = Key::Invitation(&hash);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::InvitationExpired)?;
    if item.is_expired_at(gatehouse.clock.now().timestamp()) {
        return Err(Error::InvitationExpired);
    }
    let record: InvitationRecord = from_item(&item)?;
    let link_key = Key::SchoolLink(&record.app_id, &record.school_id);
    let link = match gatehouse.table.get(&link_key.pk(), &link_key.sk()).await? {
        Some(item) => LoadedLink { link: from_item(&item)?, version: item.version },
        None => return Err(Error::InvitationExpired),
    };
    let app_key = Key::App(&record.partner_id, &record.app_id);
    let app: AppRecord = match gatehouse.table.get(&app_key.pk(), &app_key.sk()).await? {
        Some(item) => from_item(&item)?,
        None => return Err(Error::InvitationExpired),
    };
    let partner_key = Key::Partner(&record.partner_id);
    let partner: PartnerRecord = match gatehouse.table.get(&partner_key.pk(), &partner_key.sk()).await? {
        Some(item) => from_item(&item)?,
        None => return Err(Error::InvitationExpired),
    };
    let expires_at = item.expires_at.and_then(|at| DateTime::from_timestamp(at, 0)).unwrap_or(record.created_at);
    Ok(LiveInvitation { hash, record, version: item.version, expires_at, link, app, partner })
}

/// Requests per caller per window on the public invitation endpoints: far
/// more than a person clicking through the wizard, far fewer than guessing.
pub const REQUESTS_PER_IP_PER_WINDOW: i64 = 60;

/// Counts a public invitation request from `client` (an IP address).
pub async fn limit(gatehouse: &Gatehouse, client: &str) -> Result<()> {
    let now = gatehouse.clock.now();
    crate::account::auth::enforce_rate_limit(
        gatehouse,
        RateScope::InvitationIp,
        client,
        REQUESTS_PER_IP_PER_WINDOW,
        now,
    )
    .await
}

/// What a "Begin Authorisation" link shows before the wizard starts, or,
/// once used, what was authorised with it.
pub async fn open(gatehouse: &Gatehouse, raw_token: &str, client: &str) -> Result<InvitationSummary> {
    limit(gatehouse, client).await?;
    let resolved = resolve(gatehouse, raw_token).await?;
    // A used link keeps showing what was done with it; an unused one that
    // was superseded can do nothing.
    if resolved.record.receipt.is_some() || resolved.record.awaiting.is_some() {
        return Ok(summary(&resolved));
    }
    let live = live(gatehouse, raw_token).await?;
    Ok(summary(&live))
}

pub fn summary(live: &LiveInvitation) -> InvitationSummary {
    let state = match (&live.record.receipt, live.record.awaiting) {
        (Some(_), _) => InvitationState::Authorised,
        (None, Some(Waiting::Verification)) => InvitationState::AwaitingVerification,
        (None, Some(Waiting::SchoolApproval)) => InvitationState::AwaitingSchoolApproval,
        (None, None) => InvitationState::Open,
    };
    InvitationSummary {
        school_name: live.link.link.name.clone(),
        partner_name: live.partner.name.clone(),
        app_name: live.app.name.clone(),
        contact_name: live.record.contact_name.clone(),
        requested_scopes: live.app.requested_scopes.clone(),
        granted_scopes: live.link.link.granted_scopes.clone(),
        mis: live.link.link.mis.clone(),
        state,
        receipt: live.record.receipt.clone(),
        expires_at: live.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}
