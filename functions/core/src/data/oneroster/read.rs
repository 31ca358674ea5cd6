//! The rostering service's reads (#17): every answer is built from the
//! records the native data API would give the same app at the same moment.
//! The link's gate (revocation, verification, install, a paused feed), the
//! school's scopes, the GDPR mode and the person selections all apply
//! first, through the same `people::gate` and `people::redact` as `/api/v1`,
//! so a person the app cannot see there is in no object, reference, nested
//! list, filter result or count here.
//!
//! A read gathers the objects of the schools it concerns (one school for an
//! id or a nested list, every readable school for a collection), then the
//! listing (`listing.rs`) filters, sorts, counts and pages them.
//!
//! Deltas: a `filter` on `dateLastModified` adds what went away, as
//! `tobedeleted`: a person deleted in the MIS (the native tombstone), a
//! person the school hid since (their selection's time), a contact left
//! with no shared pupil, and a hidden member's enrollments. An object's
//! `dateLastModified` is its record's last change or, when later, the last
//! selection change of anyone it shows, so a newly shared pupil and the
//! classes they join come with the next delta. Not yet announced: an
//! enrollment the MIS ended (a pupil leaving a class), whose members
//! Gatehouse does not keep once the group's record changes; its class
//! comes with the delta, and `classes/{id}/enrollments` is then exact.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use gatehouse_model::oneroster::{
    CodeMinor, Collection, NESTED, ONEROSTER_BASE, ObjectKind, SCOPE_ROSTER, SCOPE_ROSTER_CORE,
    SCOPE_ROSTER_DEMOGRAPHICS,
};
use gatehouse_model::{Contact, DataRecord, Group, GroupKind, Resource, SchoolView, StaffMember, Student};
use serde_json::Value;

use super::listing::{Listing, Page, Refusal};
use super::mapping::{Member, SchoolContext, SourcedId};
use crate::base::calendar::uk_date;
use crate::base::keys::{people_partition, person_prefix, school_view_partition};
use crate::base::ports::{Index, Query, query_all};
use crate::base::refusal::SYNC_TOKEN_DAYS;
use crate::data::feed::load_feed;
use crate::data::people::{
    Access, PersonRecord, Selections, gate, load_link, load_selections, named_ids, redact, selection_rule,
};
use crate::data::shared;
use crate::partner::app_keys::AppCaller;
use crate::store::records::{SchoolLinkRecord, from_item};
use crate::store::usage;
use crate::{Gatehouse, Result, SchoolId};

/// The path of a rostering read, below the service's base.
#[derive(Debug, Clone, Copy)]
pub struct RosterPath<'a> {
    pub collection: &'a str,
    pub sourced_id: Option<&'a str>,
    pub nested: Option<&'a str>,
}

/// A successful read: a page of a collection, or one object.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `key` names the envelope's array; `listing` makes the `Link` header.
    Collection {
        key: &'static str,
        page: Page,
        listing: Listing,
    },
    Object {
        key: &'static str,
        object: Value,
    },
}

/// What a read is for.
#[derive(Debug, Clone)]
enum Target {
    All(Collection),
    One(Collection, SourcedId),
    Under { owner: Collection, id: SourcedId, list: Collection },
}

impl Target {
    /// The collection whose objects answer.
    fn answers(&self) -> Collection {
        match self {
            Target::All(collection) | Target::One(collection, _) => *collection,
            Target::Under { list, .. } => *list,
        }
    }
}

fn unknown(what: impl Into<String>) -> Refusal {
    Refusal { code: CodeMinor::Unknownobject, description: what.into() }
}

fn target(path: RosterPath<'_>) -> std::result::Result<Target, Refusal> {
    let collection = Collection::parse(path.collection)
        .ok_or_else(|| unknown(format!("there is no OneRoster collection '{}'", path.collection)))?;
    let Some(raw_id) = path.sourced_id else { return Ok(Target::All(collection)) };
    // An id Gatehouse never issued names nothing, the same as one the app may not read.
    let id = SourcedId::parse(raw_id)
        .ok_or_else(|| unknown(format!("no object at {}/{raw_id} that your app may read", collection.segment())))?;
    let Some(nested) = path.nested else { return Ok(Target::One(collection, id)) };
    let list = Collection::parse(nested)
        .filter(|list| NESTED.contains(&(collection, *list)))
        .ok_or_else(|| unknown(format!("{} have no list '{nested}'", collection.segment())))?;
    Ok(Target::Under { owner: collection, id, list })
}

/// The OAuth scopes a read needs (an API key reads what the app was
/// granted): demographics their own, enrollments and nested lists the
/// full roster, the rest the core roster or more.
fn permitted(caller: &AppCaller, target: &Target) -> std::result::Result<(), Refusal> {
    let Some(scopes) = &caller.oauth_scopes else { return Ok(()) };
    let has = |scope: &str| scopes.iter().any(|held| held == scope);
    let (ok, needed) = match target.answers() {
        Collection::Demographics => (has(SCOPE_ROSTER_DEMOGRAPHICS), SCOPE_ROSTER_DEMOGRAPHICS),
        _ if matches!(target, Target::Under { .. }) => (has(SCOPE_ROSTER), SCOPE_ROSTER),
        Collection::Enrollments => (has(SCOPE_ROSTER), SCOPE_ROSTER),
        _ => (has(SCOPE_ROSTER) || has(SCOPE_ROSTER_CORE), SCOPE_ROSTER_CORE),
    };
    if ok {
        Ok(())
    } else {
        let description = format!("this access token's scopes do not include {needed}; ask /oauth/token for it");
        Err(Refusal { code: CodeMinor::Forbidden, description })
    }
}

/// The native resources a read must walk.
fn resources_for(target: &Target) -> Vec<Resource> {
    let of = |collection: Collection| -> Vec<Resource> {
        match collection {
            Collection::Orgs | Collection::Schools | Collection::AcademicSessions | Collection::Terms => vec![],
            Collection::Classes | Collection::Courses => vec![Resource::Groups],
            // An enrollment names a member only while they are a live person.
            Collection::Enrollments => vec![Resource::Groups, Resource::Students, Resource::Staff],
            Collection::Students => vec![Resource::Students],
            Collection::Teachers => vec![Resource::Staff],
            Collection::Users => vec![Resource::Students, Resource::Staff, Resource::Contacts],
            Collection::Demographics => vec![Resource::Students],
        }
    };
    let mut resources = match target {
        Target::All(collection) | Target::One(collection, _) => of(*collection),
        Target::Under { owner, list, .. } => {
            let mut both = of(*owner);
            both.extend(of(*list));
            // A class's members and a user's classes come through enrollments.
            if *owner != Collection::Schools {
                both.push(Resource::Groups);
            }
            both
        }
    };
    resources.sort_by_key(|resource| resource.as_str());
    resources.dedup();
    resources
}

/// One OneRoster object of one school, with what the selection needs to know.
#[derive(Debug, Clone)]
struct Entry {
    kind: ObjectKind,
    /// The native person it shows (a user, demographics), for `teachers`,
    /// `students` and the record of what was shared.
    person: Option<(Resource, String)>,
    value: Value,
    /// A `tobedeleted` tombstone.
    gone: bool,
}

impl Entry {
    fn of<T: serde::Serialize>(kind: ObjectKind, person: Option<(Resource, String)>, object: &T) -> Entry {
        let value = serde_json::to_value(object).unwrap_or(Value::Null);
        Entry { kind, person, value, gone: false }
    }

    fn sourced_id(&self) -> &str {
        self.value["sourcedId"].as_str().unwrap_or_default()
    }

    fn resource(&self) -> Option<Resource> {
        self.person.as_ref().map(|(resource, _)| *resource)
    }

    /// Whether it belongs in `collection`.
    fn belongs(&self, collection: Collection) -> bool {
        if self.kind != collection.kind() {
            return false;
        }
        match collection {
            Collection::Students => self.resource() == Some(Resource::Students),
            // Staff whose MIS role is a teacher's; a deleted one (its role
            // gone with its data) is announced to `teachers` deltas too.
            Collection::Teachers => {
                self.resource() == Some(Resource::Staff) && (self.gone || self.value["roles"][0]["role"] == "teacher")
            }
            Collection::Terms => self.value["type"] == "term",
            _ => true,
        }
    }
}

/// A time as `dateLastModified` carries it.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `GET /ims/oneroster/rostering/v1p2/…`: the answer, or the binding's
/// refusal. `params` are the query's pairs as sent.
pub async fn read(
    gatehouse: &Gatehouse,
    caller: &AppCaller,
    path: RosterPath<'_>,
    params: &[(String, String)],
) -> Result<std::result::Result<Answer, Refusal>> {
    let target = match target(path) {
        Ok(target) => target,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Err(refusal) = permitted(caller, &target) {
        return Ok(Err(refusal));
    }
    let answers = target.answers();
    let pairs = params.iter().map(|(name, value)| (name.as_str(), value.as_str()));
    let listing = match Listing::parse(pairs, &answers.kind().fields()) {
        Ok(listing) => listing,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let deltas = listing.filters_on("dateLastModified");
    let since = listing.lower_bound("dateLastModified");
    if let Some(refusal) = since.and_then(|since| delta_too_old(since, gatehouse.clock.now())) {
        return Ok(Err(refusal));
    }
    let today = uk_date(gatehouse.clock.now());
    let accesses = match &target {
        Target::All(_) => readable_schools(gatehouse, caller, today).await?,
        Target::One(_, id) | Target::Under { id, .. } => {
            let school = SchoolId::parse(id.urn()).ok();
            match school {
                Some(school) => one_school(gatehouse, caller, &school, today).await?.into_iter().collect(),
                None => Vec::new(),
            }
        }
    };
    let resources = resources_for(&target);
    let mut entries = Vec::new();
    for access in &accesses {
        if let Some(since) = since {
            let feed = load_feed(gatehouse, &access.school).await?.map(|(feed, _)| feed);
            if let Some(purged) = feed.and_then(|feed| feed.last_purged_at).filter(|purged| since < *purged) {
                return Ok(Err(delta_refused(since, format!("school {} was cleared on {purged}", access.school))));
            }
            // What the app may read there changed: a person now shown or
            // hidden by it changed no record, so no delta could list them.
            let changed = [access.link.grant_changed_at, caller.app.scopes_changed_at].into_iter().flatten().max();
            if let Some(changed) = changed.filter(|changed| since < *changed) {
                let why = format!("what school {} shares with your app changed at {}", access.school, stamp(changed));
                return Ok(Err(delta_refused(since, why)));
            }
        }
        if !resources.is_empty() {
            usage::count(gatehouse, &access.app, &access.school).await?;
        }
        entries.extend(school_entries(gatehouse, access, &resources, today, deltas).await?);
    }
    let (key_all, key_one) = answers.kind().envelope();
    let selected: Vec<&Entry> = match &target {
        Target::All(collection) => entries.iter().filter(|entry| entry.belongs(*collection)).collect(),
        Target::One(collection, id) => {
            let rendered = id.render();
            let found = entries
                .iter()
                .find(|entry| !entry.gone && entry.belongs(*collection) && entry.sourced_id() == rendered);
            return Ok(match found {
                Some(entry) => {
                    record_shared(gatehouse, caller, std::slice::from_ref(&entry.value)).await;
                    let object = listing.project(entry.value.clone());
                    Ok(Answer::Object { key: key_one, object })
                }
                None => {
                    Err(unknown(format!("no object at {}/{rendered} that your app may read", collection.segment())))
                }
            });
        }
        Target::Under { owner, id, list } => match under(&entries, *owner, id, *list) {
            Some(selected) => selected,
            None => {
                let description = format!("no object at {}/{} that your app may read", owner.segment(), id.render());
                return Ok(Err(unknown(description)));
            }
        },
    };
    // Without a date to compare, a read is the roster now: nothing gone.
    let values = selected.into_iter().filter(|entry| deltas || !entry.gone).map(|entry| entry.value.clone());
    let page = listing.page(values);
    record_shared(gatehouse, caller, &page.objects).await;
    Ok(Ok(Answer::Collection { key: key_all, page, listing }))
}

/// A delta that would reach back further than deletions are kept
/// ([`SYNC_TOKEN_DAYS`], as a native sync token) cannot list them all:
/// refused, for a full read, rather than silently incomplete.
fn delta_too_old(since: DateTime<Utc>, now: DateTime<Utc>) -> Option<Refusal> {
    let kept_from = now - chrono::Duration::days(SYNC_TOKEN_DAYS);
    (since < kept_from).then(|| delta_refused(since, format!("deletions are kept for {SYNC_TOKEN_DAYS} days")))
}

/// The refusal of a delta that cannot be complete, and why.
fn delta_refused(since: DateTime<Utc>, why: String) -> Refusal {
    let description = format!(
        "a delta since {} cannot list everything that went away: {why}; read the collection without a \
         dateLastModified filter, then take deltas from the time of that read",
        stamp(since)
    );
    Refusal { code: CodeMinor::Invaliddata, description }
}

/// The objects of a list under one object, or `None` when the app may not
/// read that object.
fn under<'a>(entries: &'a [Entry], owner: Collection, id: &SourcedId, list: Collection) -> Option<Vec<&'a Entry>> {
    let rendered = id.render();
    entries.iter().find(|entry| !entry.gone && entry.belongs(owner) && entry.sourced_id() == rendered)?;
    let enrollments = || entries.iter().filter(|entry| !entry.gone && entry.kind == ObjectKind::Enrollment);
    Some(match owner {
        // Only the school's own objects were gathered.
        Collection::Schools => entries.iter().filter(|entry| entry.belongs(list)).collect(),
        Collection::Classes => {
            let of_class: Vec<&Entry> =
                enrollments().filter(|entry| entry.value["class"]["sourcedId"] == rendered.as_str()).collect();
            if list == Collection::Enrollments {
                return Some(of_class);
            }
            let role = if list == Collection::Students { "student" } else { "teacher" };
            let members: HashSet<&str> = of_class
                .iter()
                .filter(|entry| entry.value["role"] == role)
                .filter_map(|entry| entry.value["user"]["sourcedId"].as_str())
                .collect();
            entries
                .iter()
                .filter(|entry| !entry.gone && entry.kind == ObjectKind::User && members.contains(entry.sourced_id()))
                .collect()
        }
        // A user's classes.
        _ => {
            let classes: HashSet<&str> = enrollments()
                .filter(|entry| entry.value["user"]["sourcedId"] == rendered.as_str())
                .filter_map(|entry| entry.value["class"]["sourcedId"].as_str())
                .collect();
            entries.iter().filter(|entry| entry.belongs(list) && classes.contains(entry.sourced_id())).collect()
        }
    })
}

/// Every school whose link lets the app read now.
async fn readable_schools(gatehouse: &Gatehouse, caller: &AppCaller, today: chrono::NaiveDate) -> Result<Vec<Access>> {
    let partition = school_view_partition(&caller.app.app_id, SchoolView::Active);
    let mut accesses = Vec::new();
    for item in query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await? {
        let link: SchoolLinkRecord = from_item(&item)?;
        if let Ok(access) = gate(Some(link), &caller.app, today) {
            accesses.push(access);
        }
    }
    accesses.sort_by_key(|access| access.school.to_string());
    Ok(accesses)
}

/// The school an id names, if the app may read it now.
async fn one_school(
    gatehouse: &Gatehouse,
    caller: &AppCaller,
    school: &SchoolId,
    today: chrono::NaiveDate,
) -> Result<Option<Access>> {
    let link = load_link(gatehouse, &caller.app.app_id, school).await?;
    Ok(gate(link, &caller.app, today).ok())
}

/// The school's stored persons of `resource`, tombstones included (an
/// expired one is left out, whether or not the store has removed it).
async fn stored(gatehouse: &Gatehouse, school: &SchoolId, resource: Resource) -> Result<Vec<PersonRecord>> {
    let query = Query::partition(Index::Primary, people_partition(school)).with_prefix(person_prefix(resource));
    let now = gatehouse.clock.now();
    let mut records = Vec::new();
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        if !item.is_expired_at(now.timestamp()) {
            records.push(from_item(&item)?);
        }
    }
    Ok(records)
}

/// One school's objects as the app may see them, and (for a delta) the
/// tombstones of what it may no longer see.
async fn school_entries(
    gatehouse: &Gatehouse,
    access: &Access,
    resources: &[Resource],
    today: chrono::NaiveDate,
    deltas: bool,
) -> Result<Vec<Entry>> {
    let urn = access.school.to_string();
    let service = format!("{}{ONEROSTER_BASE}", gatehouse.settings.public_url);
    let context = SchoolContext { service: &service, urn: &urn, name: &access.link.name, today };
    // The school and its sessions are as old as the authorisation.
    let since = access
        .link
        .authorised_on
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(DateTime::UNIX_EPOCH, |at| at.and_utc());
    let mut entries = vec![Entry::of(ObjectKind::Org, None, &context.school(&stamp(since)))];
    for session in context.sessions(&stamp(since)) {
        entries.push(Entry::of(ObjectKind::AcademicSession, None, &session));
    }
    if resources.is_empty() {
        return Ok(entries);
    }
    let selections = load_selections(gatehouse, &access.app, &access.school).await?;
    let mut people = School { access, selections: &selections, context: &context, deltas, entries };
    let mut records: HashMap<Resource, Vec<PersonRecord>> = HashMap::new();
    for resource in resources {
        // A resource the school did not grant is not read: nothing of it shows.
        if access.scopes.contains(&resource.scope()) {
            records.insert(*resource, stored(gatehouse, &access.school, *resource).await?);
        }
    }
    let demographics = resources.contains(&Resource::Students);
    // The persons a class or a contact may name: those the app sees now. A
    // group's or a contact's record can still name a pupil a delta deleted.
    let mut live: HashSet<(Resource, String)> = HashSet::new();
    for (student, at) in &people.visible::<Student>(records.get(&Resource::Students)) {
        live.insert((Resource::Students, student.id.clone()));
        // A pupil's contacts name them (the contact's `agents`); naming the
        // contacts on the pupil too would change the pupil whenever a
        // contact changes, which no delta could announce.
        let person = Some((Resource::Students, student.id.clone()));
        let user = context.student(student, &[], &stamp(*at));
        people.entries.push(Entry::of(ObjectKind::User, person.clone(), &user));
        if demographics {
            let about = context.demographics(student, &stamp(*at));
            people.entries.push(Entry::of(ObjectKind::Demographics, person, &about));
        }
    }
    for (staff, at) in people.visible::<StaffMember>(records.get(&Resource::Staff)) {
        live.insert((Resource::Staff, staff.id.clone()));
        let user = context.staff(&staff, &stamp(at));
        people.entries.push(Entry::of(ObjectKind::User, Some((Resource::Staff, staff.id.clone())), &user));
    }
    for (mut contact, at) in people.visible::<Contact>(records.get(&Resource::Contacts)) {
        contact.relationships.retain(|related| live.contains(&(Resource::Students, related.student_id.clone())));
        let user = context.contact(&contact, &stamp(at));
        people.entries.push(Entry::of(ObjectKind::User, Some((Resource::Contacts, contact.id.clone())), &user));
    }
    for (mut group, at) in people.visible::<Group>(records.get(&Resource::Groups)) {
        let modified = stamp(at);
        group.student_ids.retain(|id| live.contains(&(Resource::Students, id.clone())));
        group.staff_ids.retain(|id| live.contains(&(Resource::Staff, id.clone())));
        if let Some((class, course)) = context.class(&group, &modified) {
            people.entries.push(Entry::of(ObjectKind::Class, None, &class));
            people.entries.push(Entry::of(ObjectKind::Course, None, &course));
        }
        for enrollment in context.enrollments(&group, &modified) {
            people.entries.push(Entry::of(ObjectKind::Enrollment, None, &enrollment));
        }
    }
    if deltas {
        for (resource, records) in &records {
            people.tombstones(*resource, records);
        }
    }
    Ok(people.entries)
}

/// One school's read under way.
struct School<'a> {
    access: &'a Access,
    selections: &'a Selections,
    context: &'a SchoolContext<'a>,
    deltas: bool,
    entries: Vec<Entry>,
}

impl School<'_> {
    /// When the school last changed its choice about a person for this app.
    fn chosen_at(&self, resource: Resource, id: &str) -> Option<DateTime<Utc>> {
        self.selections.choices.get(&(resource, id.to_owned())).map(|choice| choice.changed_at)
    }

    /// A record's last change as the app sees it: its own, or a later
    /// selection change of it or of anyone it names.
    fn modified(&self, record: &PersonRecord) -> DateTime<Utc> {
        let named = named_ids(record).into_iter().flat_map(|id| {
            [Resource::Students, Resource::Staff].into_iter().filter_map(move |resource| self.chosen_at(resource, id))
        });
        named.chain(self.chosen_at(record.resource, &record.id)).fold(record.changed_at, std::cmp::max)
    }

    /// The records the app may see, redacted as `/api/v1` shows them, each
    /// with when it last changed for the app.
    fn visible<T: serde::de::DeserializeOwned>(&self, records: Option<&Vec<PersonRecord>>) -> Vec<(T, DateTime<Utc>)> {
        let mut shown = Vec::new();
        for record in records.into_iter().flatten() {
            let Ok(Some(data)) = redact(self.access, self.selections, record) else { continue };
            let inner = match data {
                DataRecord::Student(student) => serde_json::to_value(student),
                DataRecord::Staff(staff) => serde_json::to_value(staff),
                DataRecord::Contact(contact) => serde_json::to_value(contact),
                DataRecord::Group(group) => serde_json::to_value(group),
                DataRecord::Deleted(_) => continue,
            };
            if let Some(typed) = inner.ok().and_then(|value| serde_json::from_value(value).ok()) {
                shown.push((typed, self.modified(record)));
            }
        }
        shown
    }

    /// The `kind` of object `id` names, gone since `at`.
    fn push_gone(&mut self, kind: ObjectKind, person: Option<(Resource, String)>, id: &SourcedId, at: DateTime<Utc>) {
        let value = self.context.gone(kind, id, &stamp(at));
        self.entries.push(Entry { kind, person, value, gone: true });
    }

    /// The enrollment of `id` in the class of group `class`, ended at `at`.
    fn enrollment_gone(&mut self, class: &str, member: Member, id: &str, at: DateTime<Utc>) {
        let urn = self.context.urn.to_owned();
        let sourced = SourcedId::Enrollment { urn, class: class.to_owned(), member, id: id.to_owned() };
        self.push_gone(ObjectKind::Enrollment, None, &sourced, at);
    }

    /// A delta's `tobedeleted` objects for `records` of `resource`: the
    /// deleted, the newly hidden, and the enrollments of hidden members.
    fn tombstones(&mut self, resource: Resource, records: &[PersonRecord]) {
        debug_assert!(self.deltas);
        let urn = self.context.urn.to_owned();
        for record in records {
            let hidden = selection_rule(self.access.mode, self.selections, resource, &record.id).is_err();
            let at = if hidden {
                // Hidden all along (no choice made) is never mentioned.
                match self.chosen_at(resource, &record.id) {
                    Some(at) => at,
                    None => continue,
                }
            } else if record.deleted {
                record.changed_at
            } else if resource == Resource::Contacts && matches!(redact(self.access, self.selections, record), Ok(None))
            {
                self.modified(record)
            } else {
                if resource == Resource::Groups {
                    self.ended_enrollments(record);
                }
                continue;
            };
            let id = record.id.clone();
            let person = Some((resource, id.clone()));
            match resource {
                Resource::Students => {
                    let sourced = SourcedId::Student { urn: urn.clone(), id };
                    self.push_gone(ObjectKind::User, person.clone(), &sourced, at);
                    self.push_gone(ObjectKind::Demographics, person, &sourced, at);
                }
                Resource::Staff => {
                    let sourced = SourcedId::Staff { urn: urn.clone(), id };
                    self.push_gone(ObjectKind::User, person, &sourced, at);
                }
                Resource::Contacts => {
                    let sourced = SourcedId::Contact { urn: urn.clone(), id };
                    self.push_gone(ObjectKind::User, person, &sourced, at);
                }
                Resource::Groups => {
                    let class = SourcedId::Class { urn: urn.clone(), id: id.clone() };
                    self.push_gone(ObjectKind::Class, None, &class, at);
                    let course = SourcedId::Course { urn: urn.clone(), id };
                    self.push_gone(ObjectKind::Course, None, &course, at);
                }
            }
        }
    }

    /// The enrollments of a live class that ended, as `tobedeleted`: of
    /// members the MIS dropped from it (from when they left), and of
    /// members the school hid since sharing them (from its choice). A
    /// member hidden all along, or out of the app's scopes, is never
    /// mentioned. A year group is no class, so has no enrollments.
    fn ended_enrollments(&mut self, record: &PersonRecord) {
        let Ok(group) = serde_json::from_value::<Group>(record.data.clone()) else { return };
        if group.kind == GroupKind::YearGroup {
            return;
        }
        for gone in &record.left {
            let member = match gone.resource {
                Resource::Students => Member::Student,
                Resource::Staff => Member::Staff,
                Resource::Contacts | Resource::Groups => continue,
            };
            let could_see = selection_rule(self.access.mode, self.selections, gone.resource, &gone.id).is_ok()
                || self.chosen_at(gone.resource, &gone.id).is_some();
            if self.access.scopes.contains(&gone.resource.scope()) && could_see {
                self.enrollment_gone(&group.id, member, &gone.id, gone.at);
            }
        }
        let members = group
            .student_ids
            .iter()
            .map(|id| (Resource::Students, Member::Student, id))
            .chain(group.staff_ids.iter().map(|id| (Resource::Staff, Member::Staff, id)));
        for (resource, member, id) in members {
            let visible = self.access.scopes.contains(&resource.scope())
                && selection_rule(self.access.mode, self.selections, resource, id).is_ok();
            if visible {
                continue;
            }
            if let Some(at) = self.chosen_at(resource, id) {
                self.enrollment_gone(&group.id, member, id, at);
            }
        }
    }
}

/// Records the persons on a page as served to the app, as `/api/v1`
/// does, so `explain` can later tell the app about them.
async fn record_shared(gatehouse: &Gatehouse, caller: &AppCaller, objects: &[Value]) {
    let mut served: HashMap<(String, Resource), Vec<String>> = HashMap::new();
    for object in objects {
        if object["status"] == "tobedeleted" {
            continue;
        }
        let (urn, resource, id) = match object["sourcedId"].as_str().and_then(SourcedId::parse) {
            Some(SourcedId::Student { urn, id }) => (urn, Resource::Students, id),
            Some(SourcedId::Staff { urn, id }) => (urn, Resource::Staff, id),
            Some(SourcedId::Contact { urn, id }) => (urn, Resource::Contacts, id),
            _ => continue,
        };
        served.entry((urn, resource)).or_default().push(id);
    }
    for ((urn, resource), ids) in served {
        if let Ok(school) = SchoolId::parse(&urn) {
            shared::record(gatehouse, &caller.app.app_id, &school, resource, ids).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path<'a>(collection: &'a str, id: Option<&'a str>, nested: Option<&'a str>) -> RosterPath<'a> {
        RosterPath { collection, sourced_id: id, nested }
    }

    #[test]
    fn a_path_names_a_collection_an_object_or_a_list_under_one() {
        assert!(matches!(target(path("users", None, None)), Ok(Target::All(Collection::Users))));
        let one = target(path("students", Some("3280003~s~ST1"), None)).unwrap();
        assert!(matches!(one, Target::One(Collection::Students, SourcedId::Student { .. })));
        let under = target(path("schools", Some("3280003"), Some("classes"))).unwrap();
        assert!(matches!(under, Target::Under { owner: Collection::Schools, list: Collection::Classes, .. }));
        for (collection, id, nested) in [
            ("pupils", None, None),
            ("users", Some("not~an~id~at~all"), None),
            ("users", Some("3280003~s~ST1"), Some("enrollments")),
            ("schools", Some("3280003"), Some("demographics")),
        ] {
            let refused = target(path(collection, id, nested)).unwrap_err();
            assert_eq!(refused.code, CodeMinor::Unknownobject, "{collection} {id:?} {nested:?}");
        }
    }

    #[test]
    fn a_read_walks_only_the_resources_its_objects_come_from() {
        let of = |collection, id: Option<&str>, nested| resources_for(&target(path(collection, id, nested)).unwrap());
        assert!(of("schools", None, None).is_empty());
        assert_eq!(of("teachers", None, None), [Resource::Staff]);
        assert_eq!(of("students", None, None), [Resource::Students]);
        assert_eq!(of("classes", Some("3280003~g~7A"), Some("students")), [Resource::Groups, Resource::Students]);
    }
}
