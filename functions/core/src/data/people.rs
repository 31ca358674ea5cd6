//! A school's people (A1, A3, S3): the person store the MIS agent fills, the
//! per-app person selections a school makes, and the rules that decide what
//! an app may see of them.
//!
//! Every person write takes the school's next change number (`seq`, from an
//! atomic counter) and is indexed by it under its resource, so "what changed
//! since N" is one Query. A deleted person stays as a tombstone for delta
//! sync: the id and the deletion time, nothing personal, until it expires
//! `TOMBSTONE_DAYS` later (the store's TTL, and every read checks it too,
//! since DynamoDB removes expired items days late and the embedded store
//! never). Sync tokens last `SYNC_TOKEN_DAYS`, a day less, so every
//! tombstone a token can still ask for is there.
//! Selections are numbered per app and school the same way, so a person who
//! becomes excluded shows up as deleted in the app's next delta.
//! A contact is shared only for a pupil the app may see: one whose pupils
//! are all hidden is hidden too (#18).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use gatehouse_model::{
    Contact, DataRecord, DeletedRecord, ExplainReason, Explanation, FeedStatus, GdprMode, Group, InstallStatus,
    PersonSelection, PersonSummary, Resource, SchoolView, Scope, ScopeSet, SelectionChoice, StaffMember, Student,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::base::keys::{Key, SELECTION_PREFIX, person_change_index, selection_change_index};
use crate::base::keys::{people_partition, selection_partition};
use crate::base::ports::{Condition, Index, Item, Query, StoreError, TransactWrite, query_all};
pub use crate::base::refusal::{Refusal, SYNC_TOKEN_DAYS};
use crate::partner::permissions::effective_scopes;
use crate::store::domain_events::{self, EventKind};
use crate::store::records::{AppRecord, SchoolLinkRecord, Waiting, from_item, plain_item, to_attributes};
use crate::{AppId, Error, Gatehouse, MisId, Result, SchoolId, data::shared};

/// Days after which a school's data counts as stale (and its agent silent).
pub const STALE_AFTER_DAYS: i64 = 7;
/// Days a tombstone is kept: a day longer than a sync token, so a deletion
/// written by a push in flight when a token was cut outlives the token.
pub const TOMBSTONE_DAYS: i64 = SYNC_TOKEN_DAYS + 1;

/// One person or group as stored, tombstones too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub resource: Resource,
    pub id: String,
    /// The change number of this record's last write.
    pub seq: u64,
    #[serde(default)]
    pub deleted: bool,
    /// SHA-256 of `data`: an unchanged record is not written again. Empty
    /// on a tombstone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
    /// The record as the agent sent it (a `Student`, `StaffMember`, …);
    /// null on a tombstone, which keeps nothing personal.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub data: Value,
    /// The last write: for a tombstone, when the person was deleted.
    pub changed_at: DateTime<Utc>,
    /// For a group: the members the MIS dropped from it, for as long as a
    /// tombstone lasts, so a OneRoster delta can end their enrollments
    /// (#17). Ids only, like the member lists; an erased member leaves too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<Departure>,
}

/// A member who left a group, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Departure {
    /// `Students` or `Staff`.
    pub resource: Resource,
    pub id: String,
    pub at: DateTime<Utc>,
}

/// The most departures a group keeps (the newest): a bound on the item
/// whatever the MIS sends, far above a real group's turnover in
/// [`TOMBSTONE_DAYS`].
const DEPARTURES_KEPT: usize = 500;

/// A group's members as its data lists them.
pub fn group_members(data: &Value) -> impl Iterator<Item = (Resource, &str)> {
    let ids =
        move |field: &str| data.get(field).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
    ids("student_ids").map(|id| (Resource::Students, id)).chain(ids("staff_ids").map(|id| (Resource::Staff, id)))
}

impl PersonRecord {
    /// A deleted person: the id and the deletion time only.
    pub fn tombstone(resource: Resource, id: &str, seq: u64, deleted_at: DateTime<Utc>) -> Self {
        PersonRecord {
            resource,
            id: id.to_owned(),
            seq,
            deleted: true,
            digest: String::new(),
            data: Value::Null,
            changed_at: deleted_at,
            left: Vec::new(),
        }
    }

    /// For a group written again with `data`: who has left it. The members
    /// this record has that `data` lacks leave `now`; earlier departures are
    /// kept for [`TOMBSTONE_DAYS`] unless the member is back.
    pub fn departures(&self, data: &Value, now: DateTime<Utc>) -> Vec<Departure> {
        if self.resource != Resource::Groups {
            return Vec::new();
        }
        let staying: std::collections::HashSet<(Resource, &str)> = group_members(data).collect();
        let kept_since = now - chrono::Duration::days(TOMBSTONE_DAYS);
        let earlier = self.left.iter().filter(|gone| gone.at > kept_since);
        let leaving = group_members(&self.data)
            .map(|(resource, id)| Departure { resource, id: id.to_owned(), at: now })
            .filter(|gone| !self.left.iter().any(|before| before.resource == gone.resource && before.id == gone.id));
        let mut left: Vec<Departure> = earlier
            .cloned()
            .chain(leaving)
            .filter(|gone| !staying.contains(&(gone.resource, gone.id.as_str())))
            .collect();
        left.sort_by_key(|gone| std::cmp::Reverse(gone.at));
        left.truncate(DEPARTURES_KEPT);
        left
    }

    pub fn item(&self, school: &SchoolId) -> Item {
        let key = Key::Person(school, self.resource, &self.id);
        let expires_at = self.deleted.then(|| (self.changed_at + chrono::Duration::days(TOMBSTONE_DAYS)).timestamp());
        Item {
            pk: key.pk(),
            sk: key.sk(),
            gsi1: Some(person_change_index(school, self.resource, self.seq)),
            expires_at,
            version: self.seq,
            attributes: to_attributes(self),
        }
    }

    pub fn summary(&self) -> PersonSummary {
        let text = |field: &str| self.data.get(field).and_then(Value::as_str).unwrap_or_default().to_owned();
        let name = match self.resource {
            Resource::Groups => text("name"),
            _ => format!("{} {}", text("first_name"), text("last_name")),
        };
        let detail = match self.resource {
            Resource::Students => format!("{}, {}", text("year_group"), text("registration_group")),
            Resource::Staff => text("role"),
            Resource::Contacts => {
                let count = self.data.get("relationships").and_then(Value::as_array).map_or(0, Vec::len);
                format!("Contact for {count} pupil{}", if count == 1 { "" } else { "s" })
            }
            Resource::Groups => text("kind").replace('_', " "),
        };
        PersonSummary { mis_id: self.id.clone(), resource: self.resource, name, detail, deleted: self.deleted }
    }
}

/// The digest of a record's data: canonical because serde_json writes struct
/// fields in declaration order.
pub fn digest(data: &Value) -> String {
    hex::encode(Sha256::digest(data.to_string().as_bytes()))
}

/// A school's choice about one person for one app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionRecord {
    pub resource: Resource,
    pub mis_id: String,
    pub name: String,
    pub choice: SelectionChoice,
    pub seq: u64,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// The number of the last selection change of an app at a school.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectionHeadRecord {
    pub seq: u64,
}

/// An app's selections at a school, as one read gives them.
#[derive(Debug, Clone, Default)]
pub struct Selections {
    pub head: u64,
    pub head_version: u64,
    pub choices: HashMap<(Resource, String), SelectionRecord>,
}

impl Selections {
    pub fn choice(&self, resource: Resource, id: &str) -> SelectionChoice {
        self.choices.get(&(resource, id.to_owned())).map_or(SelectionChoice::Default, |record| record.choice)
    }
}

/// One Query: the head and every selection of an app at a school.
pub async fn load_selections(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId) -> Result<Selections> {
    let query = Query::partition(Index::Primary, selection_partition(app, school));
    let mut selections = Selections::default();
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        if item.sk.starts_with(SELECTION_PREFIX) {
            let record: SelectionRecord = from_item(&item)?;
            selections.choices.insert((record.resource, record.mis_id.clone()), record);
        } else {
            let head: SelectionHeadRecord = from_item(&item)?;
            selections.head = head.seq;
            selections.head_version = item.version;
        }
    }
    Ok(selections)
}

/// Whether GDPR mode and selections let an app see a person: `Ok`, or the
/// rule that hides them. Groups are not persons: always shared.
pub fn selection_rule(
    mode: GdprMode,
    selections: &Selections,
    resource: Resource,
    id: &str,
) -> std::result::Result<(), ExplainReason> {
    if !resource.is_person() {
        return Ok(());
    }
    match (selections.choice(resource, id), mode) {
        (SelectionChoice::Exclude, _) => Err(ExplainReason::Excluded),
        (SelectionChoice::Include, _) => Ok(()),
        (SelectionChoice::Default, GdprMode::IncludeAll) => Ok(()),
        (SelectionChoice::Default, GdprMode::ExcludeAll) => Err(ExplainReason::NotSelected),
    }
}

/// Whether a contact is shared for one of their pupils: a contact whose
/// pupils the GDPR mode and selections all hide (or who has none) is hidden
/// too (#18), whatever their own selection. Only these rules count, not the
/// students scope: without it an app reads contacts, naming no pupil.
pub fn shares_a_pupil<'a>(mode: GdprMode, selections: &Selections, mut pupils: impl Iterator<Item = &'a str>) -> bool {
    pupils.any(|pupil| selection_rule(mode, selections, Resource::Students, pupil).is_ok())
}

/// The persons a stored contact or group names: a contact's pupils, a
/// group's pupils then staff; none for anyone else.
pub fn named_ids(record: &PersonRecord) -> Vec<&str> {
    let list = |field: &str| record.data.get(field).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    match record.resource {
        Resource::Contacts => {
            list("relationships").iter().filter_map(|r| r.get("student_id").and_then(Value::as_str)).collect()
        }
        Resource::Groups => list("student_ids").iter().chain(list("staff_ids")).filter_map(Value::as_str).collect(),
        Resource::Students | Resource::Staff => Vec::new(),
    }
}

/// What an app may read at a school right now: the link passed every gate.
#[derive(Debug, Clone)]
pub struct Access {
    pub app: AppId,
    pub school: SchoolId,
    pub link: SchoolLinkRecord,
    pub mode: GdprMode,
    pub scopes: ScopeSet,
}

impl Access {
    /// Changes when the mode or the readable scopes change: a sync token
    /// issued before then no longer describes what the app holds.
    pub fn fingerprint(&self) -> String {
        let scopes: Vec<&str> = self.scopes.iter().map(|scope| scope.as_str()).collect();
        let text = format!("{}|{}", self.mode.label(), scopes.join(","));
        hex::encode(&Sha256::digest(text.as_bytes())[..6])
    }
}

/// The gate of every data read: the link's state on `today` (a UK date), in
/// the order an app's user would fix it. A school with no link to this app
/// (or any id that does not parse) is `not_authorised`, so ids cannot be
/// probed. A link past its revocation date is revoked here, whether or not
/// the daily job has run (#12).
pub fn gate(
    link: Option<SchoolLinkRecord>,
    app: &AppRecord,
    today: NaiveDate,
) -> std::result::Result<Access, ExplainReason> {
    let Some(link) = link.filter(|link| link.partner_id == app.partner_id && link.cancelled_on.is_none()) else {
        return Err(ExplainReason::NotAuthorised);
    };
    match link.view_on(today) {
        SchoolView::Pending => {
            return Err(match link.waiting_for() {
                Some(Waiting::Verification) => ExplainReason::AwaitingVerification,
                Some(Waiting::SchoolApproval) => ExplainReason::AwaitingSchoolApproval,
                None => ExplainReason::NotAuthorised,
            });
        }
        SchoolView::Revoked => return Err(ExplainReason::AuthorisationRevoked),
        SchoolView::Active => {}
    }
    if link.install_status != InstallStatus::Installed {
        return Err(ExplainReason::NotInstalled);
    }
    if link.feed_status == Some(FeedStatus::Paused) {
        return Err(ExplainReason::FeedPaused);
    }
    let scopes = effective_scopes(&app.requested_scopes, &link.granted_scopes);
    let mode = link.gdpr_mode.unwrap_or(GdprMode::ExcludeAll);
    Ok(Access { app: app.app_id.clone(), school: link.school_id.clone(), mode, scopes, link })
}

/// The refusal an app gets for a gate reason.
pub fn refusal(reason: ExplainReason) -> Error {
    Error::Refused(match reason {
        ExplainReason::AuthorisationRevoked => Refusal::AuthorisationRevoked,
        ExplainReason::AwaitingVerification => Refusal::AwaitingVerification,
        ExplainReason::AwaitingSchoolApproval => Refusal::AwaitingSchoolApproval,
        ExplainReason::NotInstalled => Refusal::NotInstalled,
        ExplainReason::FeedPaused => Refusal::FeedPaused,
        _ => Refusal::NotAuthorised,
    })
}

/// Reads the link of `app` at `school` and passes it through the gate.
pub async fn access(gatehouse: &Gatehouse, app: &AppRecord, school: &SchoolId) -> Result<Access> {
    let link = load_link(gatehouse, &app.app_id, school).await?;
    gate(link, app, crate::base::calendar::uk_date(gatehouse.clock.now())).map_err(refusal)
}

pub(crate) async fn load_link(
    gatehouse: &Gatehouse,
    app: &AppId,
    school: &SchoolId,
) -> Result<Option<SchoolLinkRecord>> {
    let key = Key::SchoolLink(app, school);
    Ok(match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => Some(from_item(&item)?),
        None => None,
    })
}

/// Requires the scope of a resource.
pub fn require_scope(access: &Access, resource: Resource) -> Result<()> {
    if access.scopes.contains(&resource.scope()) {
        Ok(())
    } else {
        Err(Error::Refused(Refusal::ScopeNotGranted(resource.scope())))
    }
}

/// A stored record as the app may see it: flags not granted removed, links
/// to persons the app may not see dropped. `None` when hidden.
pub fn redact(access: &Access, selections: &Selections, record: &PersonRecord) -> Result<Option<DataRecord>> {
    if record.deleted || selection_rule(access.mode, selections, record.resource, &record.id).is_err() {
        return Ok(None);
    }
    let unreadable = |error: serde_json::Error| {
        Error::Unavailable(anyhow::Error::new(error).context(format!("unreadable {} record", record.resource.as_str())))
    };
    let visible = |resource: Resource, id: &str| {
        access.scopes.contains(&resource.scope()) && selection_rule(access.mode, selections, resource, id).is_ok()
    };
    let granted = |scope: Scope| access.scopes.contains(&scope);
    Ok(Some(match record.resource {
        Resource::Students => {
            let mut student: Student = serde_json::from_value(record.data.clone()).map_err(unreadable)?;
            let keep = |scope: Scope, flag: &mut Option<bool>| {
                if !granted(scope) {
                    *flag = None;
                }
            };
            keep(Scope::PupilPremium, &mut student.pupil_premium);
            keep(Scope::ServiceChild, &mut student.service_child);
            keep(Scope::FreeSchoolMeals, &mut student.free_school_meals);
            keep(Scope::Ever6FreeSchoolMeals, &mut student.ever6_free_school_meals);
            keep(Scope::MoreAble, &mut student.more_able);
            keep(Scope::Traveller, &mut student.traveller);
            keep(Scope::LookedAfter, &mut student.looked_after);
            keep(Scope::EverLookedAfter, &mut student.ever_looked_after);
            if !granted(Scope::SenStatus) {
                student.sen_status = None;
            }
            if !granted(Scope::HomeLanguage) {
                student.home_language = None;
            }
            DataRecord::Student(student)
        }
        Resource::Staff => {
            DataRecord::Staff(serde_json::from_value::<StaffMember>(record.data.clone()).map_err(unreadable)?)
        }
        Resource::Contacts => {
            let mut contact: Contact = serde_json::from_value(record.data.clone()).map_err(unreadable)?;
            let pupils = contact.relationships.iter().map(|relationship| relationship.student_id.as_str());
            if !shares_a_pupil(access.mode, selections, pupils) {
                return Ok(None);
            }
            contact.relationships.retain(|relationship| visible(Resource::Students, &relationship.student_id));
            DataRecord::Contact(contact)
        }
        Resource::Groups => {
            let mut group: Group = serde_json::from_value(record.data.clone()).map_err(unreadable)?;
            group.student_ids.retain(|id| visible(Resource::Students, id));
            group.staff_ids.retain(|id| visible(Resource::Staff, id));
            DataRecord::Group(group)
        }
    }))
}

/// A deleted marker.
pub fn deleted(id: &str) -> DataRecord {
    DataRecord::Deleted(DeletedRecord { id: id.to_owned(), deleted: true })
}

/// One stored person, tombstone or not; an expired tombstone is gone,
/// whether or not the store has removed it yet.
pub async fn load_person(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    resource: Resource,
    id: &str,
) -> Result<Option<PersonRecord>> {
    let key = Key::Person(school, resource, id);
    let now = gatehouse.clock.now().timestamp();
    Ok(match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) if !item.is_expired_at(now) => Some(from_item(&item)?),
        _ => None,
    })
}

/// The person with this MIS id, looked for among students, staff and contacts
/// in that order (MIS ids are unique per resource), a live one before a
/// tombstone. All three are read, found or not, so the time an answer takes
/// does not tell whether the id exists (#18).
pub async fn find_person(gatehouse: &Gatehouse, school: &SchoolId, mis_id: &MisId) -> Result<Option<PersonRecord>> {
    let mut found: Option<PersonRecord> = None;
    for resource in Resource::PERSONS {
        if let Some(person) = load_person(gatehouse, school, resource, mis_id.as_str()).await?
            && found.as_ref().is_none_or(|earlier| earlier.deleted && !person.deleted)
        {
            found = Some(person);
        }
    }
    Ok(found)
}

/// MIS ids go into keys and URLs: letters, digits and `-_.:`, up to 64
/// (`MisId`); for the agent's records, which ingestion checks one by one.
pub fn valid_mis_id(id: &str) -> bool {
    MisId::parse(id).is_ok()
}

/// S3: the school's people matching `query` (in the name or the MIS id,
/// case-insensitive), live persons only, sorted by name. One Query over the
/// school's partition (a few pages for a large school), no Scan.
pub async fn search(
    gatehouse: &Gatehouse,
    school_id: &SchoolId,
    query: &str,
    limit: usize,
) -> Result<Vec<PersonSummary>> {
    let needle = query.trim().to_lowercase();
    let partition = Query::partition(Index::Primary, people_partition(school_id));
    let mut found = Vec::new();
    for item in query_all(gatehouse.table.as_ref(), partition).await? {
        let record: PersonRecord = from_item(&item)?;
        if record.deleted || !record.resource.is_person() {
            continue;
        }
        let summary = record.summary();
        if needle.is_empty()
            || summary.name.to_lowercase().contains(&needle)
            || summary.mis_id.to_lowercase().contains(&needle)
        {
            found.push(summary);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.mis_id.cmp(&b.mis_id)));
    found.truncate(limit);
    Ok(found)
}

/// S3: the persons this school explicitly included or excluded for an app.
pub async fn selections(gatehouse: &Gatehouse, app_id: &AppId, school_id: &SchoolId) -> Result<Vec<PersonSelection>> {
    let loaded = load_selections(gatehouse, app_id, school_id).await?;
    let mut list: Vec<PersonSelection> = loaded
        .choices
        .into_values()
        .filter(|record| record.choice != SelectionChoice::Default)
        .map(|record| PersonSelection {
            mis_id: record.mis_id,
            resource: record.resource,
            name: record.name,
            choice: record.choice,
            changed_at: record.changed_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            changed_by: record.changed_by,
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.mis_id.cmp(&b.mis_id)));
    Ok(list)
}

/// A person's new selection for one app: the writes (the selection with
/// the next selection number, and the head, conditional on the head read)
/// and that number. `None` when the person already has `choice`.
pub struct SelectionWrites {
    pub writes: Vec<TransactWrite>,
    pub seq: u64,
}

/// Someone's choice about one person for one app: include, exclude, or
/// back to the GDPR mode's default.
#[derive(Debug, Clone, Copy)]
pub struct PersonChoice<'a> {
    pub app_id: &'a AppId,
    pub school_id: &'a SchoolId,
    pub mis_id: &'a MisId,
    pub choice: SelectionChoice,
    /// Who chose, as the selection records it.
    pub by: &'a str,
}

/// The writes that include, exclude or return a person to the GDPR mode's
/// default for one app, for a transaction of the caller's (the school
/// portal commits them with the link's log entry, issue 18). The app must
/// have a link with the school.
pub async fn selection_writes(gatehouse: &Gatehouse, asked: &PersonChoice<'_>) -> Result<Option<SelectionWrites>> {
    let PersonChoice { app_id, school_id, mis_id, choice, by } = *asked;
    if load_link(gatehouse, app_id, school_id).await?.is_none() {
        return Err(Error::NotFound("app"));
    }
    let person = find_person(gatehouse, school_id, mis_id).await?.ok_or(Error::NotFound("person"))?;
    let loaded = load_selections(gatehouse, app_id, school_id).await?;
    if loaded.choice(person.resource, &person.id) == choice {
        return Ok(None);
    }
    let seq = loaded.head + 1;
    let now = gatehouse.clock.now();
    let record = SelectionRecord {
        resource: person.resource,
        mis_id: person.id.clone(),
        name: person.summary().name,
        choice,
        seq,
        changed_at: now,
        changed_by: by.to_owned(),
    };
    let key = Key::Selection(app_id, school_id, person.resource, &person.id);
    let head_key = Key::SelectionHead(app_id, school_id);
    let head_condition =
        if loaded.head_version == 0 { Condition::NotExists } else { Condition::VersionIs(loaded.head_version) };
    let writes = vec![
        TransactWrite::Put {
            item: plain_item(&head_key, &SelectionHeadRecord { seq }, loaded.head_version + 1),
            condition: head_condition,
        },
        TransactWrite::Put {
            item: Item {
                pk: key.pk(),
                sk: key.sk(),
                gsi1: Some(selection_change_index(app_id, school_id, seq)),
                expires_at: None,
                version: seq,
                attributes: to_attributes(&record),
            },
            condition: Condition::Always,
        },
    ];
    Ok(Some(SelectionWrites { writes, seq }))
}

/// S3: include, exclude or return a person to the GDPR mode's default for
/// one app, on its own (the school portal logs it too, `school_portal::
/// set_person_choice`). Setting the choice a person already has changes
/// nothing; otherwise the selection takes the next selection number with
/// the head, in one conditional transaction, so the app's next delta
/// reports the person (as deleted when now hidden).
pub async fn set_selection(gatehouse: &Gatehouse, asked: &PersonChoice<'_>) -> Result<()> {
    let (app_id, school_id) = (asked.app_id, asked.school_id);
    // Two changes racing for the same number: the loser reads again.
    for _ in 0..5 {
        let Some(SelectionWrites { mut writes, seq }) = selection_writes(gatehouse, asked).await? else {
            return Ok(());
        };
        let extra = json!({ "selection_seq": seq });
        let event = domain_events::new(EventKind::PersonsChanged, app_id, school_id, gatehouse.clock.now(), extra)?;
        writes.push(crate::store::outbox::event(event, gatehouse.clock.now())?);
        match gatehouse.table.transact(writes).await {
            Ok(()) => {
                tracing::info!(app_id = %app_id, school_id = %school_id, seq, "person selection changed");
                crate::store::outbox::deliver(gatehouse).await?;
                return Ok(());
            }
            Err(StoreError::ConditionFailed { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(Error::Conflict("the selections changed meanwhile; try again"))
}

/// Who asks `explain`, which decides how much an answer may tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The school: every rule, for any id.
    School,
    /// The app, and its partner on the school tile: the school-level rules
    /// for any id, the person-level rule only for a person shared with the
    /// app now or before (#18).
    App,
}

/// The app's answer about an id it was never shared: the same whether the
/// id exists, was deleted, is hidden or never was.
const NOT_SHARED: &str = "not shared with your app; the school can tell you why";

/// "Why is this person missing?" for the school: the first rule that hides
/// the person, or that they are shared. The same rules as the reads, in the
/// same order, so the answer agrees with what the app gets.
pub async fn explain(
    gatehouse: &Gatehouse,
    app_id: &AppId,
    school_id: &SchoolId,
    mis_id: &MisId,
) -> Result<Explanation> {
    explain_for(gatehouse, app_id, school_id, mis_id, Audience::School).await
}

/// "Why is this person missing?" for the app (and its partner): as the
/// school's answer when the link's gate refuses (the same for any id) or
/// the person is shared now; for a person shared with the app before, the
/// rule that hides them now; for any other id one uniform answer, so that
/// probing ids reveals neither existence nor deletion. It tells the app
/// nothing it did not already hold.
pub async fn explain_for_app(
    gatehouse: &Gatehouse,
    app_id: &AppId,
    school_id: &SchoolId,
    mis_id: &MisId,
) -> Result<Explanation> {
    explain_for(gatehouse, app_id, school_id, mis_id, Audience::App).await
}

async fn explain_for(
    gatehouse: &Gatehouse,
    app_id: &AppId,
    school_id: &SchoolId,
    mis_id: &MisId,
    audience: Audience,
) -> Result<Explanation> {
    let link = load_link(gatehouse, app_id, school_id).await?;
    let app = match &link {
        Some(link) => {
            let key = Key::App(&link.partner_id, app_id);
            match gatehouse.table.get(&key.pk(), &key.sk()).await? {
                Some(item) => Some(from_item::<AppRecord>(&item)?),
                None => None,
            }
        }
        None => None,
    };
    let feed = crate::data::feed::load_feed(gatehouse, school_id).await?;
    let now = gatehouse.clock.now();
    let last_extract_at = feed.as_ref().and_then(|(feed, _)| feed.last_extract_at);
    let mut explanation = Explanation {
        mis_id: mis_id.to_string(),
        resource: None,
        shared: false,
        reason: ExplainReason::NotAuthorised,
        detail: String::new(),
        last_extract_at: last_extract_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        cache_stale: last_extract_at.is_none_or(|at| (now - at).num_days() >= STALE_AFTER_DAYS),
    };
    let Some(app) = app else {
        explanation.detail = Refusal::NotAuthorised.message();
        return Ok(explanation);
    };
    let access = match gate(link, &app, crate::base::calendar::uk_date(now)) {
        Ok(access) => access,
        Err(reason) => {
            explanation.reason = reason;
            explanation.detail = match refusal(reason) {
                Error::Refused(refused) => refused.message(),
                other => other.to_string(),
            };
            return Ok(explanation);
        }
    };
    let person = find_person(gatehouse, school_id, mis_id).await?;
    let selections = load_selections(gatehouse, app_id, school_id).await?;
    let (reason, detail) = explain_person(&access, &selections, person.as_ref());
    explanation.resource = person.as_ref().map(|person| person.resource);
    explanation.shared = reason == ExplainReason::Shared;
    explanation.reason = reason;
    explanation.detail = detail;
    if audience == Audience::App && reason != ExplainReason::Shared {
        // Read for every id not shared now, so the cost is the same too.
        let shared = shared::load(gatehouse, app_id, school_id).await?;
        let held = match &person {
            Some(person) => shared.contains(person.resource, &person.id).then_some(person.resource),
            None => shared.resource_of(mis_id.as_str()),
        };
        match (held, &person) {
            (Some(_), Some(_)) => {}
            // Served, and gone since, tombstone and all.
            (Some(resource), None) => {
                explanation.resource = Some(resource);
                explanation.reason = ExplainReason::Deleted;
                explanation.detail = "the school's MIS deleted this person".into();
            }
            (None, _) => {
                explanation.resource = None;
                explanation.reason = ExplainReason::NotShared;
                explanation.detail = NOT_SHARED.into();
            }
        }
    }
    Ok(explanation)
}

/// The person-level rules, after the link's gate passed.
pub fn explain_person(
    access: &Access,
    selections: &Selections,
    person: Option<&PersonRecord>,
) -> (ExplainReason, String) {
    let Some(person) = person else {
        return (
            ExplainReason::NotInExtract,
            "the school's MIS has never sent a person with this id; check the id, or ask the school whether the \
             person is on its MIS"
                .into(),
        );
    };
    if person.deleted {
        return (
            ExplainReason::Deleted,
            format!("the school's MIS deleted this person (last change {})", person.changed_at.date_naive()),
        );
    }
    if !access.scopes.contains(&person.resource.scope()) {
        return (
            ExplainReason::ScopeNotGranted,
            format!(
                "this is one of the school's {}, and the school has not granted that scope",
                person.resource.as_str()
            ),
        );
    }
    match selection_rule(access.mode, selections, person.resource, &person.id) {
        Ok(())
            if person.resource == Resource::Contacts
                && !shares_a_pupil(access.mode, selections, named_ids(person).into_iter()) =>
        {
            (
                ExplainReason::NoSharedPupil,
                "the school hides every pupil of this contact from your app (excluded, or not selected), so the \
                 contact is hidden too"
                    .into(),
            )
        }
        Ok(()) => (ExplainReason::Shared, "this person is shared with your app".into()),
        Err(ExplainReason::Excluded) => {
            (ExplainReason::Excluded, "the school excluded this person from your app".into())
        }
        Err(reason) => {
            (reason, "the school shares in Exclude All mode and has not selected this person for your app".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(resource: Resource, data: Value) -> PersonRecord {
        let changed_at = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap().with_timezone(&Utc);
        PersonRecord {
            resource,
            id: "X1".into(),
            seq: 1,
            deleted: false,
            digest: String::new(),
            data,
            changed_at,
            left: Vec::new(),
        }
    }

    fn excluding(pupil: &str) -> Selections {
        let mut selections = Selections::default();
        let choice = SelectionRecord {
            resource: Resource::Students,
            mis_id: pupil.into(),
            name: String::new(),
            choice: SelectionChoice::Exclude,
            seq: 1,
            changed_at: Utc::now(),
            changed_by: String::new(),
        };
        selections.choices.insert((Resource::Students, pupil.into()), choice);
        selections
    }

    #[test]
    fn a_group_remembers_who_left_it_until_they_return_or_a_tombstone_would_expire() {
        let group = |students: &[&str], staff: &[&str]| json!({ "student_ids": students, "staff_ids": staff });
        let mut stored = record(Resource::Groups, group(&["A", "B", "C"], &["T"]));
        let now = stored.changed_at + chrono::Duration::days(1);
        let left = stored.departures(&group(&["A"], &[]), now);
        let who: Vec<(Resource, &str)> = left.iter().map(|gone| (gone.resource, gone.id.as_str())).collect();
        assert_eq!(who, [(Resource::Students, "B"), (Resource::Students, "C"), (Resource::Staff, "T")]);
        assert!(left.iter().all(|gone| gone.at == now));

        // Written again later: B is back, C and T keep the day they left.
        stored.data = group(&["A"], &[]);
        stored.left = left;
        let later = now + chrono::Duration::days(2);
        let left = stored.departures(&group(&["A", "B"], &[]), later);
        assert_eq!(left.iter().map(|gone| (gone.id.as_str(), gone.at)).collect::<Vec<_>>(), [("C", now), ("T", now)]);
        // Gone from the list once a tombstone of that day would have expired.
        stored.left = left;
        let much_later = now + chrono::Duration::days(TOMBSTONE_DAYS) + chrono::Duration::seconds(1);
        assert!(stored.departures(&group(&["A"], &[]), much_later).is_empty());
        // Only groups have members to lose.
        assert!(record(Resource::Students, json!({})).departures(&group(&[], &[]), now).is_empty());
    }

    #[test]
    fn a_contact_is_shared_only_for_a_pupil_the_app_may_see() {
        let relationship = |pupil: &str| json!({ "student_id": pupil, "relationship": "Mother" });
        let contact = record(Resource::Contacts, json!({ "relationships": [relationship("S1"), relationship("S2")] }));
        assert_eq!(named_ids(&contact), ["S1", "S2"]);
        let pupils = || named_ids(&contact).into_iter();
        assert!(shares_a_pupil(GdprMode::IncludeAll, &excluding("S1"), pupils()), "S2 is still shared");
        let mut both = excluding("S1");
        both.choices.extend(excluding("S2").choices);
        assert!(!shares_a_pupil(GdprMode::IncludeAll, &both, pupils()));
        assert!(!shares_a_pupil(GdprMode::ExcludeAll, &Selections::default(), pupils()), "none selected");
        // No pupil at all: no pupil to be shared for.
        assert!(!shares_a_pupil(GdprMode::IncludeAll, &Selections::default(), std::iter::empty()));
        let group = record(Resource::Groups, json!({ "student_ids": ["S1"], "staff_ids": ["T1"] }));
        assert_eq!(named_ids(&group), ["S1", "T1"]);
        assert!(named_ids(&record(Resource::Students, json!({ "id": "S1" }))).is_empty());
    }
}
