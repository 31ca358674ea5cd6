//! `Idempotency-Key` support for writes that are not idempotent by nature
//! (those that send an email): the first request with a key claims it, runs,
//! and stores its result; a retry with the same key gets that result back
//! without running again. Keys live 24 hours.
//!
//! A request can fail after its change was committed (the email after it,
//! a read for the answer, storing the result). [`once_committing`] lets the
//! change mark the claim in its own transaction, so the retry knows the
//! change stands and finishes the request instead of doing it again
//! (issue 18).

use chrono::Duration;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::future::Future;

use crate::base::keys::Key;
use crate::base::ports::{Condition, Item, StoreError, TransactWrite};
use crate::store::records::{IdempotencyRecord, from_item, to_attributes};
use crate::{Error, Gatehouse, Result};

pub const KEY_LIFETIME: Duration = Duration::hours(24);
const MAX_KEY_LENGTH: usize = 128;

/// The claim's version: written by the claim, bumped by the change's mark.
const CLAIMED: u64 = 1;

/// Runs `work` at most once per (`scope`, `key`). `scope` names the caller and
/// operation (keys are only unique per client); `request` is the request's
/// canonical form, so reusing a key for a different request is refused.
pub async fn once<T, F, Fut>(
    gatehouse: &Gatehouse,
    scope: &str,
    key: Option<&str>,
    request: &impl Serialize,
    work: F,
) -> Result<T>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let no_replay =
        |_: Value| async { Err(Error::Conflict("the same request is still being processed; try again in a moment")) };
    once_committing(gatehouse, scope, key, request, |_| work(), no_replay).await
}

/// What `work` puts in the transaction of its change, under a key: the mark
/// that the change was committed, with a note for finishing the request.
#[derive(Debug, Clone)]
pub struct Commit {
    claim: Option<Item>,
}

impl Commit {
    /// Without a key there is nothing to mark.
    pub fn none() -> Self {
        Commit { claim: None }
    }

    /// The write marking the claim committed, with `note` (what a retry
    /// needs to finish: the id of what was made, say); `None` without a key.
    pub fn write(&self, note: Value) -> Option<TransactWrite> {
        let claim = self.claim.as_ref()?;
        let mut record: IdempotencyRecord = from_item(claim).ok()?;
        // Wrapped: a `null` note must still read back as committed.
        record.committed = Some(serde_json::json!({ "note": note }));
        let item = Item { version: CLAIMED + 1, attributes: to_attributes(&record), ..claim.clone() };
        Some(TransactWrite::Put { item, condition: Condition::VersionIs(CLAIMED) })
    }
}

/// The stored form of `key` within `scope` (a caller and operation), once
/// the key is checked: 1 to 128 visible ASCII characters.
pub fn key_digest(scope: &str, key: &str) -> Result<String> {
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid("Idempotency-Key", "use 1 to 128 visible ASCII characters"));
    }
    Ok(hex::encode(Sha256::digest(format!("{scope}\n{key}").as_bytes())))
}

/// [`once`] for work that commits one change and then does more (sends,
/// reads for its answer): the change's transaction includes
/// `Commit::write`, and a retry after a failure that came later calls
/// `finish` with the note instead of running `work` again.
pub async fn once_committing<T, F, Fut, R, RFut>(
    gatehouse: &Gatehouse,
    scope: &str,
    key: Option<&str>,
    request: &impl Serialize,
    work: F,
    finish: R,
) -> Result<T>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(Commit) -> Fut,
    Fut: Future<Output = Result<T>>,
    R: FnOnce(Value) -> RFut,
    RFut: Future<Output = Result<T>>,
{
    let Some(key) = key else {
        return work(Commit::none()).await;
    };
    let digest = key_digest(scope, key)?;
    let fingerprint = hex::encode(Sha256::digest(serde_json::to_vec(request).unwrap_or_default()));
    let item_key = Key::Idempotency(&digest);
    let (pk, sk) = (item_key.pk(), item_key.sk());
    let now = gatehouse.clock.now();
    let expires_at = Some((now + KEY_LIFETIME).timestamp());
    let item = |result, committed| Item {
        pk: pk.clone(),
        sk: sk.clone(),
        gsi1: None,
        expires_at,
        version: CLAIMED,
        attributes: to_attributes(&IdempotencyRecord { fingerprint: fingerprint.clone(), result, committed }),
    };
    let store_result = |result: &T, committed: Option<Value>| {
        serde_json::to_value(result)
            .map(|value| item(Some(value), committed))
            .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("idempotent result")))
    };

    let claim = item(None, None);
    match gatehouse.table.put(claim.clone(), Condition::NotExists).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { .. }) => {
            let stored = gatehouse.table.get(&pk, &sk).await?.filter(|item| !item.is_expired_at(now.timestamp()));
            let Some(stored) = stored else {
                return Err(Error::Conflict("this request is being retried too fast; try again"));
            };
            let stored: IdempotencyRecord = from_item(&stored)?;
            if stored.fingerprint != fingerprint {
                return Err(Error::invalid("Idempotency-Key", "this key was used for a different request"));
            }
            return match (stored.result, stored.committed) {
                (Some(result), _) => serde_json::from_value(result)
                    .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("stored idempotent result"))),
                // The change stands; the request did not finish: finish it.
                (None, Some(committed)) => {
                    let result = finish(committed.get("note").cloned().unwrap_or_default()).await?;
                    gatehouse.table.put(store_result(&result, None)?, Condition::Always).await?;
                    Ok(result)
                }
                (None, None) => {
                    Err(Error::Conflict("the same request is still being processed; try again in a moment"))
                }
            };
        }
        Err(error) => return Err(error.into()),
    }

    match work(Commit { claim: Some(claim) }).await {
        Ok(result) => {
            gatehouse.table.put(store_result(&result, None)?, Condition::Always).await?;
            Ok(result)
        }
        Err(error) => {
            // A failed attempt that changed nothing leaves nothing behind, so
            // the retry runs for real; one whose change was committed keeps
            // the mark, so the retry finishes it instead.
            match gatehouse.table.delete(&pk, &sk, Condition::VersionIs(CLAIMED)).await {
                Ok(_) | Err(StoreError::ConditionFailed { .. }) => {}
                Err(delete) => tracing::warn!(error = ?delete, "idempotency claim not released"),
            }
            Err(error)
        }
    }
}
