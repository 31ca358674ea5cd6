//! G1: MIS agent credentials, one live key per school. The secret is a
//! 256-bit token shown once; the store keeps its SHA-256 under
//! `AGENTKEY#<hash>` (what a push is checked against: one read) and a
//! pointer from the school to its current key. Issuing again rotates: the
//! new key and the pointer are written and the old key deleted in one
//! transaction, so the old secret stops working the moment the new one exists.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::base::keys::Key;
use crate::base::ports::{Condition, StoreError, Table, TransactWrite};
use crate::store::records::{from_item, plain_item};
use crate::{Error, Gatehouse, Result, SchoolId, Token, TokenHash};

/// An agent key as stored under its hash, and (with the hash) as the
/// school's pointer to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentKeyRecord {
    pub school_id: SchoolId,
    pub key_id: String,
    pub created_at: DateTime<Utc>,
    pub secret_hash: TokenHash,
}

/// A freshly issued key: the secret appears here and nowhere else.
#[derive(Debug, Clone)]
pub struct NewAgentKey {
    pub school_id: SchoolId,
    pub key_id: String,
    /// RFC 3339.
    pub created_at: String,
    pub secret: Token,
}

/// An agent calling with a valid key: it speaks for exactly one school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCaller {
    pub school_id: SchoolId,
    pub key_id: String,
}

/// Issues the school's agent key, retiring the previous one (rotation), and
/// tells every admin of the school (#12): a key that changes unseen would
/// let someone replace the school's data feed. `by` names who rotated it.
/// Ops or onboarding calls this; the caller shows the secret once.
pub async fn issue(gatehouse: &Gatehouse, school_id: &SchoolId, by: &str) -> Result<NewAgentKey> {
    issue_with(gatehouse, school_id, by, Vec::new()).await
}

/// [`issue`], with `also` in the key's transaction. The secret is shown
/// once, so nothing that can fail comes after the commit (issue 18): a
/// failure there would make the retry rotate again. The admins' emails
/// wait in the outbox, committed with the key; a failed send goes with the
/// next delivery instead of failing the answer.
pub async fn issue_with(
    gatehouse: &Gatehouse,
    school_id: &SchoolId,
    by: &str,
    also: Vec<TransactWrite>,
) -> Result<NewAgentKey> {
    let now = gatehouse.clock.now();
    let portal = format!("{}/school/signin", gatehouse.settings.public_url);
    let team = crate::account::accounts::school_team(gatehouse, school_id).await?;
    let mut writes = also;
    for admin in team.iter().filter(|user| user.access == gatehouse_model::TeamRole::Admin) {
        let email = crate::store::emails::agent_key_rotated(
            admin.email.clone(),
            &admin.display_name,
            by,
            &admin.school_name,
            &portal,
        )?;
        writes.push(crate::store::outbox::email(email, now)?);
    }
    let (record, secret) = store(gatehouse.table.as_ref(), school_id, now, writes).await?;
    tracing::info!(school_id = %school_id, key_id = record.key_id, "agent key issued");
    crate::store::outbox::deliver_or_log(gatehouse).await;
    Ok(NewAgentKey {
        school_id: record.school_id,
        key_id: record.key_id,
        created_at: record.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        secret,
    })
}

/// A new agent key for a school, issued by ops (G1): for a school with at
/// least one app link; the school's previous key stops working at once.
pub async fn issue_by_ops(gatehouse: &Gatehouse, school_id: &SchoolId) -> Result<NewAgentKey> {
    if crate::store::links::school_links(gatehouse, school_id).await?.is_empty() {
        return Err(Error::NotFound("school"));
    }
    issue(gatehouse, school_id, "Gatehouse support").await
}

async fn store(
    table: &dyn Table,
    school_id: &SchoolId,
    now: DateTime<Utc>,
    also: Vec<TransactWrite>,
) -> Result<(AgentKeyRecord, Token)> {
    let pointer_key = Key::SchoolAgentKey(school_id);
    let current = table.get(&pointer_key.pk(), &pointer_key.sk()).await?;
    let secret = Token::generate()?;
    let hash = secret.hash();
    let record = AgentKeyRecord {
        school_id: school_id.clone(),
        key_id: hash.as_str()[..12].to_owned(),
        created_at: now,
        secret_hash: hash.clone(),
    };
    let (pointer_condition, pointer_version) = match &current {
        Some(item) => (Condition::VersionIs(item.version), item.version + 1),
        None => (Condition::NotExists, 1),
    };
    let mut writes = vec![
        TransactWrite::Put { item: plain_item(&Key::AgentKey(&hash), &record, 1), condition: Condition::NotExists },
        TransactWrite::Put { item: plain_item(&pointer_key, &record, pointer_version), condition: pointer_condition },
    ];
    if let Some(item) = &current {
        let old: AgentKeyRecord = from_item(item)?;
        let old_key = Key::AgentKey(&old.secret_hash);
        writes.push(TransactWrite::Delete { pk: old_key.pk(), sk: old_key.sk(), condition: Condition::Always });
    }
    writes.extend(also);
    table.transact(writes).await.map_err(|error| match error {
        StoreError::ConditionFailed { .. } => {
            Error::Conflict("the school's agent key was changed meanwhile; try again")
        }
        other => other.into(),
    })?;
    Ok((record, secret))
}

/// The local demo's agent key for a school: the secret kept in a local file
/// is reused while it still works, else a new key is issued.
pub async fn ensure_demo_key(
    table: &dyn Table,
    school_id: &SchoolId,
    kept: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String> {
    if let Some(secret) = kept.and_then(|raw| Token::parse("key", raw).ok()) {
        let key = Key::AgentKey(&secret.hash());
        if let Some(item) = table.get(&key.pk(), &key.sk()).await?
            && from_item::<AgentKeyRecord>(&item)?.school_id == *school_id
        {
            return Ok(secret.expose().to_owned());
        }
    }
    let (_, secret) = store(table, school_id, now, Vec::new()).await?;
    Ok(secret.expose().to_owned())
}

/// Checks an agent's `Authorization: Bearer <secret>`; every failure is the
/// same `InvalidCredentials`.
pub async fn authenticate(gatehouse: &Gatehouse, bearer: Option<&str>) -> Result<AgentCaller> {
    let secret = bearer.and_then(|raw| Token::parse("authorization", raw).ok()).ok_or(Error::InvalidCredentials)?;
    let key = Key::AgentKey(&secret.hash());
    match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => {
            let record: AgentKeyRecord = from_item(&item)?;
            Ok(AgentCaller { school_id: record.school_id, key_id: record.key_id })
        }
        None => Err(Error::InvalidCredentials),
    }
}
