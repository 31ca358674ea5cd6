//! Reading one app–school link, or all of a school's links, with the version
//! a change must be conditional on. Saving a change is `links::commit`;
//! receipts and the portals read links through here too.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::base::keys::{APP_PREFIX, Key, school_view_index};
use crate::base::ports::{Condition, Index, Item, Query, TransactWrite, query_all};
use crate::store::records::{
    AppRecord, SchoolLinkRecord, SchoolSessionRecord, SessionRecord, from_item, plain_item, to_attributes,
};
use crate::{AppId, Error, Gatehouse, PartnerId, Result, SchoolId};

/// A link as read, with the version a change must be conditional on.
#[derive(Debug, Clone)]
pub struct LoadedLink {
    pub link: SchoolLinkRecord,
    pub version: u64,
}

/// The stored form of a link: indexed under its view, or under none once the
/// invitation was cancelled.
pub fn link_item(link: &SchoolLinkRecord, version: u64) -> Item {
    let key = Key::SchoolLink(&link.app_id, &link.school_id);
    let gsi1 =
        link.cancelled_on.is_none().then(|| school_view_index(&link.app_id, link.view, &link.name, &link.school_id));
    Item { pk: key.pk(), sk: key.sk(), gsi1, expires_at: None, version, attributes: to_attributes(link) }
}

/// How long a link's change stays readable for the warm list caches, well
/// past their full reload (`partner::school_index::RELOAD_AFTER`).
pub const VIEW_CHANGE_LIFETIME: Duration = Duration::hours(1);

/// A link saved at `version`, with the change the warm list caches catch up
/// from (#14): both in the caller's transaction, so no cache can miss a
/// committed change or see one that was not.
pub fn link_writes(
    link: &SchoolLinkRecord,
    version: u64,
    condition: Condition,
    now: DateTime<Utc>,
) -> [TransactWrite; 2] {
    let at = now.to_rfc3339_opts(SecondsFormat::Micros, true);
    let key = Key::ViewChange { app: &link.app_id, at: &at, school: &link.school_id, version };
    let change = plain_item(&key, link, version).expiring(now + VIEW_CHANGE_LIFETIME);
    [
        TransactWrite::Put { item: link_item(link, version), condition },
        TransactWrite::Put { item: change, condition: Condition::Always },
    ]
}

/// Which of the signed-in partner's apps a request is about: the one named,
/// or the first. Another partner's app is "not found", never "forbidden".
pub fn app_of(session: &SessionRecord, requested: Option<&AppId>) -> Result<AppId> {
    let chosen = match requested {
        Some(wanted) => session.apps.iter().find(|app| app.app_id == wanted.as_str()),
        None => session.apps.first(),
    };
    let app = chosen.ok_or(Error::NotFound("app"))?;
    AppId::parse(&app.app_id)
}

/// The app's stored record (its permission set), for one of the session's apps.
pub async fn app_record(gatehouse: &Gatehouse, session: &SessionRecord, app: &AppId) -> Result<(AppRecord, u64)> {
    let key = Key::App(&session.partner_id, app);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("app"))?;
    Ok((from_item(&item)?, item.version))
}

/// The signed-in partner's link to a school. Another partner's school is
/// simply "not found".
pub async fn load(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: &AppId,
    school: &SchoolId,
) -> Result<LoadedLink> {
    let key = Key::SchoolLink(app, school);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("school"))?;
    let link: SchoolLinkRecord = from_item(&item)?;
    if link.partner_id != session.partner_id {
        return Err(Error::NotFound("school"));
    }
    Ok(LoadedLink { link, version: item.version })
}

/// One app's link at the signed-in school, and the app's record. Another
/// school's link, an app with no link here and a cancelled invitation are
/// all "not found".
pub async fn load_for_school(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app_id: &AppId,
) -> Result<(LoadedLink, AppRecord)> {
    let key = Key::SchoolLink(app_id, &session.school_id);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("app"))?;
    let link: SchoolLinkRecord = from_item(&item)?;
    if link.school_id != session.school_id || link.cancelled_on.is_some() {
        return Err(Error::NotFound("app"));
    }
    let app_key = Key::App(&link.partner_id, app_id);
    let app_record = gatehouse.table.get(&app_key.pk(), &app_key.sk()).await?.ok_or(Error::NotFound("app"))?;
    Ok((LoadedLink { link, version: item.version }, from_item(&app_record)?))
}

/// Points from a school to one of its links, so the agent's facts can be
/// copied onto every link of the school without a Scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolAppRecord {
    pub app_id: AppId,
    pub partner_id: PartnerId,
}

/// The school's links, found through its app pointers.
pub async fn school_links(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Vec<LoadedLink>> {
    let query = Query::partition(Index::Primary, Key::SchoolFeed(school).pk()).with_prefix(APP_PREFIX);
    let mut links = Vec::new();
    for pointer in query_all(gatehouse.table.as_ref(), query).await? {
        let pointer: SchoolAppRecord = from_item(&pointer)?;
        let key = Key::SchoolLink(&pointer.app_id, school);
        if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
            links.push(LoadedLink { link: from_item(&item)?, version: item.version });
        }
    }
    Ok(links)
}

/// #16: the link of `app` at `school` as stored, with no caller's check:
/// for the data API (which checks the key's partner) and the jobs.
pub async fn find(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId) -> Result<Option<LoadedLink>> {
    let key = Key::SchoolLink(app, school);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?;
    item.map(|item| Ok(LoadedLink { link: from_item(&item)?, version: item.version })).transpose()
}
