//! Which persons a school has shared with an app (#18): the record that lets
//! `explain` give a partner's support desk the specific reason for someone
//! the app held, and one uniform answer for any id it never held, so that
//! probing MIS ids reveals neither existence nor deletion.
//!
//! Cheap on the read path: each page of persons served (a list page, a
//! delta page, a single read) is one idempotent put of that page's ids,
//! keyed by their digest, so serving the same page again rewrites the same
//! item; no write per record, no read. Only `explain` reads the record: one
//! Query over the app's partition at the school.
//!
//! Bounded: each page expires `SHARED_DAYS` after it was last served (the
//! store's TTL, and readers check it too), so "shared before" means "served
//! within that time", and the record of a link that ends is gone that long
//! after its last page (while a link is revoked or paused, the gate answers
//! `explain` before the record is read). A failed write is logged and the
//! page still served: the record can only err towards the uniform answer,
//! never towards telling more.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use gatehouse_model::{DataRecord, Resource};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::base::keys::{Key, person_prefix, shared_partition};
use crate::base::ports::{Condition, Index, Query, query_all};
use crate::store::records::{expiring_item, from_item};
use crate::{AppId, Gatehouse, Result, SchoolId};

/// Days a served page counts as shared: a school term and more, longer than
/// sync tokens and tombstones, so a leaver or an exclusion is still
/// explained while the app's users ask about it.
pub const SHARED_DAYS: i64 = 120;

/// One page of persons served to an app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedPageRecord {
    pub resource: Resource,
    pub ids: Vec<String>,
}

/// The ids of the persons (not groups, not deletions) in a page.
pub fn person_ids(data: &[DataRecord]) -> Vec<String> {
    data.iter()
        .filter_map(|record| match record {
            DataRecord::Student(student) => Some(student.id.clone()),
            DataRecord::Staff(staff) => Some(staff.id.clone()),
            DataRecord::Contact(contact) => Some(contact.id.clone()),
            DataRecord::Group(_) | DataRecord::Deleted(_) => None,
        })
        .collect()
}

/// The sort key of a page: the digest of its sorted ids, so the same page
/// served twice is the same item.
fn page_digest(ids: &[String]) -> String {
    let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    hex::encode(&Sha256::digest(sorted.join("\n").as_bytes())[..16])
}

/// Records that `ids` of `resource` were served to `app`: one put, or none
/// for an empty page or a resource that is not persons.
pub async fn record(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId, resource: Resource, ids: Vec<String>) {
    if ids.is_empty() || !resource.is_person() {
        return;
    }
    let digest = page_digest(&ids);
    let key = Key::SharedPage(app, school, resource, &digest);
    let expires_at = gatehouse.clock.now() + Duration::days(SHARED_DAYS);
    let item = expiring_item(&key, &SharedPageRecord { resource, ids }, expires_at);
    if let Err(error) = gatehouse.table.put(item, Condition::Always).await {
        tracing::warn!(app_id = %app, school_id = %school, error = %error, "could not record a page as shared");
    }
}

/// The persons served to an app at a school within `SHARED_DAYS`.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    ids: HashMap<Resource, HashSet<String>>,
}

impl Shared {
    pub fn contains(&self, resource: Resource, id: &str) -> bool {
        self.ids.get(&resource).is_some_and(|ids| ids.contains(id))
    }

    /// The resource under which `id` was served, if it was.
    pub fn resource_of(&self, id: &str) -> Option<Resource> {
        Resource::PERSONS.into_iter().find(|resource| self.contains(*resource, id))
    }
}

/// One Query: every unexpired page served to `app` at `school`.
pub async fn load(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId) -> Result<Shared> {
    let now = gatehouse.clock.now().timestamp();
    let query = Query::partition(Index::Primary, shared_partition(app, school));
    let mut shared = Shared::default();
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        if item.is_expired_at(now) {
            continue;
        }
        let page: SharedPageRecord = from_item(&item)?;
        shared.ids.entry(page.resource).or_default().extend(page.ids);
    }
    Ok(shared)
}

/// #16: when `id` of `resource` was last served to `app` at `school`, if
/// within `SHARED_DAYS`: a page's expiry is `SHARED_DAYS` after it was
/// last served, so the latest expiry of a page holding the id tells.
pub async fn last_served(
    gatehouse: &Gatehouse,
    app: &AppId,
    school: &SchoolId,
    resource: Resource,
    id: &str,
) -> Result<Option<DateTime<Utc>>> {
    let now = gatehouse.clock.now().timestamp();
    let query = Query::partition(Index::Primary, shared_partition(app, school)).with_prefix(person_prefix(resource));
    let mut last: Option<i64> = None;
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        let Some(expires_at) = item.expires_at.filter(|_| !item.is_expired_at(now)) else { continue };
        let page: SharedPageRecord = from_item(&item)?;
        if page.ids.iter().any(|held| held == id) {
            last = last.max(Some(expires_at));
        }
    }
    Ok(last.and_then(|at| DateTime::from_timestamp(at, 0)).map(|at| at - Duration::days(SHARED_DAYS)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_page_has_the_same_digest_whatever_the_order() {
        let ids = |list: &[&str]| list.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        assert_eq!(page_digest(&ids(&["B", "A"])), page_digest(&ids(&["A", "B"])));
        assert_ne!(page_digest(&ids(&["A", "B"])), page_digest(&ids(&["A", "C"])));
        // Ids cannot run together: "A\nB" is two ids, "AB" one.
        assert_ne!(page_digest(&ids(&["A", "B"])), page_digest(&ids(&["AB"])));
    }
}
