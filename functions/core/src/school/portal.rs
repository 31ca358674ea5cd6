//! S3, the school portal: the Data Sharing Dashboard and what a signed-in
//! school user can do to one app's access at their school.
//!
//! The dashboard lists every app of any partner in one Query: `links::commit`
//! writes a copy of each link's dashboard row under the school
//! (`SCHOOL#<school>` / `APP#<app>`) in the link's own transaction, so the
//! copy never disagrees with the link.
//!
//! A school user sees only their school: every action loads the link of the
//! named app *at the session's school*; another school's app is "not found".
//! Every change goes through `links::commit` with its Authorisation Log
//! entries (so the partner's tile shows it), states the result it wants (a
//! repeat changes and logs nothing), publishes its domain event and emails a
//! receipt built from the log entry.

use chrono::NaiveDate;
use gatehouse_model::{
    AddSchoolColleague, FeedStatus, GdprMode, LogEvent, MIS_CHOICES, PendingRequest, RemoveSchoolColleague,
    SchoolAppDetail, SchoolAppOutcome, SchoolAppRow, SchoolAppSettings, SchoolAppState, SchoolAuthoriseRequest,
    SchoolColleague, SchoolDashboard, SchoolDeclineRequest, SchoolPeople, SchoolPeopleQuery, SchoolPerson,
    SchoolRevokeRequest, SchoolTeam, SchoolView, ScopeKind, ScopeSet, SelectionChoice, TeamRole,
};
use serde_json::json;

use crate::base::calendar::uk_date;
use crate::base::keys::{APP_PREFIX, Key};
use crate::base::ports::Email;
use crate::base::ports::{Index, Query, query_all};
use crate::store::dashboard::{SchoolAppEntry, entry_of};
use crate::store::domain_events::EventKind;
use crate::store::emails::email_templates;
use crate::store::links::{Change, Effect, LoadedLink, commit, load_for_school};
use crate::store::records::{AppRecord, SchoolLinkRecord, SchoolSessionRecord, SchoolUserRecord, Waiting, from_item};
use crate::store::transitions::{self, Actor, Revocation};
use crate::{
    AppId, EmailAddress, Error, Gatehouse, MisId, Result,
    account::accounts,
    data::people::{self, PersonChoice},
    store::authorisation_log,
    store::outbox,
    store::receipts,
};

/// A dashboard row as it holds on `today`: past its revocation date an app
/// reads as revoked before the daily job records it (#12).
fn row_of(entry: SchoolAppEntry, today: NaiveDate) -> SchoolAppRow {
    let date = |on: Option<NaiveDate>| on.map(|on| on.to_string());
    let ended = entry.revoke_on.is_some_and(|on| on <= today)
        && matches!(entry.state, SchoolAppState::Active | SchoolAppState::RevokePending);
    let (state, revoked_on) =
        if ended { (SchoolAppState::Revoked, entry.revoke_on) } else { (entry.state, entry.revoked_on) };
    SchoolAppRow {
        app_id: entry.app_id.to_string(),
        app_name: entry.app_name,
        partner_name: entry.partner_name,
        state,
        granted_scopes: if ended { ScopeSet::new() } else { entry.granted_scopes },
        asking_for_more: entry.asking_for_more,
        gdpr_mode: entry.gdpr_mode,
        feed_status: entry.feed_status,
        install_status: entry.install_status,
        mis: entry.mis,
        authorised_on: date(entry.authorised_on),
        authorised_by: entry.authorised_by,
        revoke_on: date(entry.revoke_on),
        revoked_on: date(revoked_on),
        invited_on: date(entry.invited_on),
        // #16: counted from when access ended, as the row says it.
        erasure_unconfirmed_days: if ended { revoked_on } else { entry.erasure_owed_since }
            .map(|since| crate::store::erasures::days_between(since, today)),
    }
}

fn state_order(state: SchoolAppState) -> u8 {
    match state {
        SchoolAppState::AskingForAccess | SchoolAppState::AwaitingApproval | SchoolAppState::AwaitingVerification => 0,
        SchoolAppState::Active | SchoolAppState::RevokePending => 1,
        SchoolAppState::Revoked => 2,
    }
}

/// `GET /api/school/apps`: one Query over the school's dashboard copies.
pub async fn dashboard(gatehouse: &Gatehouse, session: &SchoolSessionRecord) -> Result<SchoolDashboard> {
    // The school's partition: its feed, agent key and dashboard copies (`APP#…`).
    let today = uk_date(gatehouse.clock.now());
    let query = Query::partition(Index::Primary, Key::SchoolFeed(&session.school_id).pk()).with_prefix(APP_PREFIX);
    let mut apps: Vec<SchoolAppRow> = query_all(gatehouse.table.as_ref(), query)
        .await?
        .iter()
        .map(from_item::<SchoolAppEntry>)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|entry| !entry.hidden)
        .map(|entry| row_of(entry, today))
        .collect();
    apps.sort_by(|a, b| {
        (state_order(a.state), a.app_name.to_lowercase()).cmp(&(state_order(b.state), b.app_name.to_lowercase()))
    });
    Ok(SchoolDashboard {
        school_id: session.school_id.to_string(),
        school_name: session.school_name.clone(),
        urn: session.urn.clone(),
        apps,
    })
}

/// The app's page: requested vs granted, settings, log and receipts.
pub async fn detail_of(gatehouse: &Gatehouse, app: &AppRecord, link: &SchoolLinkRecord) -> Result<SchoolAppDetail> {
    let log = authorisation_log::read(gatehouse.table.as_ref(), &link.app_id, &link.school_id).await?;
    let log_intact = authorisation_log::verify(&log, link.log_head.as_deref()).is_ok();
    let mut entry = entry_of(link);
    entry.app_name = app.name.clone();
    let receipts = receipts::refs(&log);
    let today = uk_date(gatehouse.clock.now());
    Ok(SchoolAppDetail {
        row: row_of(entry, today),
        requested_scopes: app.requested_scopes.clone(),
        log: authorisation_log::to_wire(log),
        log_intact,
        receipts,
        pending_request: link.pending_grant.as_ref().map(|grant| PendingRequest {
            requested_by: grant.name.clone(),
            requested_role: grant.role.clone(),
            requested_email: grant.email.as_str().to_owned(),
            requested_at: grant.requested_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            approved_scopes: grant.scopes.clone(),
            gdpr_mode: grant.gdpr_mode,
            feed_status: grant.feed_status,
            mis: grant.mis.clone(),
            waiting_for: match grant.waiting_for {
                Waiting::SchoolApproval => SchoolAppState::AwaitingApproval,
                Waiting::Verification => SchoolAppState::AwaitingVerification,
            },
        }),
    })
}

/// `GET /api/school/apps/{app_id}`.
pub async fn detail(gatehouse: &Gatehouse, session: &SchoolSessionRecord, app: &AppId) -> Result<SchoolAppDetail> {
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    detail_of(gatehouse, &app, &loaded.link).await
}

/// Who acts, as the log and receipts name them.
fn approver(session: &SchoolSessionRecord) -> String {
    format!("{} ({})", session.display_name, session.role)
}

/// "Now: …" — the whole grant after a change, so every receipt stands alone.
fn state_words(link: &SchoolLinkRecord) -> String {
    let scopes: Vec<&str> = link.granted_scopes.iter().map(|scope| scope.label()).collect();
    let scopes = if scopes.is_empty() { "none".to_owned() } else { scopes.join(", ") };
    let mode = link.gdpr_mode.map_or("not set", GdprMode::label);
    let feed = link.feed_status.map_or("not set", FeedStatus::label);
    format!("Data areas: {scopes}; GDPR mode {mode}; feed {feed}")
}

async fn outcome(
    gatehouse: &Gatehouse,
    app: &AppRecord,
    link: &SchoolLinkRecord,
    effect: Effect,
    message: String,
) -> Result<SchoolAppOutcome> {
    Ok(SchoolAppOutcome { changed: effect == Effect::Changed, message, app: detail_of(gatehouse, app, link).await? })
}

fn must_be_sharing(link: &SchoolLinkRecord, what: &str) -> Result<()> {
    if link.view != SchoolView::Active {
        return Err(Error::invalid(
            "app_id",
            format!("{what} is only possible for an app the school shares data with"),
        ));
    }
    Ok(())
}

/// Commits `change` with a receipt for each new receipt-bearing entry (and
/// its events) in the outbox, then sends them.
async fn commit_with_receipts(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    loaded: &LoadedLink,
    change: Change,
) -> Result<LoadedLink> {
    let change = change.with_receipts(Some(&session.email));
    let saved = commit(gatehouse, loaded, change, &session.display_name).await?;
    outbox::deliver(gatehouse).await?;
    Ok(saved)
}

/// `POST /api/school/apps/{app_id}/settings`: the wanted GDPR mode and feed.
pub async fn update_settings(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    request: &SchoolAppSettings,
) -> Result<SchoolAppOutcome> {
    require_admin(session)?;
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    if request.gdpr_mode.is_none() && request.feed_status.is_none() {
        return Err(Error::invalid("gdpr_mode", "choose a GDPR mode or a feed state"));
    }
    must_be_sharing(link, "Changing the settings")?;
    let mut next = link.clone();
    let mut log = Vec::new();
    let by = approver(session);
    if let Some(mode) = request.gdpr_mode.filter(|mode| link.gdpr_mode != Some(*mode)) {
        next.gdpr_mode = Some(mode);
        next.grant_changed_at = Some(gatehouse.clock.now());
        let from = link.gdpr_mode.map_or("not set", GdprMode::label);
        log.push((LogEvent::GdprModeChanged, format!("GDPR mode changed from {from} to {} by {by}", mode.label())));
    }
    if let Some(feed) = request.feed_status.filter(|feed| link.feed_status != Some(*feed)) {
        next.feed_status = Some(feed);
        let event = if feed == FeedStatus::Paused { LogEvent::FeedPaused } else { LogEvent::FeedEnabled };
        let what = if feed == FeedStatus::Paused { "Feed paused" } else { "Feed enabled" };
        log.push((event, format!("{what} by {by}")));
    }
    if log.is_empty() {
        let message = format!("{} already has these settings; nothing changed.", app.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    }
    let now_words = state_words(&next);
    let mut events = Vec::new();
    if next.gdpr_mode != link.gdpr_mode {
        events.push((EventKind::GdprModeChanged, json!({ "gdpr_mode": next.gdpr_mode })));
    }
    if next.feed_status != link.feed_status {
        let kind =
            if next.feed_status == Some(FeedStatus::Paused) { EventKind::FeedPaused } else { EventKind::FeedEnabled };
        events.push((kind, json!({})));
    }
    let mut change = Change::new(next);
    for (event, detail) in log {
        change = change.log(event, format!("{detail}. Now: {now_words}"));
    }
    for (kind, facts) in events {
        change = change.event(kind, facts);
    }
    let saved = commit_with_receipts(gatehouse, session, &loaded, change).await?;
    let (app_id, school_id) = (&saved.link.app_id, &saved.link.school_id);
    tracing::info!(%school_id, %app_id, "school changed app settings");
    let message = format!("Saved. {} now: {}.", app.name, state_words(&saved.link));
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// `POST /api/school/apps/{app_id}/revoke`: today ends access now; a later
/// date schedules it (Revoke Pending). The partner's revoke rules, with the
/// school as the actor. `on` is `request.revoke_on`, parsed at the edge.
pub async fn revoke(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    request: &SchoolRevokeRequest,
    on: NaiveDate,
) -> Result<SchoolAppOutcome> {
    require_admin(session)?;
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    let today = uk_date(gatehouse.clock.now());
    let on = transitions::revoke_date(on, today)?;
    let note = request.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    if note.is_some_and(|note| note.chars().count() > 500) {
        return Err(Error::invalid("note", "keep the note under 500 characters"));
    }
    if link.view == SchoolView::Revoked {
        let message = format!("{} has no access to revoke.", app.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    }
    must_be_sharing(link, "Revoking access")?;
    let approver = approver(session);
    let actor = Actor::School { name: &session.display_name, approver: &approver };
    let (change, message) = match transitions::revoke(link, on, today, &actor, note) {
        Revocation::Now(change) => {
            (change, format!("{} can no longer read your data; it must ask again to share.", app.name))
        }
        Revocation::Scheduled(change) => {
            (change, format!("Access for {} ends on {on}; until then it shows as Revoke pending.", app.name))
        }
        Revocation::AlreadyScheduled => {
            let message = format!("Access for {} already ends on {on}.", app.name);
            return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
        }
    };
    let saved = commit_with_receipts(gatehouse, session, &loaded, change).await?;
    tracing::info!(school_id = %saved.link.school_id, app_id = %saved.link.app_id, revoke_on = %on, "school revoked access");
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// `POST /api/school/apps/{app_id}/cancel-revocation`.
pub async fn cancel_revocation(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
) -> Result<SchoolAppOutcome> {
    require_admin(session)?;
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    let approver = approver(session);
    let actor = Actor::School { name: &session.display_name, approver: &approver };
    let Some((on, change)) = transitions::cancel_revocation(link, &actor) else {
        let message = format!("{} has no revocation pending.", app.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    };
    let saved = commit_with_receipts(gatehouse, session, &loaded, change).await?;
    let message = format!("{} keeps its access; the revocation from {on} is cancelled.", app.name);
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// `POST /api/school/apps/{app_id}/authorise`: "classic" authorisation from
/// the portal, by the signed-in user, with the S2 rules: approve only what
/// the app asks for; a first grant needs at least one data area; for an app
/// asking for more, approve all, some or none of the new scopes while the
/// existing grant stays live. Repeating the same answer changes nothing.
pub async fn authorise(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    request: &SchoolAuthoriseRequest,
) -> Result<SchoolAppOutcome> {
    require_admin(session)?;
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    let requested = &app.requested_scopes;
    if !request.approved_scopes.is_subset(requested) {
        return Err(Error::invalid("approved_scopes", "approve only scopes the app asks for"));
    }
    let mis = match request.mis.as_deref().map(str::trim).filter(|mis| !mis.is_empty()) {
        Some(raw) => Some(
            MIS_CHOICES
                .iter()
                .find(|choice| choice.eq_ignore_ascii_case(raw))
                .map(|choice| (*choice).to_owned())
                .ok_or_else(|| Error::invalid("mis", format!("choose one of: {}", MIS_CHOICES.join(", "))))?,
        ),
        None => link.mis.clone(),
    };
    let already_active = link.view == SchoolView::Active;
    if link.view == SchoolView::Revoked {
        return Err(Error::invalid(
            "app_id",
            "access to this app was revoked; the app must invite the school again before it can be authorised",
        ));
    }
    let granted: ScopeSet = link
        .granted_scopes
        .union(&request.approved_scopes)
        .filter(|scope| requested.contains(scope))
        .copied()
        .collect();
    if !already_active && !granted.iter().any(|scope| scope.kind() == ScopeKind::Resource) {
        return Err(Error::invalid(
            "approved_scopes",
            "approve at least one data area (students, staff, contacts or groups)",
        ));
    }
    if mis.is_none() {
        return Err(Error::invalid("mis", format!("choose your MIS: {}", MIS_CHOICES.join(", "))));
    }
    let labels = |scopes: &ScopeSet| scopes.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ");
    let by = approver(session);
    let now = gatehouse.clock.now();
    let mut next = link.clone();
    next.view = SchoolView::Active;
    next.mis = mis;
    next.gdpr_mode = Some(request.gdpr_mode);
    next.feed_status = Some(request.feed_status);
    next.granted_scopes = granted.clone();
    if link.gdpr_mode != next.gdpr_mode || link.granted_scopes != next.granted_scopes {
        next.grant_changed_at = Some(now);
    }
    next.priority = false;
    // An admin's answer settles a request someone asked for by link.
    let settled = next.pending_grant.take();
    if already_active && link.reauthorisation_requested_for.is_some() {
        next.reauthorisation_answered_for = link.reauthorisation_requested_for.clone();
    }
    if already_active && next == *link {
        let message = format!("{} already has exactly this; nothing changed.", app.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    }
    let settings = format!("GDPR mode {}, feed {}", request.gdpr_mode.label(), request.feed_status.label());
    let mut change = if already_active {
        let new: ScopeSet = requested.difference(&link.granted_scopes).copied().collect();
        let approved: ScopeSet = new.intersection(&request.approved_scopes).copied().collect();
        let declined: ScopeSet = new.difference(&approved).copied().collect();
        let mut detail =
            format!("{by} approved: {}", if approved.is_empty() { "none".to_owned() } else { labels(&approved) });
        if !declined.is_empty() {
            detail.push_str(&format!("; not approved: {}", labels(&declined)));
        }
        detail.push_str(&format!("; {settings}. Now: {}", state_words(&next)));
        if let Some(grant) = &settled {
            detail.push_str(&format!(". This answers the request of {} ({})", grant.name, grant.role));
        }
        Change::new(next).log(LogEvent::ScopesChanged, detail)
    } else {
        next.authorised_on = Some(uk_date(now));
        next.authorised_by = Some(by.clone());
        next.revoked_on = None;
        next.revoked_by = None;
        let mut detail = format!("Authorised by {by} in the school portal: {}; {settings}", labels(&granted));
        if let Some(grant) = &settled {
            detail.push_str(&format!(", approving the request of {} ({})", grant.name, grant.role));
        }
        Change::new(next).log(LogEvent::Authorised, detail)
    };
    change.link.app_name = Some(app.name.clone());
    if let Some(write) = transitions::dequeue_verification(link) {
        change = change.also(write);
    }
    let facts = json!({ "scopes": granted, "gdpr_mode": request.gdpr_mode, "feed_status": request.feed_status });
    let change = change.event(EventKind::AuthorisationGranted, facts);
    let saved = commit_with_receipts(gatehouse, session, &loaded, change).await?;
    let (app_id, school_id) = (&saved.link.app_id, &saved.link.school_id);
    tracing::info!(%school_id, %app_id, reauthorised = already_active, "authorised in the school portal");
    let message = if already_active {
        format!("Saved. {} now reads: {}.", app.name, labels(&saved.link.granted_scopes))
    } else {
        format!("{} is authorised to read: {}.", app.name, labels(&saved.link.granted_scopes))
    };
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// `POST /api/school/apps/{app_id}/decline`: an admin declines a request
/// someone asked for by link. Nothing is shared for it; an earlier grant
/// stands. Declining when nothing waits changes nothing.
pub async fn decline(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    request: &SchoolDeclineRequest,
) -> Result<SchoolAppOutcome> {
    require_admin(session)?;
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    let note = request.note.as_deref().map(str::trim).filter(|note| !note.is_empty());
    if note.is_some_and(|note| note.chars().count() > 500) {
        return Err(Error::invalid("note", "keep the note under 500 characters"));
    }
    let Some(grant) = link.pending_grant.clone() else {
        let message = format!("{} has no request waiting; nothing changed.", app.name);
        return outcome(gatehouse, &app, link, Effect::Unchanged, message).await;
    };
    let mut next = link.clone();
    next.pending_grant = None;
    let reason = note.map(|note| format!(" Reason: {}.", note.trim_end_matches('.'))).unwrap_or_default();
    let detail = format!(
        "{} declined the request of {} ({}).{reason} Now: {}",
        approver(session),
        grant.name,
        grant.role,
        if next.view == SchoolView::Active { state_words(&next) } else { "no data is shared".to_owned() }
    );
    let mut change = Change::new(next).log(LogEvent::RequestDeclined, detail);
    if let Some(write) = transitions::dequeue_verification(link) {
        change = change.also(write);
    }
    let saved = commit(gatehouse, &loaded, change, &session.display_name).await?;
    tracing::info!(school_id = %saved.link.school_id, app_id = %saved.link.app_id, "school declined a request");
    let message = format!("Declined: {} reads nothing more than before.", app.name);
    outcome(gatehouse, &app, &saved.link, Effect::Changed, message).await
}

/// How many people a search returns at most.
pub const PEOPLE_SEARCH_LIMIT: usize = 50;

/// `GET /api/school/apps/{app_id}/people?q=`.
pub async fn people(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    asked: &SchoolPeopleQuery,
) -> Result<SchoolPeople> {
    let (loaded, _) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    let query = asked.q.as_deref().unwrap_or("").trim();
    if query.chars().count() > 100 {
        return Err(Error::invalid("q", "search with up to 100 characters"));
    }
    let selected = people::selections(gatehouse, &link.app_id, &link.school_id).await?;
    let found = people::search(gatehouse, &link.school_id, query, PEOPLE_SEARCH_LIMIT).await?;
    let matches = found
        .into_iter()
        .map(|person| {
            let choice = selected
                .iter()
                .find(|chosen| chosen.mis_id == person.mis_id && chosen.resource == person.resource)
                .map_or(SelectionChoice::Default, |chosen| chosen.choice);
            SchoolPerson {
                mis_id: person.mis_id,
                resource: person.resource,
                name: person.name,
                detail: person.detail,
                choice,
            }
        })
        .collect();
    Ok(SchoolPeople { gdpr_mode: link.gdpr_mode, matches, selected })
}

/// `POST /api/school/apps/{app_id}/people`: include, exclude or reset one
/// person. The log records that a selection changed, never who: the
/// partner's tile must not learn the name of someone the school held back.
pub async fn set_person_choice(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    mis_id: &MisId,
    choice: SelectionChoice,
) -> Result<SchoolPeople> {
    require_admin(session)?;
    let (loaded, _) = load_for_school(gatehouse, session, app).await?;
    let link = &loaded.link;
    if link.view == SchoolView::Revoked {
        return Err(Error::invalid("app_id", "access to this app was revoked; there is nobody to include or exclude"));
    }
    let person = people::find_person(gatehouse, &link.school_id, mis_id).await?.ok_or(Error::NotFound("person"))?;
    let before = people::selections(gatehouse, &link.app_id, &link.school_id)
        .await?
        .into_iter()
        .find(|chosen| chosen.mis_id == person.id && chosen.resource == person.resource)
        .map_or(SelectionChoice::Default, |chosen| chosen.choice);
    if before != choice {
        let what = match choice {
            SelectionChoice::Include => "now always shared",
            SelectionChoice::Exclude => "now never shared",
            SelectionChoice::Default => "back to the GDPR mode's default",
        };
        let detail = format!("One {} record {what}, by {}", person.resource.as_str(), approver(session));
        // The selection and its log entry are one transaction (issue 18): a
        // retry never finds the choice made and its entry missing. Two
        // changes racing for the link or the selection number: the loser
        // reads again.
        let mut loaded = loaded;
        for attempt in 0..5 {
            let (app_id, school_id) = (&loaded.link.app_id, &loaded.link.school_id);
            let asked = PersonChoice { app_id, school_id, mis_id, choice, by: &session.display_name };
            let Some(selection) = people::selection_writes(gatehouse, &asked).await? else {
                break;
            };
            let mut change = Change::new(loaded.link.clone())
                .log(LogEvent::PersonsChanged, detail.clone())
                .keeping_tokens()
                .event(EventKind::PersonsChanged, json!({ "selection_seq": selection.seq }));
            for write in selection.writes {
                change = change.also(write);
            }
            match commit(gatehouse, &loaded, change, &session.display_name).await {
                Ok(_) => {
                    outbox::deliver(gatehouse).await?;
                    break;
                }
                Err(Error::Conflict(_)) if attempt < 4 => {
                    loaded = load_for_school(gatehouse, session, app).await?.0;
                }
                Err(error) => return Err(error),
            }
        }
    }
    people(gatehouse, session, app, &SchoolPeopleQuery { q: Some(mis_id.as_str().to_owned()) }).await
}

email_templates!(SchoolWelcomeMail, "school_welcome.txt", "school_welcome.html" {
    display_name: &'a str,
    school_name: &'a str,
    added_by: &'a str,
    sign_in_url: &'a str,
});

/// A colleague was given a school portal account; to them.
pub(crate) fn school_welcome(
    to: EmailAddress,
    display_name: &str,
    school_name: &str,
    added_by: &str,
    sign_in_url: &str,
) -> Result<Email> {
    let subject = format!("You can now manage {school_name}'s data sharing on Gatehouse");
    SchoolWelcomeMail { display_name, school_name, added_by, sign_in_url }.email(to, subject, "welcome email")
}

fn colleague(user: SchoolUserRecord) -> SchoolColleague {
    SchoolColleague {
        email: user.email.clone(),
        display_name: user.display_name,
        role: user.role,
        access: user.access,
        added_at: user.added_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        added_by: user.added_by,
    }
}

/// `GET /api/school/team`: the school's portal users, by email.
pub async fn team(gatehouse: &Gatehouse, session: &SchoolSessionRecord) -> Result<SchoolTeam> {
    let members = accounts::school_team(gatehouse, &session.school_id).await?;
    let changes = accounts::team_changes(gatehouse, &session.school_id).await?;
    Ok(SchoolTeam { members: members.into_iter().map(colleague).collect(), changes })
}

fn short_text(field: &'static str, value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(Error::invalid(field, format!("give {what} (up to 100 characters)")));
    }
    Ok(value.to_owned())
}

/// Admins only: the school portal's changes are an admin's to make (#12).
pub fn require_admin(session: &SchoolSessionRecord) -> Result<()> {
    match session.access {
        TeamRole::Admin => Ok(()),
        TeamRole::Member => Err(Error::Forbidden("only an admin of your school can do this; ask one of them")),
    }
}

/// `POST /api/school/team`: gives a colleague an account at the signed-in
/// user's school and emails them the sign-in page. Adding someone already
/// in the team with the same access changes and sends nothing; with another
/// access it changes theirs, ends their sessions and logs it. The school's
/// last admin stays an admin. An address with an account at another school
/// is a conflict.
pub async fn add_colleague(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    request: &AddSchoolColleague,
) -> Result<SchoolTeam> {
    require_admin(session)?;
    let name = short_text("name", &request.name, "their name")?;
    let role = short_text("role", &request.role, "their role at the school")?;
    let email = request.email.clone();
    let members = accounts::school_team(gatehouse, &session.school_id).await?;
    if let Some(current) = members.iter().find(|member| member.email == email) {
        if current.access == request.access {
            return self::team(gatehouse, session).await;
        }
        let admins_after = members
            .iter()
            .filter(|member| {
                if member.email == email { request.access == TeamRole::Admin } else { member.access == TeamRole::Admin }
            })
            .count();
        if admins_after == 0 {
            return Err(Error::invalid(
                "access",
                "the school needs at least one admin; make someone else an admin first",
            ));
        }
        let updated = SchoolUserRecord { access: request.access, ..current.clone() };
        let change = match request.access {
            TeamRole::Admin => "made an admin",
            TeamRole::Member => "made a member",
        };
        // The access, its log entry and the end of the sessions that carry
        // the old access are one transaction (issue 18).
        let mut writes = accounts::school_user_writes(gatehouse, &updated).await?.writes;
        let (school, by) = (&session.school_id, &session.display_name);
        writes.push(accounts::team_change(gatehouse, school, by, &current.display_name, change)?);
        writes.extend(
            crate::account::sessions::session_ends(gatehouse, gatehouse_model::AccountKind::School, &email).await?,
        );
        gatehouse.table.transact(writes).await?;
        crate::account::sessions::end_sessions(gatehouse, gatehouse_model::AccountKind::School, &email).await?;
        tracing::info!(school_id = %session.school_id, access = ?request.access, "school colleague's access changed");
        return self::team(gatehouse, session).await;
    }
    let user = SchoolUserRecord {
        email: email.clone(),
        display_name: name.clone(),
        role,
        school_id: session.school_id.clone(),
        urn: session.urn.clone(),
        school_name: session.school_name.clone(),
        added_at: gatehouse.clock.now(),
        added_by: Some(session.display_name.clone()),
        access: request.access,
    };
    let change = match request.access {
        TeamRole::Admin => "added as an admin",
        TeamRole::Member => "added as a member",
    };
    // The account, its log entry and the welcome (in the outbox) are one
    // transaction (issue 18): a retry finds all of it or none.
    let now = gatehouse.clock.now();
    let sign_in_url = format!("{}/school/signin", gatehouse.settings.public_url);
    let welcome = school_welcome(email, &name, &session.school_name, &session.display_name, &sign_in_url)?;
    let mut writes = accounts::school_user_writes(gatehouse, &user).await?.writes;
    writes.push(accounts::team_change(gatehouse, &session.school_id, &session.display_name, &name, change)?);
    writes.push(outbox::email(welcome, now)?);
    match gatehouse.table.transact(writes).await {
        Ok(()) => outbox::deliver(gatehouse).await.map(|_| ())?,
        // Added meanwhile here (nothing to do), or at another school (a conflict).
        Err(crate::base::ports::StoreError::ConditionFailed { .. }) => {
            accounts::ensure_school_user(gatehouse, &user).await?;
        }
        Err(error) => return Err(error.into()),
    }
    self::team(gatehouse, session).await
}

/// `POST /api/school/team/remove`: ends a colleague's access now. Someone
/// not in this school's team is not touched; nobody can remove themselves
/// (so a school never locks itself out by accident).
pub async fn remove_colleague(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    request: &RemoveSchoolColleague,
) -> Result<SchoolTeam> {
    require_admin(session)?;
    let email = request.email.clone();
    if email == session.email {
        return Err(Error::invalid("email", "you cannot remove yourself; ask a colleague"));
    }
    let members = accounts::school_team(gatehouse, &session.school_id).await?;
    if let Some(removed) = members.iter().find(|member| member.email == email) {
        let (school, by) = (&session.school_id, &session.display_name);
        let entry = accounts::team_change(gatehouse, school, by, &removed.display_name, "removed")?;
        accounts::remove_school_user_with(gatehouse, school, &email, vec![entry]).await?;
    }
    team(gatehouse, session).await
}
