//! #16: the persons a school erased, which ingestion honours.
//!
//! An erasure leaves one item per person under `ERASED#<school>`: the
//! resource, the MIS id, when and by whom, nothing else. It never expires,
//! and the MIS cache's purge leaves it alone, so an erased person stays
//! erased whatever the agent pushes later: every push reads the list once
//! (one small partition) and drops the erased persons' records before they
//! are compared with the store, counting them as `erased` in the receipt;
//! the contacts and groups that name them keep their other links only.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use gatehouse_model::Resource;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::base::keys::{Key, erased_partition};
use crate::base::ports::{Condition, Index, Query, TransactWrite, query_all};
use crate::store::records::{from_item, plain_item};
use crate::{Gatehouse, MisId, Result, SchoolId};

/// One erased person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErasedRecord {
    pub resource: Resource,
    pub mis_id: String,
    pub erased_at: DateTime<Utc>,
    /// The school admin who erased them (a colleague's name, shown to the school only).
    pub erased_by: String,
}

/// The erased persons of a school, by resource and MIS id.
#[derive(Debug, Clone, Default)]
pub struct Erased {
    ids: HashSet<(Resource, String)>,
}

impl Erased {
    pub fn contains(&self, resource: Resource, id: &str) -> bool {
        self.ids.contains(&(resource, id.to_owned()))
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// One Query: every erased person of the school.
pub async fn load_all(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Vec<ErasedRecord>> {
    let query = Query::partition(Index::Primary, erased_partition(school));
    query_all(gatehouse.table.as_ref(), query).await?.iter().map(|item| Ok(from_item(item)?)).collect()
}

/// The erased persons of the school, for ingestion.
pub async fn load(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Erased> {
    let ids = load_all(gatehouse, school).await?.into_iter().map(|record| (record.resource, record.mis_id)).collect();
    Ok(Erased { ids })
}

/// The erasure of the person with this MIS id, if the school erased one:
/// a pupil before a member of staff before a contact, as `find_person` looks.
pub async fn find(gatehouse: &Gatehouse, school: &SchoolId, mis_id: &MisId) -> Result<Option<ErasedRecord>> {
    let mut found = None;
    for resource in Resource::PERSONS {
        let key = Key::ErasedPerson(school, resource, mis_id.as_str());
        if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await?
            && found.is_none()
        {
            found = Some(from_item(&item)?);
        }
    }
    Ok(found)
}

/// The write that puts a person on the list: only if not there yet, so
/// two erasures racing commit once.
pub fn write(school: &SchoolId, record: &ErasedRecord) -> TransactWrite {
    let key = Key::ErasedPerson(school, record.resource, &record.mis_id);
    TransactWrite::Put { item: plain_item(&key, record, 1), condition: Condition::NotExists }
}

/// The erasure of one person, to strip from the records that name them.
pub fn only(resource: Resource, id: &str) -> Erased {
    Erased { ids: [(resource, id.to_owned())].into() }
}

/// Removes erased persons from a contact's relationships or a group's
/// members; whether anything was removed.
pub fn strip_links(resource: Resource, data: &mut Value, erased: &Erased) -> bool {
    let mut changed = false;
    let mut keep = |field: &str, data: &mut Value, of: Resource, id_of: fn(&Value) -> Option<&str>| {
        if let Some(list) = data.get_mut(field).and_then(Value::as_array_mut) {
            let before = list.len();
            list.retain(|entry| id_of(entry).is_none_or(|id| !erased.contains(of, id)));
            changed |= list.len() != before;
        }
    };
    match resource {
        Resource::Contacts => {
            keep("relationships", data, Resource::Students, |entry| entry.get("student_id").and_then(Value::as_str));
        }
        Resource::Groups => {
            keep("student_ids", data, Resource::Students, Value::as_str);
            keep("staff_ids", data, Resource::Staff, Value::as_str);
        }
        Resource::Students | Resource::Staff => {}
    }
    changed
}
