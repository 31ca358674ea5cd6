//! Partner organisations as the operations console sees them (O1): ops
//! create an organisation with its first admin and its first app, and list
//! every organisation. The admin is emailed a welcome with the sign-in page,
//! as a colleague added by `team` is.
//!
//! The console's list is one partition (`PARTNERS`) holding one listing item
//! per organisation, written in the same transaction as the organisation, so
//! listing is one Query and never a scan of the partners' own partitions.

use chrono::{DateTime, SecondsFormat, Utc};
use gatehouse_model::{
    AccountKind, EmailBounce, NewPartner, PartnerCreated, PartnerList, PartnerSummary, ScopeSet, TeamRole,
};
use serde::{Deserialize, Serialize};

use crate::account::team::member_items;
use crate::base::keys::{Key, PARTNER_LISTING_PREFIX, PARTNER_LISTINGS};
use crate::base::ports::{Condition, Index, Item, Query, StoreError, TransactWrite, query_all};
use crate::store::records::{
    AppRecord, MemberRecord, OpsSessionRecord, PartnerRecord, UserRecord, from_item, plain_item,
};
use crate::{AppId, EmailAddress, Error, Gatehouse, PartnerId, Result, store::emails};

const MAX_NAME: usize = 100;
/// Longest organisation id made from a name (ids allow 64; the app id adds more).
const MAX_ID_STEM: usize = 40;

/// One organisation's line in the console's list.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerListingRecord {
    pub partner_id: PartnerId,
    pub name: String,
    pub app_id: AppId,
    pub app_name: String,
    pub admin_name: String,
    pub admin_email: EmailAddress,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub created_by: Option<String>,
}

/// The listing item of an organisation (the demo seed writes its own too).
pub fn listing_item(listing: &PartnerListingRecord) -> Item {
    plain_item(&Key::PartnerListing(&listing.partner_id), listing, 1)
}

/// Every partner organisation, by name: one Query.
pub async fn list(gatehouse: &Gatehouse) -> Result<PartnerList> {
    let query = Query::partition(Index::Primary, PARTNER_LISTINGS).with_prefix(PARTNER_LISTING_PREFIX);
    let items = query_all(gatehouse.table.as_ref(), query).await?;
    let listings = items.iter().map(from_item::<PartnerListingRecord>).collect::<Result<Vec<_>, _>>()?;
    // The suppression list read once for every admin shown (#15).
    let paired = crate::store::suppression::paired(gatehouse, listings, |listing| &listing.admin_email).await?;
    let mut partners: Vec<PartnerSummary> = paired.into_iter().map(|(listing, bounce)| wire(listing, bounce)).collect();
    // #16: each partner's overdue erasure confirmations, from one read of the list.
    let overdue = crate::store::erasures::overdue_by_partner(gatehouse).await?;
    for partner in &mut partners {
        partner.erasure_overdue = overdue.get(&partner.partner_id).copied().unwrap_or(0);
    }
    partners.sort_by_key(|partner| partner.name.to_lowercase());
    Ok(PartnerList { partners })
}

/// One organisation as the console shows it, its admin's address looked up
/// on the suppression list (#15).
async fn shown(gatehouse: &Gatehouse, listing: PartnerListingRecord) -> Result<PartnerSummary> {
    let bounce = crate::store::suppression::bounce_of(gatehouse, &listing.admin_email).await?;
    Ok(wire(listing, bounce.map(|record| record.to_wire())))
}

fn wire(listing: PartnerListingRecord, admin_email_bounce: Option<EmailBounce>) -> PartnerSummary {
    PartnerSummary {
        partner_id: listing.partner_id.to_string(),
        name: listing.name,
        app_id: listing.app_id.to_string(),
        app_name: listing.app_name,
        admin_name: listing.admin_name,
        admin_email: listing.admin_email.as_str().to_owned(),
        admin_email_bounce,
        created_at: listing.created_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        created_by: listing.created_by,
        erasure_overdue: 0,
    }
}

fn required(field: &'static str, value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME {
        return Err(Error::invalid(field, format!("give {what} (up to {MAX_NAME} characters)")));
    }
    Ok(value.to_owned())
}

/// `Acme Learning Ltd.` → `acme-learning-ltd`: lower-case letters and digits,
/// words joined by `-`.
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = String::new();
    for word in words {
        if slug.len() + word.len() + 1 > MAX_ID_STEM {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

/// A random suffix for app ids: school links live under `APP#<app>` for
/// every partner, so an app id must be unique across organisations, and
/// two organisations may well name an app alike.
fn app_suffix() -> Result<String> {
    let mut bytes = [0u8; 3];
    getrandom::fill(&mut bytes).map_err(|e| Error::Unavailable(anyhow::anyhow!("random source: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Creates the organisation, its app, its admin (user and team member) and
/// its listing in one transaction. Retry-safe: the organisation id comes from
/// its name, so repeating the same request finds the organisation made by
/// the first one and answers `created: false` without a second email; a
/// different request for a name already taken is refused.
pub async fn create(gatehouse: &Gatehouse, ops: &OpsSessionRecord, request: &NewPartner) -> Result<PartnerCreated> {
    let name = required("name", &request.name, "the organisation's name")?;
    let admin_name = required("admin_name", &request.admin_name, "the admin's name")?;
    let admin_email = request.admin_email.clone();
    let app_name = required("app_name", &request.app_name, "the app's name")?;
    let stem = slug(&name);
    if stem.is_empty() {
        return Err(Error::invalid("name", "use at least one letter or digit in the name"));
    }
    let partner_id = PartnerId::parse(&stem)?;
    let app_stem = match slug(&app_name) {
        app if app.is_empty() => "app".to_owned(),
        app => app,
    };
    let app_id = AppId::parse(&format!("{app_stem}-{}", app_suffix()?))?;
    let now = gatehouse.clock.now();
    let listing = PartnerListingRecord {
        partner_id: partner_id.clone(),
        name: name.clone(),
        app_id: app_id.clone(),
        app_name: app_name.clone(),
        admin_name: admin_name.clone(),
        admin_email: admin_email.clone(),
        created_at: Some(now),
        created_by: Some(ops.display_name.clone()),
    };
    let partner = PartnerRecord { partner_id: partner_id.clone(), name: name.clone() };
    // The admin sets the permission set (P10) before inviting schools.
    let app = AppRecord {
        app_id: app_id.clone(),
        partner_id: partner_id.clone(),
        name: app_name.clone(),
        requested_scopes: ScopeSet::new(),
        scopes_changed_at: None,
    };
    let user = UserRecord {
        email: admin_email.clone(),
        display_name: admin_name.clone(),
        partner_id: partner_id.clone(),
        role: TeamRole::Admin,
    };
    let member = MemberRecord {
        email: admin_email.clone(),
        display_name: admin_name.clone(),
        role: TeamRole::Admin,
        added_at: now,
        added_by: Some(ops.display_name.clone()),
    };
    let [user_item, member_item] = member_items(&user, &member);
    let sign_in = format!("{}/signin", gatehouse.settings.public_url);
    let added_by = format!("{} of the Gatehouse operations team", ops.display_name);
    let welcome = emails::team_welcome(admin_email.clone(), &admin_name, &name, &added_by, &sign_in)?;
    // The welcome waits in the outbox, committed with the organisation
    // (issue 18): the retry finds it made and the email neither lost nor doubled.
    let written = gatehouse
        .table
        .transact(vec![
            TransactWrite::Put {
                item: plain_item(&Key::Partner(&partner_id), &partner, 1),
                condition: Condition::NotExists,
            },
            TransactWrite::Put { item: listing_item(&listing), condition: Condition::NotExists },
            TransactWrite::Put { item: user_item, condition: Condition::NotExists },
            TransactWrite::Put { item: member_item, condition: Condition::NotExists },
            TransactWrite::Put {
                item: plain_item(&Key::App(&partner_id, &app_id), &app, 1),
                condition: Condition::NotExists,
            },
            crate::store::outbox::email(welcome, now)?,
        ])
        .await;
    match written {
        Ok(()) => {
            tracing::info!(%partner_id, %app_id, "partner organisation created");
            crate::store::outbox::deliver(gatehouse).await?;
            Ok(PartnerCreated { partner: shown(gatehouse, listing).await?, created: true })
        }
        Err(StoreError::ConditionFailed { .. }) => already_there(gatehouse, &partner_id, request, &admin_email).await,
        Err(error) => Err(error.into()),
    }
}

/// Why creating failed: the same request done before (its answer), a name
/// taken by another organisation, or an admin who already has an account.
async fn already_there(
    gatehouse: &Gatehouse,
    partner_id: &PartnerId,
    request: &NewPartner,
    admin_email: &EmailAddress,
) -> Result<PartnerCreated> {
    let key = Key::PartnerListing(partner_id);
    let existing = gatehouse.table.get(&key.pk(), &key.sk()).await?;
    let profile = Key::Partner(partner_id);
    match existing.map(|item| from_item::<PartnerListingRecord>(&item)).transpose()? {
        Some(listing) if &listing.admin_email == admin_email && listing.app_name == request.app_name.trim() => {
            Ok(PartnerCreated { partner: shown(gatehouse, listing).await?, created: false })
        }
        Some(_) => Err(Error::invalid("name", "an organisation with this name already exists")),
        None if gatehouse.table.get(&profile.pk(), &profile.sk()).await?.is_some() => {
            Err(Error::invalid("name", "an organisation with this name already exists"))
        }
        None => {
            let user = Key::User(AccountKind::Partner, admin_email);
            if gatehouse.table.get(&user.pk(), &user.sk()).await?.is_some() {
                Err(Error::invalid("admin_email", "this address already belongs to a partner user; use another"))
            } else {
                Err(Error::Conflict("the organisation is being created by another request; reload the list"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_id_is_made_from_its_name() {
        assert_eq!(slug("Acme Learning Ltd."), "acme-learning-ltd");
        assert_eq!(slug("  St. Mary's  EdTech "), "st-mary-s-edtech");
        assert_eq!(slug("£££"), "");
        let long = slug(&"word ".repeat(30));
        assert!(long.len() <= MAX_ID_STEM && !long.ends_with('-'), "{long}");
        assert!(PartnerId::parse(&long).is_ok());
    }
}
