//! P8, the school tile: a panel beside a school list with one school's details, contacts, the
//! scopes its app requests against what the school granted, and the Authorisation Log, newest
//! first. The actions that apply to the school (P6) run from here too (`school_actions`); each
//! answers with the tile afterwards, which replaces the one shown.

use gatehouse_model::{
    ActionOutcome, LogEntry, NoBody, SchoolDetail, SchoolRow, SchoolView, Scope, ScopeSet, endpoint,
};
use leptos::html::Aside;
use leptos::prelude::*;

use crate::api::{self, ApiError, SchoolCommand};
use crate::app::school_list_page;
use crate::components::school_actions::SchoolActions;
use crate::components::schools_table::status_class;
use crate::components::{ActionMessage, ActionStatus, EmailBounceNote, ExplainForm, Loading, focused_on_load};
use crate::dates::{local_time, long_date};

/// `school_id` in `app` (the partner's first app when `None`), opened over the list of
/// `list_view`. `on_close` asks the screen to close the tile; `on_changed` says an action
/// changed the school, so the list behind should be fetched again.
#[component]
pub fn SchoolTile(
    school_id: String,
    app: Option<String>,
    list_view: SchoolView,
    on_close: Callback<()>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let detail = LocalResource::new({
        let (school_id, app) = (school_id.clone(), app.clone());
        move || {
            let (school_id, app) = (school_id.clone(), app.clone());
            async move {
                api::call::<endpoint::GetPartnerSchool>(
                    &[("school_id", &school_id)],
                    &api::app_query(app.as_deref()),
                    &NoBody,
                )
                .await
            }
        }
    });
    // Owned here rather than by the forms, which are rebuilt with the tile an action returns.
    let run = Action::new_local({
        let (school_id, app) = (school_id.clone(), app.clone());
        move |command: &SchoolCommand| {
            let (school_id, app, command) = (school_id.clone(), app.clone(), command.clone());
            async move { api::act_on_school(&school_id, app.as_deref(), command).await }
        }
    });
    let message = ActionMessage::new();
    Effect::new(move || {
        if let Some(Ok(outcome)) = run.value().get() {
            let ActionOutcome { message: said, school, .. } = outcome;
            message.announce(said);
            detail.set(Some(Ok(school)));
            on_changed.run(());
            // The form that had the focus is gone; the sentence saying what happened takes it,
            // once it is shown (a hidden element cannot take the focus).
        }
    });

    // Escape closes the tile wherever the focus is, even when a rebuilt part of the tile took
    // it away. A form inside the tile handles its own Escape first and stops it here.
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" && !event.default_prevented() {
            event.prevent_default();
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());

    let panel = focused_on_load::<Aside>();
    let name = move || {
        detail.get().and_then(Result::ok).map(|school| school.row.name).unwrap_or_else(|| format!("School {school_id}"))
    };
    let body =
        move || Suspend::new(async move { detail.await.map(|school| view! { <TileBody school list_view run /> }) });
    view! {
        <aside
            class="tile"
            role="dialog"
            aria-labelledby="tile-heading"
            tabindex="-1"
            node_ref=panel
        >
            <div class="tile-bar">
                <h2 id="tile-heading">{name}</h2>
                <button type="button" class="secondary" on:click=move |_| on_close.run(())>
                    "Close"
                    <span class="visually-hidden">" school details"</span>
                </button>
            </div>
            <ActionStatus message />
            <Loading text="Loading the school…">{body}</Loading>
        </aside>
    }
}

/// Everything below the tile's heading, for one answer from the API.
#[component]
fn TileBody(
    school: SchoolDetail,
    list_view: SchoolView,
    run: Action<SchoolCommand, Result<ActionOutcome, ApiError>>,
) -> impl IntoView {
    let elsewhere = where_it_is_now(school.view, list_view);
    let badges = summary_badges(&school);
    let scopes = scope_rows(&school.requested_scopes, &school.granted_scopes, school.view);
    let facts = facts(&school.row, school.last_pull_on.as_deref());
    let log_changed =
        (!school.log_intact).then(|| view! { <LogChangedWarning school_id=school.row.school_id.clone() /> });
    view! {
        <div class="tile-badges">{badges}</div>
        {log_changed}
        {elsewhere}
        <SchoolActions school=school.clone() run />
        <section class="tile-section" aria-labelledby="tile-details">
            <h3 id="tile-details">"Details"</h3>
            <dl class="facts">{facts}</dl>
        </section>
        <Contacts school=school.clone() />
        <Scopes app_name=school.app_name.clone() rows=scopes />
        <ExplainForm
            asker=api::ExplainAsker::Partner { school_id: school.row.school_id.clone(), app_id: Some(school.app_id.clone()) }
            app_name=school.app_name.clone() id_prefix="tile" nested=true />
        <AuthorisationLog entries=school.log intact=school.log_intact school_id=school.row.school_id.clone() app_id=school.app_id.clone() />
    }
}

/// When an action moved the school out of the list behind the tile, where to find it.
fn where_it_is_now(view: Option<SchoolView>, list_view: SchoolView) -> Option<AnyView> {
    match view {
        Some(view) if view == list_view => None,
        Some(view) => {
            let (path, title) = school_list_page(view);
            Some(
                view! {
                    <p class="tile-note">
                        "This school is now in " <a href=path>{title}</a> "."
                    </p>
                }
                .into_any(),
            )
        }
        None => Some(
            view! {
                <p class="tile-note">"The invitation was cancelled: this school is no longer in any list."</p>
            }
            .into_any(),
        ),
    }
}

/// Which list the school is in, its status, and what needs attention, as badges with words.
fn summary_badges(school: &SchoolDetail) -> impl IntoView + use<> {
    let row = &school.row;
    let list = match school.view {
        Some(view) => school_list_page(view).1,
        None => "In no list",
    };
    view! {
        <span class="badge view-badge">{list}</span>
        <span class=status_class(row.status)>{row.status.label()}</span>
        {row.priority.then(|| view! { <span class="badge priority-badge">"★ Priority"</span> })}
        {row.revoke_pending.clone().map(|date| view! {
            <span class="badge revoke-pending-badge">
                {format!("Revoke Pending: access ends {}", long_date(&date))}
            </span>
        })}
        {row.reauthorisation_needed.then(|| view! {
            <span class="badge reauthorisation-needed">"Re-authorisation needed"</span>
        })}
    }
}

/// The details list: label and value, a dash where the value is missing. `last_pull` is the
/// app's last data API read at the school, next to the cache age: how fresh the app's copy is.
fn facts(row: &SchoolRow, last_pull: Option<&str>) -> impl IntoView + use<> {
    let text = |value: &Option<String>| value.clone().unwrap_or_else(|| "–".to_owned());
    let mut facts: Vec<(&'static str, String)> = vec![
        ("School ID", row.school_id.clone()),
        ("URN", text(&row.urn)),
        ("Local authority", text(&row.local_authority)),
        ("Postcode", text(&row.postcode)),
        ("MIS", row.mis.clone().unwrap_or_else(|| gatehouse_model::MIS_NOT_DETECTED.to_owned())),
        ("Status", row.status.label().to_owned()),
        ("Install status", row.install_status.label()),
        ("Cache age", cache_age(row.cache_age_days)),
        ("Active Cases", row.active_cases.to_string()),
    ];
    if row.authorised_on.is_some() && row.revoked_on.is_none() {
        let pulled = last_pull.map_or_else(|| "Not in the last two months".to_owned(), long_date);
        facts.push(("Last pull by the app", pulled));
    }
    let dated = [
        ("Authorised on", &row.authorised_on),
        ("Date invited", &row.date_invited),
        ("Revoke pending", &row.revoke_pending),
        ("Revoked on", &row.revoked_on),
    ];
    facts.extend(dated.into_iter().filter_map(|(label, date)| Some((label, long_date(date.as_deref()?)))));
    facts.extend(row.revoked_by.clone().map(|who| ("Revoked by", who)));
    // #16: whether the app confirmed that it erased the school's data.
    if row.revoked_on.is_some() {
        facts.push(("Erasure", gatehouse_model::erasure_status(row.erasure_unconfirmed_days)));
    }
    facts.extend(row.gdpr_mode.map(|mode| ("GDPR mode", mode.label().to_owned())));
    facts.extend(row.feed_status.map(|feed| ("Feed status", feed.label().to_owned())));
    let new_case = format!("/cases/new?school={}", row.school_id);
    facts
        .into_iter()
        .map(move |(label, value)| {
            // P9: the school's cases are on the Active Cases tab; a new one can name the school.
            let links = (label == "Active Cases").then(|| {
                view! {
                    " "
                    <a href="/cases">"View cases"</a>
                    " · "
                    <a href=new_case.clone()>"New Case"<span class="visually-hidden">" about this school"</span></a>
                }
            });
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}{links}</dd>
                </div>
            }
        })
        .collect_view()
}

fn cache_age(days: Option<u32>) -> String {
    match days {
        None => "No extract yet".to_owned(),
        Some(1) => "1 day".to_owned(),
        Some(days) => format!("{days} days"),
    }
}

/// Who to talk to: the person at the school, and who at the partner invited it.
#[component]
fn Contacts(school: SchoolDetail) -> impl IntoView {
    let email = |address: Option<String>| {
        address.map(|address| view! { <a href=format!("mailto:{address}")>{address.clone()}</a> })
    };
    let school_contact = [school.school_contact_name.clone(), school.school_contact_role.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let nobody = school.school_contact_name.is_none() && school.row.school_contact.is_none();
    view! {
        <section class="tile-section" aria-labelledby="tile-contacts">
            <h3 id="tile-contacts">"Contacts"</h3>
            <dl class="facts wide">
                <div>
                    <dt>"School contact"</dt>
                    <dd>
                        {(!school_contact.is_empty())
                            .then(|| view! { <span class="contact-name">{school_contact}</span> })}
                        {email(school.row.school_contact.clone())}
                        {nobody.then_some("–")}
                        {school
                            .school_contact_bounce
                            .clone()
                            .map(|bounce| view! { <EmailBounceNote bounce explain=true /> })}
                    </dd>
                </div>
                <div>
                    <dt>"Partner contact"</dt>
                    <dd>
                        {email(school.row.partner_contact.clone())}
                        {school.row.partner_contact.is_none().then_some("–")}
                    </dd>
                </div>
            </dl>
        </section>
    }
}

/// One scope as the tile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ScopeRow {
    scope: Scope,
    requested: bool,
    granted: Grant,
}

/// What the school has done about one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    Granted,
    /// Requested, but the school has not authorised anything yet.
    AwaitingAuthorisation,
    /// The app added it after the school authorised: the app reads without it until the
    /// school authorises again.
    AwaitingReauthorisation,
    /// Neither requested nor granted: not listed.
    NotGranted,
}

impl Grant {
    fn text(self) -> &'static str {
        match self {
            Grant::Granted => "Granted",
            Grant::AwaitingAuthorisation => "Awaiting authorisation",
            Grant::AwaitingReauthorisation => "Awaiting re-authorisation",
            Grant::NotGranted => "Not granted",
        }
    }
}

/// The scopes requested or granted, in `Scope::ALL` order, each with what the school did.
fn scope_rows(requested: &ScopeSet, granted: &ScopeSet, view: Option<SchoolView>) -> Vec<ScopeRow> {
    let never_authorised = granted.is_empty() && view != Some(SchoolView::Active);
    Scope::ALL
        .into_iter()
        .filter(|scope| requested.contains(scope) || granted.contains(scope))
        .map(|scope| {
            let granted = match (granted.contains(&scope), requested.contains(&scope)) {
                (true, _) => Grant::Granted,
                (false, true) if never_authorised => Grant::AwaitingAuthorisation,
                (false, true) => Grant::AwaitingReauthorisation,
                (false, false) => Grant::NotGranted,
            };
            ScopeRow { scope, requested: requested.contains(&scope), granted }
        })
        .collect()
}

/// Requested against granted, side by side, each scope with what sharing it means.
#[component]
fn Scopes(app_name: String, rows: Vec<ScopeRow>) -> impl IntoView {
    let awaiting = rows.iter().filter(|row| row.granted == Grant::AwaitingReauthorisation).count();
    let summary = match awaiting {
        0 => format!("What {app_name} asks to read, and what the school granted."),
        1 => format!("What {app_name} asks to read, and what the school granted. 1 scope awaits re-authorisation."),
        n => format!("What {app_name} asks to read, and what the school granted. {n} scopes await re-authorisation."),
    };
    let body = rows
        .into_iter()
        .map(|row| {
            let grant_class = match row.granted {
                Grant::Granted => "grant granted",
                Grant::AwaitingReauthorisation => "grant awaiting",
                Grant::AwaitingAuthorisation | Grant::NotGranted => "grant",
            };
            view! {
                <tr>
                    <th scope="row">
                        <span class="scope-label">{row.scope.label()}</span>
                        <span class="scope-description">{row.scope.description()}</span>
                    </th>
                    <td>{if row.requested { "Requested" } else { "No longer requested" }}</td>
                    <td class=grant_class>{row.granted.text()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="tile-section" aria-labelledby="tile-scopes">
            <h3 id="tile-scopes">"Scopes"</h3>
            <p class="hint">{summary}</p>
            <table class="scopes">
                <thead>
                    <tr>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Requested"</th>
                        <th scope="col">"Granted"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

/// At the top of the tile, where it cannot be missed: the log's hash chain does not check out,
/// so an entry was changed, removed or inserted after it was written.
#[component]
fn LogChangedWarning(school_id: String) -> impl IntoView {
    view! {
        <div class="integrity-warning">
            <p class="integrity-title">
                <span aria-hidden="true">"⚠ "</span>
                "Authorisation Log not verified"
            </p>
            <p>{format!("{LOG_CHANGED}; contact support and quote school ID {school_id}.")}</p>
        </div>
    }
}

const LOG_CHANGED: &str = "This log was changed after it was written";

/// The line under the log's heading saying whether its hash chain checks out. An empty log
/// that checks out has nothing to vouch for, so it says nothing.
fn integrity_note(intact: bool, empty: bool) -> Option<AnyView> {
    match (intact, empty) {
        (true, true) => None,
        (true, false) => Some(
            view! {
                <p class="log-integrity verified">
                    <span aria-hidden="true">"✓ "</span>
                    "Log verified: unchanged since written"
                </p>
            }
            .into_any(),
        ),
        (false, _) => Some(
            view! {
                <p class="log-integrity changed">
                    <span aria-hidden="true">"⚠ "</span>
                    {format!("Not verified: {}. The entries below may not be what happened.", LOG_CHANGED.to_ascii_lowercase())}
                </p>
            }
            .into_any(),
        ),
    }
}

/// Whether a log entry has a receipt to download (grants, scope, mode and feed changes, revokes).
fn has_receipt(event: gatehouse_model::LogEvent) -> bool {
    use gatehouse_model::LogEvent::*;
    matches!(
        event,
        Authorised
            | ScopesChanged
            | GdprModeChanged
            | FeedPaused
            | FeedEnabled
            | RevokeScheduled
            | RevokeCancelled
            | Revoked
    )
}

/// The Authorisation Log, newest first as the API sends it, and whether it checks out.
#[component]
fn AuthorisationLog(entries: Vec<LogEntry>, intact: bool, school_id: String, app_id: String) -> impl IntoView {
    let empty = entries.is_empty();
    let integrity = integrity_note(intact, empty);
    let items = entries
        .into_iter()
        .map(|entry| {
            view! {
                <li>
                    <div class="log-head">
                        <span class="log-event">{entry.event.label()}</span>
                        <time datetime=entry.at.clone()>{local_time(&entry.at)}</time>
                    </div>
                    <p class="log-actor">"By " {entry.actor}</p>
                    <p class="log-detail">{entry.detail}</p>
                    {has_receipt(entry.event).then(|| view! {
                        <a class="log-receipt" href=crate::api::partner_receipt_url(&school_id, &app_id, entry.seq) download="">
                            "Download receipt"<span class="visually-hidden">{format!(" {}", entry.seq)}</span>
                        </a>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="tile-section" aria-labelledby="tile-log">
            <h3 id="tile-log">"Authorisation Log"</h3>
            {integrity}
            {empty.then(|| view! { <p class="hint">"Nothing has happened to this school yet."</p> })}
            <ol class="log">{items}</ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_added_after_authorising_awaits_re_authorisation() {
        let rows = scope_rows(
            &ScopeSet::from([Scope::Students, Scope::Staff, Scope::Traveller]),
            &ScopeSet::from([Scope::Students, Scope::Staff, Scope::Groups]),
            Some(SchoolView::Active),
        );
        let shown: Vec<_> = rows.iter().map(|row| (row.scope, row.requested, row.granted)).collect();
        assert_eq!(
            shown,
            [
                (Scope::Students, true, Grant::Granted),
                (Scope::Staff, true, Grant::Granted),
                (Scope::Groups, false, Grant::Granted),
                (Scope::Traveller, true, Grant::AwaitingReauthorisation),
            ]
        );
    }

    #[test]
    fn a_pending_school_awaits_its_first_authorisation() {
        let rows = scope_rows(&ScopeSet::from([Scope::Students]), &ScopeSet::new(), Some(SchoolView::Pending));
        assert_eq!(rows[0].granted, Grant::AwaitingAuthorisation);
        assert_eq!(Grant::AwaitingReauthorisation.text(), "Awaiting re-authorisation");
    }

    #[test]
    fn cache_age_counts_days_in_words() {
        assert_eq!([cache_age(None), cache_age(Some(1)), cache_age(Some(4))], ["No extract yet", "1 day", "4 days"]);
    }
}
