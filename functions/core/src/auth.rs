//! P1 sign-in: passwordless magic links and sessions.
//!
//! Links and sessions are random tokens stored only as SHA-256 hashes. A link
//! is consumed by a conditional delete, so of two concurrent exchanges exactly
//! one wins. Answers never reveal whether an address has an account.

use chrono::{DateTime, Duration, Utc};
use gatehouse_model::{AppSummary, Me};
use sha2::{Digest, Sha256};

use crate::keys::{APP_PREFIX, Key, RateScope};
use crate::ports::{Condition, Index, Item, Query, StoreError, TransactWrite, query_all};
use crate::records::{
    AppRecord, LoginLinkRecord, PartnerRecord, SessionRecord, UserRecord, UserSessionRecord, from_item, to_attributes,
};
use crate::{EmailAddress, Error, Gatehouse, Result, Token, emails};

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
pub struct NewSession {
    pub token: Token,
    pub expires_at: DateTime<Utc>,
    pub me: Me,
}

/// Asks for a sign-in link. Succeeds the same way for unknown addresses.
/// `client` identifies the caller for the per-IP limit (an IP address).
pub async fn request_magic_link(gatehouse: &Gatehouse, raw_email: &str, client: &str) -> Result<()> {
    let email = EmailAddress::parse(raw_email)?;
    let now = gatehouse.clock.now();
    // Both limits are counted before the user lookup, so a limited answer
    // says nothing about whether the address has an account.
    enforce_rate_limit(gatehouse, RateScope::SignInIp, client, LINKS_PER_IP_PER_WINDOW, now).await?;
    enforce_rate_limit(gatehouse, RateScope::SignInEmail, email.as_str(), LINKS_PER_EMAIL_PER_WINDOW, now).await?;

    let Some(user) = gatehouse.table.get(&Key::User(&email).pk(), &Key::User(&email).sk()).await? else {
        tracing::info!("sign-in link requested for an address with no account");
        return Ok(());
    };
    let user: UserRecord = from_item(&user)?;

    let token = Token::generate()?;
    let hash = token.hash();
    let link = LoginLinkRecord { email: user.email.clone(), created_at: now };
    let item = Item {
        pk: Key::LoginLink(&hash).pk(),
        sk: Key::LoginLink(&hash).sk(),
        gsi1: None,
        expires_at: Some((now + LINK_LIFETIME).timestamp()),
        version: 1,
        attributes: to_attributes(&link),
    };
    gatehouse.table.put(item, Condition::NotExists).await?;

    let url = format!("{}/auth#token={}", gatehouse.settings.public_url, token.expose());
    let email = emails::magic_link(user.email, &user.display_name, &url, LINK_LIFETIME.num_minutes())?;
    gatehouse.mailer.send(email).await.map_err(Error::Unavailable)?;
    tracing::info!(partner_id = %user.partner_id, "sign-in link sent");
    Ok(())
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
    let count = gatehouse.table.add(&key.pk(), &key.sk(), "count", 1, Some(window_end)).await?;
    if count > budget {
        tracing::warn!(scope = ?scope, "sign-in rate limit reached");
        return Err(Error::RateLimited { retry_after_seconds: (window_end - now.timestamp()).max(1) as u64 });
    }
    Ok(())
}

/// Exchanges a link token for a session. The link is consumed either way.
pub async fn create_session(gatehouse: &Gatehouse, raw_token: &str) -> Result<NewSession> {
    let token = Token::parse("token", raw_token)?;
    let hash = token.hash();
    let now = gatehouse.clock.now();
    let link_key = Key::LoginLink(&hash);
    let consumed = match gatehouse.table.delete(&link_key.pk(), &link_key.sk(), Condition::Exists).await {
        Ok(Some(item)) => item,
        Ok(None) | Err(StoreError::ConditionFailed { .. }) => return Err(Error::LinkExpired),
        Err(error) => return Err(error.into()),
    };
    if consumed.is_expired_at(now.timestamp()) {
        return Err(Error::LinkExpired);
    }
    let link: LoginLinkRecord = from_item(&consumed)?;
    let user_key = Key::User(&link.email);
    let user: UserRecord = match gatehouse.table.get(&user_key.pk(), &user_key.sk()).await? {
        Some(item) => from_item(&item)?,
        // The account was removed after the link was sent.
        None => return Err(Error::LinkExpired),
    };

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
    let session_token = Token::generate()?;
    let session_hash = session_token.hash();
    let expires_at = now + SESSION_LIFETIME;
    let item = Item {
        pk: Key::Session(&session_hash).pk(),
        sk: Key::Session(&session_hash).sk(),
        gsi1: None,
        expires_at: Some(expires_at.timestamp()),
        version: 1,
        attributes: to_attributes(&session),
    };
    // The pointer lets removing the user from the team end this session.
    let pointer_key = Key::UserSession(&session.email, &session_hash);
    let pointer = Item {
        pk: pointer_key.pk(),
        sk: pointer_key.sk(),
        gsi1: None,
        expires_at: Some(expires_at.timestamp()),
        version: 1,
        attributes: to_attributes(&UserSessionRecord { session_hash: session_hash.clone() }),
    };
    gatehouse
        .table
        .transact(vec![
            TransactWrite::Put { item, condition: Condition::NotExists },
            TransactWrite::Put { item: pointer, condition: Condition::NotExists },
        ])
        .await?;
    tracing::info!(partner_id = %session.partner_id, "session created");
    Ok(NewSession { token: session_token, expires_at, me: me_of(&session) })
}

/// The session behind a cookie value, if it is live. One read.
pub async fn session(gatehouse: &Gatehouse, raw_token: &str) -> Result<SessionRecord> {
    let token = Token::parse("session", raw_token).map_err(|_| Error::SignInRequired)?;
    let hash = token.hash();
    let key = Key::Session(&hash);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::SignInRequired)?;
    // TTL deletion lags; an expired session must not work meanwhile.
    if item.is_expired_at(gatehouse.clock.now().timestamp()) {
        return Err(Error::SignInRequired);
    }
    Ok(from_item(&item)?)
}

/// Ends a session. Idempotent: logging out twice, or with a dead cookie, is fine.
pub async fn logout(gatehouse: &Gatehouse, raw_token: &str) -> Result<()> {
    let Ok(token) = Token::parse("session", raw_token) else {
        return Ok(());
    };
    let hash = token.hash();
    let key = Key::Session(&hash);
    if let Some(ended) = gatehouse.table.delete(&key.pk(), &key.sk(), Condition::Always).await? {
        let session: SessionRecord = from_item(&ended)?;
        let pointer = Key::UserSession(&session.email, &hash);
        gatehouse.table.delete(&pointer.pk(), &pointer.sk(), Condition::Always).await?;
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
