//! App credentials (A1, A6). A key's secret is a 256-bit token shown once;
//! the store keeps its SHA-256 under `APPKEY#<hash>` (what a request is
//! checked against: one read) and a summary under the partner (what the
//! portal lists), written together. Revoking deletes the lookup item, so the
//! key stops working at once, and marks the summary.
//!
//! An OAuth client (#17) is stored the same way, but its secret reads
//! nothing: it only buys access tokens (`oauth`), each kept under
//! `APPKEY#<hash>` too, expiring, and pointing at its client's lookup item,
//! so revoking the client ends its tokens as well.

use chrono::{DateTime, SecondsFormat, Utc};
use gatehouse_model::{AppKeyList, AppKeySummary, CreateAppKey, CreatedAppKey, CredentialKind, TeamRole};
use serde::{Deserialize, Serialize};

use crate::base::keys::{Key, app_key_prefix};
use crate::base::ports::{Condition, Index, Query, Table, TransactWrite, query_all};
use crate::partner::school_actions::Actor;
use crate::store::links::app_of;
use crate::store::records::{AppRecord, PartnerRecord, SessionRecord, from_item, plain_item};
use crate::{AppId, Error, Gatehouse, KeyId, PartnerId, Result, Token, TokenHash};

/// What a lookup item under `APPKEY#` holds the secret of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredCredential {
    #[default]
    ApiKey,
    OauthClient,
    /// An hour's access bought with an OAuth client's secret: its
    /// `secret_hash` is the client's, `key_id` and `label` the client's.
    AccessToken,
}

/// A key as stored, in both places.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppKeyRecord {
    pub key_id: String,
    #[serde(default)]
    pub kind: StoredCredential,
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// Only in the summary: lets revoking find the lookup item.
    pub secret_hash: TokenHash,
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// An access token's OAuth scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

fn summary(record: &AppKeyRecord) -> AppKeySummary {
    AppKeySummary {
        key_id: record.key_id.clone(),
        kind: if record.kind == StoredCredential::OauthClient {
            CredentialKind::OauthClient
        } else {
            CredentialKind::ApiKey
        },
        label: record.label.clone(),
        created_at: record.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        created_by: record.created_by.clone(),
        revoked_at: record.revoked_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
}

fn require_admin(session: &SessionRecord) -> Result<()> {
    if session.role == TeamRole::Admin {
        Ok(())
    } else {
        Err(Error::Forbidden("only a team admin can manage API keys and OAuth clients"))
    }
}

pub async fn list(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId) -> Result<AppKeyList> {
    let app = app_of(session, Some(app))?;
    let partition = Key::Partner(&session.partner_id).pk();
    let query = Query::partition(Index::Primary, partition).with_prefix(app_key_prefix(&app));
    let mut keys: Vec<AppKeyRecord> =
        query_all(gatehouse.table.as_ref(), query).await?.iter().map(from_item).collect::<Result<_, _>>()?;
    keys.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.key_id.cmp(&b.key_id)));
    Ok(AppKeyList {
        app_id: app.to_string(),
        keys: keys.iter().map(summary).collect(),
        can_manage: session.role == TeamRole::Admin,
    })
}

pub async fn create(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
    request: &CreateAppKey,
) -> Result<CreatedAppKey> {
    // Another partner's app is not found, whatever the caller's role (#18).
    let app = app_of(session, Some(app))?;
    require_admin(session)?;
    let label = request.label.trim();
    if label.is_empty() || label.chars().count() > 60 {
        return Err(Error::invalid("label", "name the key (up to 60 characters), e.g. \"Production sync\""));
    }
    let kind = match request.kind {
        CredentialKind::ApiKey => StoredCredential::ApiKey,
        CredentialKind::OauthClient => StoredCredential::OauthClient,
    };
    let new = NewKey { partner: &session.partner_id, app: &app, kind, label, by: &session.display_name };
    let (record, secret) = store_new_key(gatehouse.table.as_ref(), new, gatehouse.clock.now()).await?;
    let key_id = &record.key_id;
    tracing::info!(partner_id = %session.partner_id, app_id = %app, key_id, kind = ?kind, "app credential created");
    Ok(CreatedAppKey { key: summary(&record), secret: secret.expose().to_owned() })
}

/// A credential about to be made.
struct NewKey<'a> {
    partner: &'a PartnerId,
    app: &'a AppId,
    kind: StoredCredential,
    label: &'a str,
    by: &'a str,
}

/// Writes a new key (lookup and summary, together) and returns its secret.
async fn store_new_key(table: &dyn Table, new: NewKey<'_>, now: DateTime<Utc>) -> Result<(AppKeyRecord, Token)> {
    let NewKey { partner, app, kind, label, by } = new;
    let secret = Token::generate()?;
    let hash = secret.hash();
    let key_id = hash.as_str()[..12].to_owned();
    let record = AppKeyRecord {
        key_id: key_id.clone(),
        kind,
        app_id: app.clone(),
        partner_id: partner.clone(),
        label: label.to_owned(),
        created_at: now,
        created_by: by.to_owned(),
        secret_hash: hash.clone(),
        revoked_at: None,
        scopes: vec![],
    };
    table
        .transact(vec![
            TransactWrite::Put { item: plain_item(&Key::AppKey(&hash), &record, 1), condition: Condition::NotExists },
            TransactWrite::Put {
                item: plain_item(&Key::AppKeySummary(partner, app, &key_id), &record, 1),
                condition: Condition::NotExists,
            },
        ])
        .await?;
    Ok((record, secret))
}

/// The local demo's API key for the demo app: the secret kept in a local
/// file is reused while it still works, else a new key is made. Returns the
/// secret to print and keep.
pub async fn ensure_demo_key(
    table: &dyn Table,
    partner: &PartnerId,
    app: &AppId,
    kept: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String> {
    let demo = DemoCredential { partner, app, kind: StoredCredential::ApiKey, label: "Demo key" };
    Ok(ensure_demo_credential(table, demo, kept, now).await?.1)
}

/// The local demo's OAuth client for the demo app (#17), reused as
/// [`ensure_demo_key`] reuses its key: its client id and secret.
pub async fn ensure_demo_oauth_client(
    table: &dyn Table,
    partner: &PartnerId,
    app: &AppId,
    kept: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    let demo = DemoCredential { partner, app, kind: StoredCredential::OauthClient, label: "Demo OneRoster client" };
    ensure_demo_credential(table, demo, kept, now).await
}

/// A credential the local demo makes once and keeps.
struct DemoCredential<'a> {
    partner: &'a PartnerId,
    app: &'a AppId,
    kind: StoredCredential,
    label: &'a str,
}

async fn ensure_demo_credential(
    table: &dyn Table,
    demo: DemoCredential<'_>,
    kept: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    if let Some(secret) = kept.and_then(|raw| Token::parse("key", raw).ok())
        && let Some(record) = credential(table, &secret.hash(), now).await?
        && record.kind == demo.kind
    {
        return Ok((record.key_id, secret.expose().to_owned()));
    }
    let DemoCredential { partner, app, kind, label } = demo;
    let new = NewKey { partner, app, kind, label, by: "cargo xtask run" };
    let (record, secret) = store_new_key(table, new, now).await?;
    Ok((record.key_id, secret.expose().to_owned()))
}

/// Revokes a key; revoking a revoked key changes nothing.
pub async fn revoke(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId, key_id: &KeyId) -> Result<AppKeyList> {
    let app_id = app_of(session, Some(app))?;
    require_admin(session)?;
    let summary_key = Key::AppKeySummary(&session.partner_id, &app_id, key_id.as_str());
    let stored = gatehouse.table.get(&summary_key.pk(), &summary_key.sk()).await?.ok_or(Error::NotFound("key"))?;
    let mut record: AppKeyRecord = from_item(&stored)?;
    if record.revoked_at.is_none() {
        record.revoked_at = Some(gatehouse.clock.now());
        let lookup = Key::AppKey(&record.secret_hash);
        gatehouse
            .table
            .transact(vec![
                TransactWrite::Delete { pk: lookup.pk(), sk: lookup.sk(), condition: Condition::Always },
                TransactWrite::Put {
                    item: plain_item(&summary_key, &record, stored.version + 1),
                    condition: Condition::VersionIs(stored.version),
                },
            ])
            .await?;
        tracing::info!(partner_id = %session.partner_id, app_id = %app_id, key_id = %key_id, "API key revoked");
    }
    list(gatehouse, session, app).await
}

/// An app calling with a valid key.
#[derive(Debug, Clone)]
pub struct AppCaller {
    pub app: AppRecord,
    pub actor: Actor,
    pub key_id: String,
    /// The OAuth scopes of an access token; `None` for an API key, which
    /// reads whatever the app was granted.
    pub oauth_scopes: Option<Vec<String>>,
}

/// Checks `Authorization: Bearer <secret>`, an API key or an unexpired
/// access token of a client not revoked; any failure is the same
/// `InvalidCredentials`, so a caller learns nothing about which keys exist.
pub async fn authenticate(gatehouse: &Gatehouse, bearer: Option<&str>) -> Result<AppCaller> {
    let secret = bearer.and_then(|raw| Token::parse("authorization", raw).ok()).ok_or(Error::InvalidCredentials)?;
    let now = gatehouse.clock.now();
    let record = credential(gatehouse.table.as_ref(), &secret.hash(), now).await?.ok_or(Error::InvalidCredentials)?;
    let oauth_scopes = match record.kind {
        StoredCredential::ApiKey => None,
        // A client secret buys tokens at `/oauth/token` and reads nothing itself.
        StoredCredential::OauthClient => return Err(Error::InvalidCredentials),
        StoredCredential::AccessToken => {
            let client = Key::AppKey(&record.secret_hash);
            if gatehouse.table.get(&client.pk(), &client.sk()).await?.is_none() {
                return Err(Error::InvalidCredentials);
            }
            Some(record.scopes.clone())
        }
    };
    let app_key = Key::App(&record.partner_id, &record.app_id);
    let app: AppRecord = match gatehouse.table.get(&app_key.pk(), &app_key.sk()).await? {
        Some(item) => from_item(&item)?,
        None => return Err(Error::InvalidCredentials),
    };
    let partner_key = Key::Partner(&record.partner_id);
    let partner: PartnerRecord = match gatehouse.table.get(&partner_key.pk(), &partner_key.sk()).await? {
        Some(item) => from_item(&item)?,
        None => return Err(Error::InvalidCredentials),
    };
    let actor = Actor {
        partner_id: record.partner_id,
        partner_name: partner.name,
        name: format!("{} (API)", app.name),
        email: None,
    };
    Ok(AppCaller { app, actor, key_id: record.key_id, oauth_scopes })
}

/// The live credential whose secret hashes to `hash`: `None` when there is
/// none, it was revoked, or (an access token) it expired, whatever DynamoDB's
/// TTL has not yet removed.
pub(crate) async fn credential(
    table: &dyn Table,
    hash: &TokenHash,
    now: DateTime<Utc>,
) -> Result<Option<AppKeyRecord>> {
    let key = Key::AppKey(hash);
    let Some(item) = table.get(&key.pk(), &key.sk()).await? else { return Ok(None) };
    if item.is_expired_at(now.timestamp()) {
        return Ok(None);
    }
    Ok(Some(from_item(&item)?))
}
