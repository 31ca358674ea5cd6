//! `Idempotency-Key` support for writes that are not idempotent by nature
//! (those that send an email): the first request with a key claims it, runs,
//! and stores its result; a retry with the same key gets that result back
//! without running again. Keys live 24 hours.

use chrono::Duration;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::future::Future;

use crate::keys::Key;
use crate::ports::{Condition, Item, StoreError};
use crate::records::{IdempotencyRecord, from_item, to_attributes};
use crate::{Error, Gatehouse, Result};

pub const KEY_LIFETIME: Duration = Duration::hours(24);
const MAX_KEY_LENGTH: usize = 128;

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
    let Some(key) = key else {
        return work().await;
    };
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid("Idempotency-Key", "use 1 to 128 visible ASCII characters"));
    }
    let digest = hex::encode(Sha256::digest(format!("{scope}\n{key}").as_bytes()));
    let fingerprint = hex::encode(Sha256::digest(serde_json::to_vec(request).unwrap_or_default()));
    let item_key = Key::Idempotency(&digest);
    let (pk, sk) = (item_key.pk(), item_key.sk());
    let now = gatehouse.clock.now();
    let expires_at = Some((now + KEY_LIFETIME).timestamp());
    let record = |result| IdempotencyRecord { fingerprint: fingerprint.clone(), result };
    let item = |result| Item {
        pk: pk.clone(),
        sk: sk.clone(),
        gsi1: None,
        expires_at,
        version: 1,
        attributes: to_attributes(&record(result)),
    };

    match gatehouse.table.put(item(None), Condition::NotExists).await {
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
            return match stored.result {
                Some(result) => serde_json::from_value(result)
                    .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("stored idempotent result"))),
                None => Err(Error::Conflict("the same request is still being processed; try again in a moment")),
            };
        }
        Err(error) => return Err(error.into()),
    }

    match work().await {
        Ok(result) => {
            let value = serde_json::to_value(&result)
                .map_err(|e| Error::Unavailable(anyhow::Error::new(e).context("idempotent result")))?;
            gatehouse.table.put(item(Some(value)), Condition::Always).await?;
            Ok(result)
        }
        Err(error) => {
            // A failed attempt leaves nothing behind, so the retry runs for real.
            gatehouse.table.delete(&pk, &sk, Condition::Always).await?;
            Err(error)
        }
    }
}
