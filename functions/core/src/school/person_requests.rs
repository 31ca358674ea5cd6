//! #16, a person's data on request (school portal, `/api/school/people/…`):
//! an admin finds a pupil, member of staff or contact and sees which apps
//! can see them now (the explain rule, answered for every app at once) and
//! which read them in the last 30 days; downloads everything Gatehouse
//! holds about them; excludes them from every app in one step; or erases
//! them.
//!
//! Erasure: the person goes on the school's erasure list (`data::erased`),
//! which every later push honours; their cached record becomes a tombstone
//! with no data under the school's next change number, so every app's next
//! delta reports them deleted; each app that read them (within the shared
//! record's `SHARED_DAYS`) gets `person.erased` (the resource and MIS id,
//! never a name) and an Authorisation Log entry; and the app selections
//! that named them lose the name. All of it is one transaction under the
//! school's ingest lease (`ingestion::erase`), so a retry finds all of it
//! or none; a second erasure answers as the first.
//!
//! Every action is logged in the school's team log (an entry names the
//! person by resource and MIS id only); exclusion also logs per app, as
//! one choice does. Only the school's own portal users see names here.

use askama::Template;
use chrono::{Duration, SecondsFormat};
use gatehouse_model::{
    ExplainReason, LogEvent, PersonAppAccess, PersonSummary, Resource, SchoolPeopleQuery, SchoolPersonDetail,
    SchoolPersonMatches, SchoolTeamChange, SelectionChoice,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::account::accounts::{team_change, team_changes};
use crate::base::calendar::uk_date;
use crate::base::keys::{APP_PREFIX, Key, people_partition};
use crate::base::ports::{Index, Item, Query, TransactWrite, query_all};
use crate::base::refusal::Refusal;
use crate::data::erased::{self, ErasedRecord};
use crate::data::people::{self, PersonChoice, PersonRecord, explain_person, gate, load_selections, named_ids};
use crate::data::{ingestion, shared};
use crate::school::portal::require_admin;
use crate::store::dashboard::SchoolAppEntry;
use crate::store::domain_events::EventKind;
use crate::store::link_loading::find;
use crate::store::links::{Change, prepare};
use crate::store::records::{AppRecord, SchoolLinkRecord, SchoolSessionRecord, from_item, to_attributes};
use crate::{Error, Gatehouse, MisId, Result, SchoolId, store::outbox};

/// How far back "read by" looks.
pub const READ_DAYS: i64 = 30;
/// Most people a search answers.
const SEARCH_LIMIT: usize = 50;
/// Longest search text.
const SEARCH_MAX_CHARS: usize = 100;

/// The person's words in the school's log: kind and MIS id, never a name.
fn subject(resource: Resource, mis_id: &str) -> String {
    let kind = match resource {
        Resource::Students => "pupil",
        Resource::Staff => "member of staff",
        Resource::Contacts => "contact",
        Resource::Groups => "group",
    };
    format!("{kind} {mis_id}")
}

fn approver(session: &SchoolSessionRecord) -> String {
    format!("{} ({})", session.display_name, session.role)
}

/// `GET /api/school/people?q=`: the school's live pupils, staff and
/// contacts whose name or MIS id holds `q`.
pub async fn search(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    asked: &SchoolPeopleQuery,
) -> Result<SchoolPersonMatches> {
    let q = asked.q.as_deref().unwrap_or_default();
    if q.chars().count() > SEARCH_MAX_CHARS {
        return Err(Error::invalid("q", format!("search with at most {SEARCH_MAX_CHARS} characters")));
    }
    let matches = people::search(gatehouse, &session.school_id, q, SEARCH_LIMIT).await?;
    Ok(SchoolPersonMatches { matches })
}

/// What is known of a person: their record (live or a tombstone) and
/// their erasure. Another school's person, or an id never seen, is not found.
struct Known {
    resource: Resource,
    record: Option<PersonRecord>,
    erased: Option<ErasedRecord>,
}

async fn known(gatehouse: &Gatehouse, school: &SchoolId, mis_id: &MisId) -> Result<Known> {
    let record = people::find_person(gatehouse, school, mis_id).await?;
    let erased = erased::find(gatehouse, school, mis_id).await?;
    let resource = match (&record, &erased) {
        (Some(record), _) => record.resource,
        (None, Some(erased)) => erased.resource,
        (None, None) => return Err(Error::NotFound("person")),
    };
    let erased = erased.filter(|erased| erased.resource == resource);
    Ok(Known { resource, record, erased })
}

/// One link of the school with what the person page shows of it.
struct SchoolApp {
    entry: SchoolAppEntry,
    link: SchoolLinkRecord,
    version: u64,
    app: Option<AppRecord>,
}

/// The school's links the school sees (not the invitations a partner cancelled).
async fn school_apps(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Vec<SchoolApp>> {
    let query = Query::partition(Index::Primary, Key::SchoolFeed(school).pk()).with_prefix(APP_PREFIX);
    let mut apps = Vec::new();
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        let entry: SchoolAppEntry = from_item(&item)?;
        if entry.hidden {
            continue;
        }
        let Some(loaded) = find(gatehouse, &entry.app_id, school).await? else { continue };
        if loaded.link.cancelled_on.is_some() {
            continue;
        }
        let key = Key::App(&loaded.link.partner_id, &entry.app_id);
        let app = match gatehouse.table.get(&key.pk(), &key.sk()).await? {
            Some(item) => Some(from_item(&item)?),
            None => None,
        };
        apps.push(SchoolApp { entry, link: loaded.link, version: loaded.version, app });
    }
    apps.sort_by_key(|app| app.entry.app_name.to_lowercase());
    Ok(apps)
}

/// The explain rule for every app at once, with each app's choice and last read.
async fn app_access(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    known: &Known,
    mis_id: &MisId,
    apps: &[SchoolApp],
) -> Result<Vec<PersonAppAccess>> {
    let now = gatehouse.clock.now();
    let today = uk_date(now);
    let mut out = Vec::new();
    for school_app in apps {
        let app_id = &school_app.entry.app_id;
        let selections = load_selections(gatehouse, app_id, school).await?;
        let gated = match &school_app.app {
            Some(app) => gate(Some(school_app.link.clone()), app, today),
            None => Err(ExplainReason::NotAuthorised),
        };
        let (reason, detail, scopes, gdpr_mode) = match gated {
            Ok(access) => {
                let (reason, detail) = explain_person(&access, &selections, known.record.as_ref());
                (reason, detail, access.scopes.iter().copied().collect(), Some(access.mode))
            }
            Err(reason) => {
                let detail = match people::refusal(reason) {
                    Error::Refused(refused) => refused.message(),
                    other => other.to_string(),
                };
                (reason, detail, Vec::new(), school_app.link.gdpr_mode)
            }
        };
        let (reason, detail) = match &known.erased {
            Some(_) if reason != ExplainReason::Shared && !is_gate(reason) => {
                (ExplainReason::Deleted, "the school erased this person".to_owned())
            }
            _ => (reason, detail),
        };
        let last_read = shared::last_served(gatehouse, app_id, school, known.resource, mis_id.as_str()).await?;
        out.push(PersonAppAccess {
            app_id: app_id.to_string(),
            app_name: school_app.entry.app_name.clone(),
            partner_name: school_app.entry.partner_name.clone(),
            can_see: reason == ExplainReason::Shared,
            reason,
            detail,
            scopes,
            gdpr_mode,
            choice: selections.choice(known.resource, mis_id.as_str()),
            last_read_at: last_read
                .filter(|at| *at > now - Duration::days(READ_DAYS))
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        });
    }
    Ok(out)
}

/// A reason the link's gate gives, whoever the person.
fn is_gate(reason: ExplainReason) -> bool {
    matches!(
        reason,
        ExplainReason::NotAuthorised
            | ExplainReason::AwaitingVerification
            | ExplainReason::AwaitingSchoolApproval
            | ExplainReason::AuthorisationRevoked
            | ExplainReason::NotInstalled
            | ExplainReason::FeedPaused
    )
}

fn summary_of(known: &Known, mis_id: &MisId) -> PersonSummary {
    match &known.record {
        Some(record) if !record.deleted && known.erased.is_none() => record.summary(),
        _ => PersonSummary {
            mis_id: mis_id.to_string(),
            resource: known.resource,
            name: String::new(),
            detail: String::new(),
            deleted: true,
        },
    }
}

async fn detail_of(gatehouse: &Gatehouse, school: &SchoolId, mis_id: &MisId) -> Result<SchoolPersonDetail> {
    let known = known(gatehouse, school, mis_id).await?;
    let apps = school_apps(gatehouse, school).await?;
    let access = app_access(gatehouse, school, &known, mis_id, &apps).await?;
    let summary = summary_of(&known, mis_id);
    Ok(SchoolPersonDetail {
        mis_id: summary.mis_id,
        resource: summary.resource,
        name: summary.name,
        detail: summary.detail,
        deleted: summary.deleted,
        erased_at: known.erased.map(|erased| erased.erased_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        apps: access,
    })
}

/// `GET /api/school/people/{person_id}`.
pub async fn detail(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    mis_id: &MisId,
) -> Result<SchoolPersonDetail> {
    detail_of(gatehouse, &session.school_id, mis_id).await
}

/// One explicit choice about the person, in the export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedChoice {
    pub app_id: String,
    pub app_name: String,
    pub choice: SelectionChoice,
    pub changed_at: String,
    pub changed_by: String,
}

/// Everything Gatehouse holds about one person: the export's JSON.
#[derive(Debug, Clone, Serialize)]
pub struct PersonExport {
    pub school_id: String,
    pub mis_id: String,
    pub resource: Resource,
    pub exported_at: String,
    /// The record as the school's MIS sent it (null once deleted or erased).
    pub record: Value,
    pub changed_at: Option<String>,
    pub erased_at: Option<String>,
    /// Contacts and groups that name this person.
    pub linked: Vec<PersonSummary>,
    pub apps: Vec<PersonAppAccess>,
    pub choices: Vec<ExportedChoice>,
    /// The school's log entries about this person.
    pub log: Vec<SchoolTeamChange>,
}

/// The export as a file to download.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub filename: String,
    pub content_type: &'static str,
    pub body: String,
}

#[derive(Template)]
#[template(path = "person_export.html")]
struct ExportHtml<'a> {
    school_name: &'a str,
    name: &'a str,
    export: &'a PersonExport,
    fields: Vec<(String, String)>,
}

/// A field's value in words.
fn words(value: &Value) -> String {
    match value {
        Value::Null => "not given".to_owned(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(words).collect::<Vec<_>>().join("; "),
        Value::Object(map) => {
            map.iter().map(|(k, v)| format!("{}: {}", k.replace('_', " "), words(v))).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// `GET /api/school/people/{person_id}/export?format=json|html`: the
/// person's record, the contacts and groups that name them, every app's
/// view of them, the school's choices and log about them. Logged in the
/// school's team log before it is answered.
pub async fn export(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    mis_id: &MisId,
    format: Option<&str>,
) -> Result<ExportFile> {
    require_admin(session)?;
    let html = match format.map(str::trim).unwrap_or("json") {
        "json" | "" => false,
        "html" => true,
        _ => return Err(Error::invalid("format", "choose json or html")),
    };
    let school = &session.school_id;
    let known = known(gatehouse, school, mis_id).await?;
    let entry = team_change(
        gatehouse,
        school,
        &approver(session),
        &subject(known.resource, mis_id.as_str()),
        "data downloaded",
    )?;
    gatehouse.table.transact(vec![entry]).await?;
    let apps = school_apps(gatehouse, school).await?;
    let access = app_access(gatehouse, school, &known, mis_id, &apps).await?;
    let mut choices = Vec::new();
    for school_app in &apps {
        let selections = load_selections(gatehouse, &school_app.entry.app_id, school).await?;
        if let Some(chosen) = selections.choices.get(&(known.resource, mis_id.to_string()))
            && chosen.choice != SelectionChoice::Default
        {
            choices.push(ExportedChoice {
                app_id: school_app.entry.app_id.to_string(),
                app_name: school_app.entry.app_name.clone(),
                choice: chosen.choice,
                changed_at: chosen.changed_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                changed_by: chosen.changed_by.clone(),
            });
        }
    }
    let mut linked = Vec::new();
    if known.erased.is_none() {
        let query = Query::partition(Index::Primary, people_partition(school));
        for item in query_all(gatehouse.table.as_ref(), query).await? {
            let record: PersonRecord = from_item(&item)?;
            if !record.deleted && named_ids(&record).contains(&mis_id.as_str()) {
                linked.push(record.summary());
            }
        }
    }
    let who = subject(known.resource, mis_id.as_str());
    let log = team_changes(gatehouse, school).await?.into_iter().filter(|change| change.colleague == who).collect();
    let summary = summary_of(&known, mis_id);
    let now = gatehouse.clock.now();
    let record = known.record.as_ref().filter(|_| known.erased.is_none());
    let export = PersonExport {
        school_id: school.to_string(),
        mis_id: mis_id.to_string(),
        resource: known.resource,
        exported_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        record: record.map(|record| record.data.clone()).unwrap_or(Value::Null),
        changed_at: record.map(|record| record.changed_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        erased_at: known.erased.as_ref().map(|erased| erased.erased_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        linked,
        apps: access,
        choices,
        log,
    };
    tracing::info!(school_id = %school, resource = known.resource.as_str(), "person's data exported");
    let stem = format!("gatehouse-{}-{}", known.resource.as_str(), mis_id.as_str());
    if html {
        let fields = match &export.record {
            Value::Object(map) => map.iter().map(|(field, value)| (field.replace('_', " "), words(value))).collect(),
            _ => Vec::new(),
        };
        let page = ExportHtml { school_name: &session.school_name, name: &summary.name, export: &export, fields };
        let body = page
            .render()
            .map_err(|error| Error::Unavailable(anyhow::Error::new(error).context("rendering an export")))?;
        Ok(ExportFile { filename: format!("{stem}.html"), content_type: "text/html; charset=utf-8", body })
    } else {
        let body = serde_json::to_string_pretty(&export).map_err(|error| Error::Unavailable(error.into()))?;
        Ok(ExportFile { filename: format!("{stem}.json"), content_type: "application/json", body })
    }
}

/// `POST /api/school/people/{person_id}/exclusion`: excludes the person
/// from every app the school has not revoked, in one transaction: for each
/// app whose choice changes, the selection (with the app's next selection
/// number), the Authorisation Log entry and `persons.changed`, as one choice
/// makes them; and one entry in the team log. A retry after a failure finds
/// all of it or none; once done, it changes and logs nothing.
pub async fn exclude_everywhere(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    mis_id: &MisId,
) -> Result<SchoolPersonDetail> {
    require_admin(session)?;
    let school = &session.school_id;
    let known = known(gatehouse, school, mis_id).await?;
    if known.erased.is_some() || known.record.is_none() {
        // Erased: no app holds them, and nothing is left to exclude.
        return detail_of(gatehouse, school, mis_id).await;
    }
    let by = approver(session);
    for attempt in 0..5 {
        let mut writes = Vec::new();
        let mut changed = 0;
        for school_app in school_apps(gatehouse, school).await? {
            if school_app.link.view == gatehouse_model::SchoolView::Revoked {
                continue;
            }
            let app_id = &school_app.entry.app_id;
            let asked = PersonChoice {
                app_id,
                school_id: school,
                mis_id,
                choice: SelectionChoice::Exclude,
                by: &session.display_name,
            };
            let Some(selection) = people::selection_writes(gatehouse, &asked).await? else {
                continue;
            };
            let detail = format!("One {} record now never shared, by {by}", known.resource.as_str());
            let mut change = Change::new(school_app.link.clone())
                .log(LogEvent::PersonsChanged, detail)
                .keeping_tokens()
                .event(EventKind::PersonsChanged, json!({ "selection_seq": selection.seq }));
            for write in selection.writes {
                change = change.also(write);
            }
            let loaded = crate::store::links::LoadedLink { link: school_app.link, version: school_app.version };
            writes.extend(prepare(gatehouse, &loaded, change, &session.display_name).await?.0);
            changed += 1;
        }
        if changed == 0 {
            break;
        }
        let who = subject(known.resource, mis_id.as_str());
        writes.push(team_change(gatehouse, school, &by, &who, "excluded from every app")?);
        match gatehouse.table.transact(writes).await {
            Ok(()) => {
                tracing::info!(school_id = %school, apps = changed, "person excluded from every app");
                outbox::deliver(gatehouse).await?;
                break;
            }
            // A link or a selection changed meanwhile: read again.
            Err(crate::base::ports::StoreError::ConditionFailed { .. }) if attempt < 4 => {}
            Err(crate::base::ports::StoreError::ConditionFailed { .. }) => {
                return Err(Error::Conflict("the school's apps changed meanwhile; try again"));
            }
            Err(error) => return Err(error.into()),
        }
    }
    detail_of(gatehouse, school, mis_id).await
}

/// `POST /api/school/people/{person_id}/erasure`: see the module's comment.
pub async fn erase(gatehouse: &Gatehouse, session: &SchoolSessionRecord, mis_id: &MisId) -> Result<SchoolPersonDetail> {
    require_admin(session)?;
    let school = &session.school_id;
    for attempt in 0..3 {
        let known = known(gatehouse, school, mis_id).await?;
        if known.erased.is_some() {
            return detail_of(gatehouse, school, mis_id).await;
        }
        let Some(person) = &known.record else { return Err(Error::NotFound("person")) };
        let writes = erasure_writes(gatehouse, session, person).await?;
        let linked = naming(gatehouse, school, person).await?;
        match ingestion::erase(gatehouse, school, person, linked, writes).await {
            Ok(()) => {
                tracing::info!(school_id = %school, resource = person.resource.as_str(), "person erased");
                outbox::deliver(gatehouse).await?;
                return detail_of(gatehouse, school, mis_id).await;
            }
            // A link changed, or another erasure won, meanwhile: read again.
            // A push holding the lease is answered as such.
            Err(Error::Refused(Refusal::ExtractInProgress)) if attempt < 2 => {
                if erased::find(gatehouse, school, mis_id).await?.is_some() {
                    continue;
                }
                let lease = crate::data::feed::load_feed(gatehouse, school).await?;
                let held =
                    lease.and_then(|(feed, _)| feed.lease).is_some_and(|lease| lease.until > gatehouse.clock.now());
                if held {
                    return Err(Error::Refused(Refusal::ExtractInProgress));
                }
            }
            Err(error) => return Err(error),
        }
    }
    Err(Error::Conflict("the school's data changed meanwhile; try again"))
}

/// The live contacts and groups that name the person, without them. A
/// group they leave keeps that they left, as an MIS change would, so a
/// OneRoster delta ends their enrollment with their tombstone (ids only,
/// for as long as the tombstone lasts).
async fn naming(gatehouse: &Gatehouse, school: &SchoolId, person: &PersonRecord) -> Result<Vec<PersonRecord>> {
    let now = gatehouse.clock.now();
    let erased = erased::only(person.resource, &person.id);
    let query = Query::partition(Index::Primary, people_partition(school));
    let mut linked = Vec::new();
    for item in query_all(gatehouse.table.as_ref(), query).await? {
        let mut record: PersonRecord = from_item(&item)?;
        let mut data = record.data.clone();
        if !record.deleted && erased::strip_links(record.resource, &mut data, &erased) {
            record.left = record.departures(&data, now);
            record.data = data;
            linked.push(record);
        }
    }
    Ok(linked)
}

/// What commits with the tombstone: the erasure list's entry, the team
/// log's, the selections' names cleared, and for each app that read the
/// person an Authorisation Log entry and `person.erased`.
async fn erasure_writes(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    person: &PersonRecord,
) -> Result<Vec<TransactWrite>> {
    let school = &session.school_id;
    let now = gatehouse.clock.now();
    let record = ErasedRecord {
        resource: person.resource,
        mis_id: person.id.clone(),
        erased_at: now,
        erased_by: session.display_name.clone(),
    };
    let who = subject(person.resource, &person.id);
    let mut writes = vec![
        erased::write(school, &record),
        team_change(gatehouse, school, &approver(session), &who, "erased at the school's request")?,
    ];
    for school_app in school_apps(gatehouse, school).await? {
        let app_id = &school_app.entry.app_id;
        let selections = load_selections(gatehouse, app_id, school).await?;
        if let Some(chosen) = selections.choices.get(&(person.resource, person.id.clone()))
            && !chosen.name.is_empty()
        {
            let mut cleared = chosen.clone();
            cleared.name = String::new();
            let key = Key::Selection(app_id, school, person.resource, &person.id);
            let item = Item {
                pk: key.pk(),
                sk: key.sk(),
                gsi1: Some(crate::base::keys::selection_change_index(app_id, school, cleared.seq)),
                expires_at: None,
                version: cleared.seq,
                attributes: to_attributes(&cleared),
            };
            writes.push(TransactWrite::Put { item, condition: crate::base::ports::Condition::Always });
        }
        if !shared::load(gatehouse, app_id, school).await?.contains(person.resource, &person.id) {
            continue;
        }
        let detail =
            format!("One {} record erased at the school's request, by {}", person.resource.as_str(), approver(session));
        let change = Change::new(school_app.link.clone())
            .keeping_tokens()
            .log(LogEvent::PersonsChanged, detail)
            .event(EventKind::PersonErased, json!({ "resource": person.resource, "person_id": person.id }));
        let loaded = crate::store::links::LoadedLink { link: school_app.link, version: school_app.version };
        writes.extend(prepare(gatehouse, &loaded, change, &session.display_name).await?.0);
    }
    Ok(writes)
}
