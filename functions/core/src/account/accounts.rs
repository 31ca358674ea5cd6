//! School portal (S3) and operations console (O1) accounts. Partner accounts
//! live in `team`. Sign-in for all three kinds is in `auth`.

use chrono::Utc;
use gatehouse_model::{AccountKind, SchoolTeamChange};

use crate::base::keys::{Key, MEMBER_PREFIX, TEAM_CHANGE_PREFIX, school_team_partition};
use crate::base::ports::{Condition, Index, Query, StoreError, TransactWrite, query_all};
use crate::store::records::{OpsUserRecord, SchoolUserRecord, from_item, plain_item};
use crate::{EmailAddress, Error, Gatehouse, Result, SchoolId};

/// Creates an ops user unless one exists. Returns whether it was created;
/// an existing account keeps its name.
pub async fn ensure_ops_user(gatehouse: &Gatehouse, email: &EmailAddress, display_name: &str) -> Result<bool> {
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(Error::invalid("display_name", "give their name (up to 100 characters)"));
    }
    let user = OpsUserRecord { email: email.clone(), display_name: display_name.to_owned(), added_at: now(gatehouse) };
    match gatehouse.table.put(plain_item(&Key::User(AccountKind::Ops, email), &user, 1), Condition::NotExists).await {
        Ok(()) => {
            tracing::info!("ops user created");
            Ok(true)
        }
        Err(StoreError::ConditionFailed { .. }) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Creates a school portal user and their place in the school's team, unless
/// they already have an account at this school (then nothing changes and this
/// returns `false`). An address already in use at another school is a
/// conflict: one account belongs to one school.
pub async fn ensure_school_user(gatehouse: &Gatehouse, user: &SchoolUserRecord) -> Result<bool> {
    let user_key = Key::User(AccountKind::School, &user.email);
    let member_key = Key::SchoolMember(&user.school_id, &user.email);
    let written = gatehouse
        .table
        .transact(vec![
            TransactWrite::Put { item: plain_item(&user_key, user, 1), condition: Condition::NotExists },
            TransactWrite::Put { item: plain_item(&member_key, user, 1), condition: Condition::NotExists },
        ])
        .await;
    match written {
        Ok(()) => {
            tracing::info!(school_id = %user.school_id, "school user created");
            Ok(true)
        }
        Err(StoreError::ConditionFailed { .. }) => {
            let existing = gatehouse.table.get(&user_key.pk(), &user_key.sk()).await?;
            match existing.map(|item| from_item::<SchoolUserRecord>(&item)).transpose()? {
                Some(existing) if existing.school_id == user.school_id => Ok(false),
                _ => Err(Error::Conflict("that email address already has a school portal account at another school")),
            }
        }
        Err(error) => Err(error.into()),
    }
}

/// What making `user` so at their school takes: the writes (none when
/// they already are), and whether their access changes (their sessions must
/// then end, after the writes). Put the writes in the transaction of the
/// change that makes them so (issue 18: a retry must not find half of it).
pub struct SchoolUserWrites {
    pub writes: Vec<TransactWrite>,
    pub access_changed: bool,
    /// The account is new (its writes are conditional on nobody having made it meanwhile).
    pub creating: bool,
}

/// The writes that create or update a school user and their team entry, at
/// this school. An address with an account at another school is a
/// conflict: one account belongs to one school.
pub async fn school_user_writes(gatehouse: &Gatehouse, user: &SchoolUserRecord) -> Result<SchoolUserWrites> {
    let user_key = Key::User(AccountKind::School, &user.email);
    let member_key = Key::SchoolMember(&user.school_id, &user.email);
    let existing = gatehouse.table.get(&user_key.pk(), &user_key.sk()).await?;
    let existing = existing.map(|item| from_item::<SchoolUserRecord>(&item).map(|record| (record, item.version)));
    match existing.transpose()? {
        Some((current, _)) if current.school_id != user.school_id => {
            Err(Error::Conflict("that email address already has a school portal account at another school"))
        }
        Some((current, version)) => {
            if current.access == user.access && current.display_name == user.display_name {
                return Ok(SchoolUserWrites { writes: Vec::new(), access_changed: false, creating: false });
            }
            let updated =
                SchoolUserRecord { added_at: current.added_at, added_by: current.added_by.clone(), ..user.clone() };
            let writes = vec![
                TransactWrite::Put {
                    item: plain_item(&user_key, &updated, version + 1),
                    condition: Condition::VersionIs(version),
                },
                TransactWrite::Put { item: plain_item(&member_key, &updated, 1), condition: Condition::Always },
            ];
            Ok(SchoolUserWrites { writes, access_changed: current.access != user.access, creating: false })
        }
        None => {
            let writes = vec![
                TransactWrite::Put { item: plain_item(&user_key, user, 1), condition: Condition::NotExists },
                TransactWrite::Put { item: plain_item(&member_key, user, 1), condition: Condition::NotExists },
            ];
            Ok(SchoolUserWrites { writes, access_changed: false, creating: true })
        }
    }
}

/// Creates or updates a school user and their team entry, at this school.
/// A change of access ends their sessions, so it holds from the next
/// request (#12). An address with an account at another school is a
/// conflict: one account belongs to one school.
pub async fn set_school_user(gatehouse: &Gatehouse, user: &SchoolUserRecord) -> Result<()> {
    let SchoolUserWrites { writes, access_changed, creating } = school_user_writes(gatehouse, user).await?;
    if creating {
        ensure_school_user(gatehouse, user).await?;
        return Ok(());
    }
    if writes.is_empty() {
        return Ok(());
    }
    gatehouse.table.transact(writes).await?;
    if access_changed {
        crate::account::sessions::end_sessions(gatehouse, AccountKind::School, &user.email).await?;
        tracing::info!(school_id = %user.school_id, access = ?user.access, "school user access changed");
    }
    Ok(())
}

/// Appends one entry to the school's team log (#12): every role change,
/// addition and removal is kept, with who made it, for the school's admins.
pub async fn log_team_change(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    by: &str,
    colleague: &str,
    change: &str,
) -> Result<()> {
    if let TransactWrite::Put { item, condition } = team_change(gatehouse, school, by, colleague, change)? {
        gatehouse.table.put(item, condition).await?;
    }
    Ok(())
}

/// The write of one team log entry, for the transaction of the change it
/// records (so a retry never finds the change made and its entry missing).
pub fn team_change(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    by: &str,
    colleague: &str,
    change: &str,
) -> Result<TransactWrite> {
    let now = gatehouse.clock.now();
    let entry = SchoolTeamChange {
        at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        by: by.to_owned(),
        colleague: colleague.to_owned(),
        change: change.to_owned(),
    };
    // Time first so the log reads in order; a random tail keeps two
    // changes in the same millisecond apart.
    let order = format!(
        "{}#{}",
        now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        crate::Token::generate()?.hash().as_str().get(..8).unwrap_or("")
    );
    let key = Key::SchoolTeamChange(school, &order);
    Ok(TransactWrite::Put { item: plain_item(&key, &entry, 1), condition: Condition::NotExists })
}

/// The school's team log, newest first (at most the last 100 changes).
pub async fn team_changes(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Vec<SchoolTeamChange>> {
    let query = Query::partition(Index::Primary, school_team_partition(school)).with_prefix(TEAM_CHANGE_PREFIX);
    let mut changes = query_all(gatehouse.table.as_ref(), query)
        .await?
        .iter()
        .map(from_item::<SchoolTeamChange>)
        .collect::<Result<Vec<_>, _>>()?;
    changes.reverse();
    changes.truncate(100);
    Ok(changes)
}

/// A school's portal users, by email.
pub async fn school_team(gatehouse: &Gatehouse, school_id: &SchoolId) -> Result<Vec<SchoolUserRecord>> {
    let partition = school_team_partition(school_id);
    let items =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, partition).with_prefix(MEMBER_PREFIX))
            .await?;
    Ok(items.iter().map(from_item).collect::<Result<Vec<_>, _>>()?)
}

/// Removes a school user: they can no longer sign in and their sessions end
/// now. Removing someone not in the school's team changes nothing.
pub async fn remove_school_user(gatehouse: &Gatehouse, school_id: &SchoolId, email: &EmailAddress) -> Result<()> {
    remove_school_user_with(gatehouse, school_id, email, Vec::new()).await
}

/// [`remove_school_user`], with `also` (the team log's entry) and the
/// user's sessions in the same transaction: a retry never finds the user
/// gone and their entry missing or their sessions working.
pub async fn remove_school_user_with(
    gatehouse: &Gatehouse,
    school_id: &SchoolId,
    email: &EmailAddress,
    also: Vec<TransactWrite>,
) -> Result<()> {
    let member_key = Key::SchoolMember(school_id, email);
    let user_key = Key::User(AccountKind::School, email);
    if gatehouse.table.get(&member_key.pk(), &member_key.sk()).await?.is_none() {
        // Removed already, perhaps by an attempt whose sweep failed: no
        // session may outlive the account.
        if gatehouse.table.get(&user_key.pk(), &user_key.sk()).await?.is_none() {
            crate::account::sessions::end_sessions(gatehouse, AccountKind::School, email).await?;
        }
        return Ok(());
    }
    let mut writes = vec![
        TransactWrite::Delete { pk: member_key.pk(), sk: member_key.sk(), condition: Condition::Exists },
        TransactWrite::Delete { pk: user_key.pk(), sk: user_key.sk(), condition: Condition::Always },
    ];
    writes.extend(crate::account::sessions::session_ends(gatehouse, AccountKind::School, email).await?);
    writes.extend(also);
    match gatehouse.table.transact(writes).await {
        Ok(()) => {}
        // Removed meanwhile: done.
        Err(StoreError::ConditionFailed { .. }) => return Ok(()),
        Err(error) => return Err(error.into()),
    }
    // A session started between the read and the transaction, or beyond the first few dozen.
    crate::account::sessions::end_sessions(gatehouse, AccountKind::School, email).await?;
    tracing::info!(%school_id, "school user removed");
    Ok(())
}

fn now(gatehouse: &Gatehouse) -> chrono::DateTime<Utc> {
    gatehouse.clock.now()
}
