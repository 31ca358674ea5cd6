//! A partner's team: colleagues who sign in by magic link. Admins add and
//! remove them; removing someone ends every session they have at once.

use chrono::SecondsFormat;
use gatehouse_model::{AccountKind, AddTeamMember, EmailBounce, RemoveTeamMember, TeamMember, TeamPage, TeamRole};

use crate::base::keys::{Key, MEMBER_PREFIX};
use crate::base::ports::{Condition, Index, Item, Query, StoreError, TransactWrite, query_all};
use crate::store::records::{MemberRecord, SessionRecord, UserRecord, from_item, plain_item};
use crate::{EmailAddress, Error, Gatehouse, Result, store::emails, store::suppression};

pub async fn list(gatehouse: &Gatehouse, session: &SessionRecord) -> Result<TeamPage> {
    let partition = Key::Partner(&session.partner_id).pk();
    let items =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, partition).with_prefix(MEMBER_PREFIX))
            .await?;
    let records = items.iter().map(from_item::<MemberRecord>).collect::<Result<Vec<_>, _>>()?;
    // The suppression list read once for the whole team, not once a member.
    let paired = suppression::paired(gatehouse, records, |member| &member.email).await?;
    let mut members: Vec<TeamMember> = paired.into_iter().map(|(member, bounce)| wire(member, bounce)).collect();
    members.sort_by_key(|member| member.display_name.to_lowercase());
    Ok(TeamPage { members, can_manage: session.role == TeamRole::Admin })
}

fn wire(member: MemberRecord, email_bounce: Option<EmailBounce>) -> TeamMember {
    TeamMember {
        email: member.email.as_str().to_owned(),
        display_name: member.display_name,
        role: member.role,
        added_at: member.added_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        added_by: member.added_by,
        email_bounce,
    }
}

fn require_admin(session: &SessionRecord) -> Result<()> {
    if session.role == TeamRole::Admin { Ok(()) } else { Err(Error::Forbidden("only a team admin can do this")) }
}

/// The user and member items of one person, written together.
pub fn member_items(user: &UserRecord, member: &MemberRecord) -> [Item; 2] {
    [
        plain_item(&Key::User(AccountKind::Partner, &user.email), user, 1),
        plain_item(&Key::Member(&user.partner_id, &user.email), member, 1),
    ]
}

/// Adds a colleague, or updates their name and role if already on the team.
pub async fn add(gatehouse: &Gatehouse, session: &SessionRecord, request: &AddTeamMember) -> Result<TeamPage> {
    require_admin(session)?;
    let email = EmailAddress::parse(&request.email)?;
    let display_name = request.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(Error::invalid("display_name", "give their name (up to 100 characters)"));
    }
    let user_key = Key::User(AccountKind::Partner, &email);
    let existing = gatehouse.table.get(&user_key.pk(), &user_key.sk()).await?;
    let user = UserRecord {
        email: email.clone(),
        display_name: display_name.to_owned(),
        partner_id: session.partner_id.clone(),
        role: request.role,
    };
    let member_key = Key::Member(&session.partner_id, &email);
    match existing {
        Some(item) => {
            let current: UserRecord = from_item(&item)?;
            if current.partner_id != session.partner_id {
                // Same words as any other refusal: no hint about other organisations.
                return Err(Error::invalid("email", "this address cannot be added; ask them for another one"));
            }
            if current.display_name != user.display_name || current.role != user.role {
                if email == session.email && user.role != TeamRole::Admin {
                    return Err(Error::invalid("role", "you cannot remove your own admin role"));
                }
                let member_item = gatehouse.table.get(&member_key.pk(), &member_key.sk()).await?;
                let mut member: MemberRecord = match member_item {
                    Some(item) => from_item(&item)?,
                    None => return Err(Error::Conflict("this colleague is being removed; try again")),
                };
                member.display_name = user.display_name.clone();
                member.role = user.role;
                let mut writes = vec![
                    TransactWrite::Put {
                        item: plain_item(&user_key, &user, item.version + 1),
                        condition: Condition::VersionIs(item.version),
                    },
                    TransactWrite::Put { item: plain_item(&member_key, &member, 1), condition: Condition::Exists },
                ];
                // A role holds from the next request: sessions carry the
                // role, so a changed role ends them (#12), in the same
                // transaction (issue 18: a retry finds nothing left to do).
                if current.role != user.role {
                    writes
                        .extend(crate::account::sessions::session_ends(gatehouse, AccountKind::Partner, &email).await?);
                }
                gatehouse.table.transact(writes).await?;
                if current.role != user.role {
                    crate::account::sessions::end_sessions(gatehouse, AccountKind::Partner, &email).await?;
                    tracing::info!(partner_id = %session.partner_id, role = ?user.role, "team member's role changed");
                }
            }
        }
        None => {
            let member = MemberRecord {
                email: email.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                added_at: gatehouse.clock.now(),
                added_by: Some(session.display_name.clone()),
            };
            let [user_item, member_item] = member_items(&user, &member);
            let sign_in = format!("{}{}", gatehouse.settings.public_url, AccountKind::Partner.sign_in_path());
            let welcome = emails::team_welcome(
                email,
                &user.display_name,
                &session.partner_name,
                &session.display_name,
                &sign_in,
            )?;
            // The welcome waits in the outbox, committed with the account
            // (issue 18): a retry neither loses it nor sends it twice.
            let created = gatehouse
                .table
                .transact(vec![
                    TransactWrite::Put { item: user_item, condition: Condition::NotExists },
                    TransactWrite::Put { item: member_item, condition: Condition::NotExists },
                    crate::store::outbox::email(welcome, gatehouse.clock.now())?,
                ])
                .await;
            match created {
                Ok(()) => {
                    tracing::info!(partner_id = %session.partner_id, "team member added");
                    crate::store::outbox::deliver(gatehouse).await?;
                }
                // Added by a concurrent request: the result is the same.
                Err(StoreError::ConditionFailed { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
    list(gatehouse, session).await
}

/// Removes a colleague: they can no longer sign in, and every session they
/// have ends now. Removing someone not on the team changes nothing.
pub async fn remove(gatehouse: &Gatehouse, session: &SessionRecord, request: &RemoveTeamMember) -> Result<TeamPage> {
    require_admin(session)?;
    let email = EmailAddress::parse(&request.email)?;
    if email == session.email {
        return Err(Error::invalid("email", "you cannot remove yourself; ask another admin"));
    }
    let member_key = Key::Member(&session.partner_id, &email);
    if gatehouse.table.get(&member_key.pk(), &member_key.sk()).await?.is_some() {
        let user_key = Key::User(AccountKind::Partner, &email);
        // The account and its sessions end together (issue 18): a retry
        // never finds the colleague gone and a session of theirs working.
        let mut writes = vec![
            TransactWrite::Delete { pk: member_key.pk(), sk: member_key.sk(), condition: Condition::Always },
            TransactWrite::Delete { pk: user_key.pk(), sk: user_key.sk(), condition: Condition::Always },
        ];
        writes.extend(crate::account::sessions::session_ends(gatehouse, AccountKind::Partner, &email).await?);
        gatehouse.table.transact(writes).await?;
        // A session started between the read and the transaction, or beyond the first few dozen.
        crate::account::sessions::end_sessions(gatehouse, AccountKind::Partner, &email).await?;
        tracing::info!(partner_id = %session.partner_id, "team member removed");
    } else if gatehouse
        .table
        .get(&Key::User(AccountKind::Partner, &email).pk(), &Key::User(AccountKind::Partner, &email).sk())
        .await?
        .is_none()
    {
        // Removed already, perhaps by an attempt whose sweep failed: no
        // session may outlive the account.
        crate::account::sessions::end_sessions(gatehouse, AccountKind::Partner, &email).await?;
    }
    list(gatehouse, session).await
}
