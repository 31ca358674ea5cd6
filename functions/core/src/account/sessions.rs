//! Ending an account's sessions, when the account goes or its access changes.
//! Sign-in (`auth`) starts sessions; accounts, the partner's team and the
//! school portal end them through here.

use gatehouse_model::AccountKind;

use crate::base::keys::{Key, SESSION_PREFIX};
use crate::base::ports::{Condition, Index, Query, TransactWrite, query_all};
use crate::store::records::{UserSessionRecord, from_item};
use crate::{EmailAddress, Gatehouse, Result};

/// Sessions ended inside another transaction, at most: with their pointers
/// they must leave room in DynamoDB's 100 writes.
const SESSIONS_IN_A_TRANSACTION: usize = 30;

/// The deletes of the live sessions of `email`'s account of `kind` (and
/// their pointers; the first few dozen), for the transaction that removes
/// the account or changes its access (issue 18: a retry must not find the
/// account gone and its sessions still working). Sweep with [`end_sessions`]
/// after it.
pub(crate) async fn session_ends(
    gatehouse: &Gatehouse,
    kind: AccountKind,
    email: &EmailAddress,
) -> Result<Vec<TransactWrite>> {
    let partition = Key::User(kind, email).pk();
    let pointers =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, partition).with_prefix(SESSION_PREFIX))
            .await?;
    let mut writes = Vec::new();
    for pointer in pointers.into_iter().take(SESSIONS_IN_A_TRANSACTION) {
        let record: UserSessionRecord = from_item(&pointer)?;
        let session_key = Key::Session(kind, &record.session_hash);
        writes.push(TransactWrite::Delete { pk: session_key.pk(), sk: session_key.sk(), condition: Condition::Always });
        writes.push(TransactWrite::Delete { pk: pointer.pk, sk: pointer.sk, condition: Condition::Always });
    }
    Ok(writes)
}

/// Deletes every session of `email`'s account of `kind`. Call it after the
/// user item is gone, so no new session can start meanwhile.
pub(crate) async fn end_sessions(gatehouse: &Gatehouse, kind: AccountKind, email: &EmailAddress) -> Result<()> {
    let partition = Key::User(kind, email).pk();
    let pointers =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, partition).with_prefix(SESSION_PREFIX))
            .await?;
    for pointer in pointers {
        let record: UserSessionRecord = from_item(&pointer)?;
        let session_key = Key::Session(kind, &record.session_hash);
        gatehouse
            .table
            .transact(vec![
                TransactWrite::Delete { pk: session_key.pk(), sk: session_key.sk(), condition: Condition::Always },
                TransactWrite::Delete { pk: pointer.pk.clone(), sk: pointer.sk.clone(), condition: Condition::Always },
            ])
            .await?;
    }
    Ok(())
}
