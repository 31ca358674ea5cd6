//! Sign-in for every kind of account (partner P1, school S3, ops O1):
//! passwordless magic links and sessions, each kind in its own partitions.
//!
//! Links and sessions are random tokens stored only as SHA-256 hashes. A link
//! is consumed by a conditional delete, so of two concurrent exchanges exactly
//! one wins. Answers never reveal whether an address has an account.

use chrono::{DateTime, Duration, Utc};
use gatehouse_model::{AccountKind, AppSummary, Me, OpsMe, SchoolMe};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::base::keys::{APP_PREFIX, Key, RateScope};
use gatehouse_model::SIGN_IN_REQUESTED;

use crate::base::ports::{Condition, DomainEvent, Increment, Index, Query, StoreError, TransactWrite, query_all};
use crate::store::records::{
    AppRecord, LoginLinkRecord, OpsSessionRecord, OpsUserRecord, PartnerRecord, SchoolSessionRecord, SchoolUserRecord,
    SessionRecord, UserRecord, UserSessionRecord, expiring_item, from_item,
};
use crate::{EmailAddress, Error, Gatehouse, Result, Token, account::accounts, store::emails};

/// How long an emailed link works.
pub const LINK_LIFETIME: Duration = Duration::minutes(10);
/// How long a session lasts; then the user asks for a new link.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);
/// Rate-limit window and budgets for link requests.
pub const RATE_WINDOW: Duration = Duration::minutes(15);
pub const LINKS_PER_EMAIL_PER_WINDOW: i64 = 5;
pub const LINKS_PER_IP_PER_WINDOW: i64 = 30;

/// A fresh session: the secret for the cookie and who it belongs to.
#[derive(Debug)]
pub struct NewSession<M = Me> {
    pub token: Token,
    pub expires_at: DateTime<Utc>,
    pub me: M,
}

/// Asks for a sign-in link to one kind of account. Succeeds the same way for
/// unknown addresses, and with the same work (#18): two rate-limit counters,
/// one stored request and one event, whoever asks. The account lookup and the
/// send happen after the answer, in [`send_requested_link`], so neither the
/// answer nor its timing says whether the address has an account. `client`
/// identifies the caller for the per-IP limit.
pub async fn request_magic_link(
    gatehouse: &Gatehouse,
    kind: AccountKind,
    email: &EmailAddress,
    client: &str,
) -> Result<()> {
    let now = gatehouse.clock.now();
    // The address's budget is per address *and* caller (#18): a stranger
    // spending it from elsewhere cannot lock the owner out; the caller's own
    // budget bounds how many addresses one caller can try.
    enforce_rate_limit(gatehouse, RateScope::SignInIp, client, LINKS_PER_IP_PER_WINDOW, now).await?;
    let address_and_caller = format!("{}|{client}", email.as_str());
    enforce_rate_limit(gatehouse, RateScope::SignInEmail, &address_and_caller, LINKS_PER_EMAIL_PER_WINDOW, now).await?;

    // The request's id is random and the event carries only it: the address
    // stays in the table, never on the bus.
    let id = Token::generate()?.hash().as_str().to_owned();
    let request = SignInRequestRecord { kind, email: email.clone(), requested_at: now };
    let key = Key::SignInRequest(&id);
    let item = expiring_item(&key, &request, now + LINK_LIFETIME);
    gatehouse.table.put(item, Condition::NotExists).await?;
    let event =
        DomainEvent { detail_type: SIGN_IN_REQUESTED.to_owned(), detail: serde_json::json!({ "request_id": id }) };
    if let Err(error) = gatehouse.events.publish(event).await {
        // Nothing will send this request: take it back, so the retry's is
        // the only one (issue 18).
        if let Err(delete) = gatehouse.table.delete(&key.pk(), &key.sk(), Condition::Always).await {
            tracing::warn!(error = ?delete, "unpublished sign-in request left to expire");
        }
        return Err(Error::Unavailable(error));
    }
    Ok(())
}

/// What a sign-in request leaves for its send: who asked, for which portal.
#[derive(serde::Serialize, serde::Deserialize)]
struct SignInRequestRecord {
    kind: AccountKind,
    email: EmailAddress,
    requested_at: DateTime<Utc>,
}

/// What the send of one sign-in request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInSend {
    Sent,
    /// The address has no account of that kind: nothing is sent.
    NoAccount,
    /// Already sent, or older than a link's lifetime: a redelivered event.
    Gone,
}

/// The `sign_in.requested` consumer: looks the address up and, for an
/// account, stores a link and emails it. The request is deleted only after
/// the send, so a failed send is retried with the event; a link sent twice
/// (a retry after a send whose delete failed) is two working links, not a
/// lost one.
pub async fn send_requested_link(gatehouse: &Gatehouse, detail: &serde_json::Value) -> Result<SignInSend> {
    crate::base::access::running("send_sign_in_links", send_requested(gatehouse, detail)).await
}

async fn send_requested(gatehouse: &Gatehouse, detail: &serde_json::Value) -> Result<SignInSend> {
    let Some(id) = detail.get("request_id").and_then(serde_json::Value::as_str) else {
        return Err(Error::Invalid { field: "request_id", reason: "the event names no sign-in request".into() });
    };
    let key = Key::SignInRequest(id);
    let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? else {
        return Ok(SignInSend::Gone);
    };
    let request: SignInRequestRecord = from_item(&item)?;
    let now = gatehouse.clock.now();
    if now - request.requested_at > LINK_LIFETIME {
        return Ok(SignInSend::Gone);
    }
    let (kind, email) = (request.kind, request.email);
    let user_key = Key::User(kind, &email);
    let display_name = match gatehouse.table.get(&user_key.pk(), &user_key.sk()).await? {
        Some(item) => Some(from_item::<AccountName>(&item)?.display_name),
        None if kind == AccountKind::Ops && gatehouse.settings.first_ops_user.as_ref() == Some(&email) => {
            accounts::ensure_ops_user(gatehouse, &email, "Operations").await?;
            Some("Operations".to_owned())
        }
        None => None,
    };
    let outcome = match display_name {
        Some(display_name) => {
            send_link(gatehouse, kind, email, &display_name, now).await?;
            tracing::info!(?kind, "sign-in link sent");
            SignInSend::Sent
        }
        None => {
            tracing::info!(?kind, "sign-in link requested for an address with no account");
            SignInSend::NoAccount
        }
    };
    gatehouse.table.delete(&key.pk(), &key.sk(), Condition::Always).await?;
    Ok(outcome)
}

/// Stores a fresh link for `email` and emails it.
async fn send_link(
    gatehouse: &Gatehouse,
    kind: AccountKind,
    email: EmailAddress,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let token = Token::generate()?;
    let hash = token.hash();
    let link = LoginLinkRecord { email: email.clone(), created_at: now };
    let link_key = Key::LoginLink(kind, &hash);
    let item = expiring_item(&link_key, &link, now + LINK_LIFETIME);
    gatehouse.table.put(item, Condition::NotExists).await?;
    let url = format!("{}{}#token={}", gatehouse.settings.public_url, kind.auth_landing_path(), token.expose());
    let message = emails::magic_link(email, display_name, kind.portal_name(), &url, LINK_LIFETIME.num_minutes())?;
    crate::store::suppression::send(gatehouse, message).await?;
    Ok(())
}

/// The one field every kind of user and session record shares with the
/// sign-in email and the logout.
#[derive(serde::Deserialize)]
struct AccountName {
    display_name: String,
}

#[derive(serde::Deserialize)]
struct SessionOwner {
    email: EmailAddress,
}

/// Counts one request against a fixed window; errors once over budget.
pub(crate) async fn enforce_rate_limit(
    gatehouse: &Gatehouse,
    scope: RateScope,
    subject: &str,
    budget: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let window = RATE_WINDOW.num_seconds();
    let window_start = now.timestamp() - now.timestamp().rem_euclid(window);
    let window_end = window_start + window;
    // Hash the subject: emails and IPs are personal data and keys get logged by tools.
    let subject = hex::encode(Sha256::digest(subject.as_bytes()));
    let key = Key::RateWindow { scope, subject: &subject, window_start };
    let count = gatehouse
        .table
        .add(Increment { pk: &key.pk(), sk: &key.sk(), counter: "count", delta: 1, expires_at: Some(window_end) })
        .await?;
    if count > budget {
        tracing::warn!(scope = ?scope, "sign-in rate limit reached");
        return Err(Error::RateLimited { retry_after_seconds: (window_end - now.timestamp()).max(1) as u64 });
    }
    Ok(())
}

/// Consumes a sign-in link of `kind`: of two concurrent exchanges exactly one
/// wins. Returns the user's stored record.
/// Returns the user's stored record and the write that consumes the link,
/// for the transaction that starts the session (issue 18: a failure before
/// it leaves the link working for the retry; after it, the session stands).
async fn consume_link<U: DeserializeOwned>(
    gatehouse: &Gatehouse,
    kind: AccountKind,
    raw_token: &str,
) -> Result<(U, TransactWrite)> {
    let token = Token::parse("token", raw_token)?;
    let hash = token.hash();
    let now = gatehouse.clock.now();
    let link_key = Key::LoginLink(kind, &hash);
    let Some(found) = gatehouse.table.get(&link_key.pk(), &link_key.sk()).await? else {
        return Err(Error::LinkExpired);
    };
    if found.is_expired_at(now.timestamp()) {
        return Err(Error::LinkExpired);
    }
    let link: LoginLinkRecord = from_item(&found)?;
    let user_key = Key::User(kind, &link.email);
    let user = match gatehouse.table.get(&user_key.pk(), &user_key.sk()).await? {
        Some(item) => from_item(&item)?,
        // The account was removed after the link was sent.
        None => return Err(Error::LinkExpired),
    };
    // Of two exchanges of one link, only the one whose delete finds it wins.
    Ok((user, TransactWrite::Delete { pk: link_key.pk(), sk: link_key.sk(), condition: Condition::Exists }))
}

/// Stores a session and the pointer from its user to it, consuming the
/// sign-in link (`consume`), in one transaction.
async fn start_session<S: Serialize>(
    gatehouse: &Gatehouse,
    kind: AccountKind,
    email: &EmailAddress,
    session: &S,
    consume: TransactWrite,
) -> Result<(Token, DateTime<Utc>)> {
    let session_token = Token::generate()?;
    let session_hash = session_token.hash();
    let expires_at = gatehouse.clock.now() + SESSION_LIFETIME;
    let session_key = Key::Session(kind, &session_hash);
    let item = expiring_item(&session_key, session, expires_at);
    // The pointer lets removing the user end this session.
    let pointer_key = Key::UserSession(kind, email, &session_hash);
    let pointer = expiring_item(&pointer_key, &UserSessionRecord { session_hash: session_hash.clone() }, expires_at);
    let started = gatehouse
        .table
        .transact(vec![
            consume,
            TransactWrite::Put { item, condition: Condition::NotExists },
            TransactWrite::Put { item: pointer, condition: Condition::NotExists },
        ])
        .await;
    match started {
        Ok(()) => Ok((session_token, expires_at)),
        // The link was used meanwhile (the session ids are random).
        Err(StoreError::ConditionFailed { .. }) => Err(Error::LinkExpired),
        Err(error) => Err(error.into()),
    }
}

/// Exchanges a partner sign-in link token for a session. The link is used
/// up with the session's start: a failure before it leaves it working.
pub async fn create_session(gatehouse: &Gatehouse, raw_token: &str) -> Result<NewSession> {
    let (user, consume): (UserRecord, _) = consume_link(gatehouse, AccountKind::Partner, raw_token).await?;
    let now = gatehouse.clock.now();
    let partner_key = Key::Partner(&user.partner_id);
    let partner: PartnerRecord = match gatehouse.table.get(&partner_key.pk(), &partner_key.sk()).await? {
        Some(item) => from_item(&item)?,
        None => return Err(Error::NotFound("partner")),
    };
    let apps =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, partner_key.pk()).with_prefix(APP_PREFIX))
            .await?
            .iter()
            .map(|item| {
                from_item::<AppRecord>(item).map(|app| AppSummary { app_id: app.app_id.to_string(), name: app.name })
            })
            .collect::<Result<Vec<_>, _>>()?;

    let session = SessionRecord {
        email: user.email,
        display_name: user.display_name,
        partner_id: user.partner_id,
        partner_name: partner.name,
        role: user.role,
        apps,
        created_at: now,
    };
    let (token, expires_at) = start_session(gatehouse, AccountKind::Partner, &session.email, &session, consume).await?;
    tracing::info!(partner_id = %session.partner_id, "session created");
    Ok(NewSession { token, expires_at, me: me_of(&session) })
}

/// Exchanges a school portal sign-in link token for a school session (S3).
pub async fn create_school_session(gatehouse: &Gatehouse, raw_token: &str) -> Result<NewSession<SchoolMe>> {
    let (user, consume): (SchoolUserRecord, _) = consume_link(gatehouse, AccountKind::School, raw_token).await?;
    let session = SchoolSessionRecord {
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        access: user.access,
        school_id: user.school_id,
        urn: user.urn,
        school_name: user.school_name,
        created_at: gatehouse.clock.now(),
    };
    let (token, expires_at) = start_session(gatehouse, AccountKind::School, &session.email, &session, consume).await?;
    tracing::info!(school_id = %session.school_id, "school session created");
    Ok(NewSession { token, expires_at, me: school_me_of(&session) })
}

/// Exchanges an operations console sign-in link token for an ops session (O1).
pub async fn create_ops_session(gatehouse: &Gatehouse, raw_token: &str) -> Result<NewSession<OpsMe>> {
    let (user, consume): (OpsUserRecord, _) = consume_link(gatehouse, AccountKind::Ops, raw_token).await?;
    let session =
        OpsSessionRecord { email: user.email, display_name: user.display_name, created_at: gatehouse.clock.now() };
    let (token, expires_at) = start_session(gatehouse, AccountKind::Ops, &session.email, &session, consume).await?;
    tracing::info!("ops session created");
    Ok(NewSession { token, expires_at, me: ops_me_of(&session) })
}

/// The live session of `kind` behind a cookie value. One read.
async fn live_session<S: DeserializeOwned>(gatehouse: &Gatehouse, kind: AccountKind, raw_token: &str) -> Result<S> {
    let token = Token::parse("session", raw_token).map_err(|_| Error::SignInRequired)?;
    let hash = token.hash();
    let key = Key::Session(kind, &hash);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::SignInRequired)?;
    // TTL deletion lags; an expired session must not work meanwhile.
    if item.is_expired_at(gatehouse.clock.now().timestamp()) {
        return Err(Error::SignInRequired);
    }
    Ok(from_item(&item)?)
}

/// The partner session behind a cookie value, if it is live.
pub async fn session(gatehouse: &Gatehouse, raw_token: &str) -> Result<SessionRecord> {
    live_session(gatehouse, AccountKind::Partner, raw_token).await
}

/// The school portal session behind a cookie value, if it is live.
pub async fn school_session(gatehouse: &Gatehouse, raw_token: &str) -> Result<SchoolSessionRecord> {
    live_session(gatehouse, AccountKind::School, raw_token).await
}

/// The ops console session behind a cookie value, if it is live.
pub async fn ops_session(gatehouse: &Gatehouse, raw_token: &str) -> Result<OpsSessionRecord> {
    live_session(gatehouse, AccountKind::Ops, raw_token).await
}

/// Ends a session. Idempotent: logging out twice, or with a dead cookie, is fine.
pub async fn logout(gatehouse: &Gatehouse, kind: AccountKind, raw_token: &str) -> Result<()> {
    let Ok(token) = Token::parse("session", raw_token) else {
        return Ok(());
    };
    let hash = token.hash();
    let key = Key::Session(kind, &hash);
    // The session and its pointer go together (issue 18): a retry never finds
    // the session gone and the pointer left.
    if let Some(found) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
        let owner: SessionOwner = from_item(&found)?;
        let pointer = Key::UserSession(kind, &owner.email, &hash);
        gatehouse
            .table
            .transact(vec![
                TransactWrite::Delete { pk: key.pk(), sk: key.sk(), condition: Condition::Always },
                TransactWrite::Delete { pk: pointer.pk(), sk: pointer.sk(), condition: Condition::Always },
            ])
            .await?;
    }
    Ok(())
}

/// What `GET /api/me` shows of a session.
pub fn me_of(session: &SessionRecord) -> Me {
    Me {
        email: session.email.as_str().to_owned(),
        display_name: session.display_name.clone(),
        partner_id: session.partner_id.to_string(),
        partner_name: session.partner_name.clone(),
        role: session.role,
        apps: session.apps.clone(),
    }
}

/// What `GET /api/school/me` shows of a school session.
pub fn school_me_of(session: &SchoolSessionRecord) -> SchoolMe {
    SchoolMe {
        email: session.email.as_str().to_owned(),
        display_name: session.display_name.clone(),
        role: session.role.clone(),
        access: session.access,
        school_id: session.school_id.to_string(),
        urn: session.urn.clone(),
        school_name: session.school_name.clone(),
    }
}

/// What `GET /api/ops/me` shows of an ops session.
pub fn ops_me_of(session: &OpsSessionRecord) -> OpsMe {
    OpsMe { email: session.email.as_str().to_owned(), display_name: session.display_name.clone() }
}
