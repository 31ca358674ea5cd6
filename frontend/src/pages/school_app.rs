//! One app at the school (S3), `/school/apps/:app_id`: what it asks for beside what the school
//! granted, the GDPR mode and feed (each explained), people to include or exclude, revoking
//! (now or from a date), "classic" authorisation of a request, receipts and the log. A request
//! someone at the school made through an emailed link waits here for an admin to approve or
//! decline it (#12). Members see the page without its forms.

use std::collections::BTreeSet;

use gatehouse_model::{
    FeedStatus, GdprMode, MIS_CHOICES, PendingRequest, SchoolAppDetail, SchoolAppSettings, SchoolAppState,
    SchoolAuthoriseRequest, SchoolDeclineRequest, SchoolPeople, SchoolRevokeRequest, Scope, ScopeSet, SelectionChoice,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError, SchoolAppCommand};
use crate::app::set_title;
use crate::components::{ExplainForm, ProblemAlert, problem_for};
use crate::dates::local_time;
use crate::pages::school_home::{AdminOnlyNote, SchoolHeader, SchoolSession, feed_explained, gdpr_mode_explained};

#[component]
pub fn SchoolAppScreen() -> impl IntoView {
    set_title("App");
    let admin = SchoolSession::of_page().is_admin();
    let params = use_params_map();
    let app_id = move || params.read().get("app_id").unwrap_or_default();
    let detail = RwSignal::new(None::<Result<SchoolAppDetail, ApiError>>);
    Effect::new(move || {
        let id = app_id();
        leptos::task::spawn_local(async move { detail.set(Some(api::school_app(&id).await)) });
    });
    let message = RwSignal::new(None::<String>);
    let act = Action::new_local(move |command: &SchoolAppCommand| {
        let (id, command) = (app_id(), command.clone());
        async move { api::act_on_school_app(&id, command).await }
    });
    Effect::new(move || {
        if let Some(Ok(outcome)) = act.value().get() {
            message.set(Some(outcome.message.clone()));
            detail.set(Some(Ok(outcome.app)));
        }
    });
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    let pending = Signal::derive(move || act.pending().get());
    let run = Callback::new(move |command: SchoolAppCommand| {
        message.set(None);
        act.dispatch(command);
    });
    view! {
        <SchoolHeader />
        <main>
            <p><a href="/school">"← Data Sharing Dashboard"</a></p>
            {move || match detail.get() {
                None => view! { <p class="loading">"Loading the app…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <h1>"App"</h1><ProblemAlert error /> }.into_any(),
                Some(Ok(app)) => {
                    set_title(&app.row.app_name);
                    view! {
                        <AppPage app admin message error pending run />
                    }.into_any()
                }
            }}
        </main>
    }
}

#[component]
fn AppPage(
    app: SchoolAppDetail,
    /// Only an admin changes anything; a member sees the page without its forms.
    admin: Signal<bool>,
    message: RwSignal<Option<String>>,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let row = app.row.clone();
    let sharing = matches!(row.state, SchoolAppState::Active | SchoolAppState::RevokePending);
    // A request made by link is answered in its own panel, with what the person chose.
    let to_authorise = app.pending_request.is_none()
        && (row.state == SchoolAppState::AskingForAccess || !row.asking_for_more.is_empty());
    let unclaimed = move || {
        error.get().filter(|error| {
            !matches!(
                error.field(),
                Some("gdpr_mode" | "feed_status" | "revoke_on" | "note" | "approved_scopes" | "mis")
            )
        })
    };
    let mode = row.gdpr_mode.unwrap_or(GdprMode::IncludeAll);
    let feed = row.feed_status.unwrap_or(FeedStatus::Enabled);
    let (authorise_app, revoke_on) = (app.clone(), row.revoke_on.clone());
    view! {
        <h1>{row.app_name.clone()}</h1>
        <p class="lead">{format!("From {}. {}", row.partner_name, row.state.label())}</p>
        <p class="action-message" role="status" hidden=move || message.read().is_none()>{move || message.get()}</p>
        {move || unclaimed().map(|error| view! { <ProblemAlert error /> })}
        <AdminOnlyNote />
        {app.pending_request.clone().map(|request| view! {
            <PendingRequestPanel request admin error pending run />
        })}
        <ScopesTable requested=app.requested_scopes.clone() granted=row.granted_scopes.clone() />
        {move || (to_authorise && admin.get()).then(|| view! {
            <AuthoriseForm app=authorise_app.clone() error pending run />
        })}
        {sharing.then(|| view! {
            {move || if admin.get() {
                view! { <SettingsForm mode feed error pending run /> }.into_any()
            } else {
                view! { <SettingsSummary mode feed /> }.into_any()
            }}
            <PeoplePanel app_id=row.app_id.clone() admin />
            <ExplainForm asker=api::ExplainAsker::School { app_id: row.app_id.clone() } app_name=row.app_name.clone() id_prefix="school-app" />
            {move || admin.get().then(|| view! { <RevokeForm revoke_on=revoke_on.clone() error pending run /> })}
        })}
        <Receipts app=app.clone() />
        <Log app />
    }
}

/// An authorisation someone at the school asked for through an emailed link (#12): exactly what
/// they chose, and for an admin Approve (as asked) or Decline, with an optional note for the log.
#[component]
fn PendingRequestPanel(
    request: PendingRequest,
    admin: Signal<bool>,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let who = format!("{} ({})", request.requested_by, request.requested_role);
    let (heading, intro) = match request.waiting_for {
        SchoolAppState::AwaitingVerification => (
            "Waiting for verification",
            format!(
                "{who} authorised this app through the link emailed to them. Gatehouse operations are verifying \
                 that they may share your school's data; nothing is shared until then."
            ),
        ),
        _ => (
            "Request waiting for an admin's approval",
            format!(
                "{who} asked to share your school's data with this app through the link emailed to them. \
                 Nothing is shared for this request until an admin approves it."
            ),
        ),
    };
    let scopes = request.approved_scopes.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ");
    let facts = [
        ("Asked by", format!("{who}, {}", request.requested_email)),
        ("Asked at", local_time(&request.requested_at)),
        ("Data areas", if scopes.is_empty() { "None".to_owned() } else { scopes }),
        ("GDPR mode", request.gdpr_mode.label().to_owned()),
        ("Feed", request.feed_status.label().to_owned()),
        ("MIS", request.mis.clone()),
    ]
    .into_iter()
    .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
    .collect_view();
    let approval = SchoolAuthoriseRequest {
        approved_scopes: request.approved_scopes.clone(),
        gdpr_mode: request.gdpr_mode,
        feed_status: request.feed_status,
        mis: Some(request.mis.clone()).filter(|mis| !mis.trim().is_empty()),
    };
    let note = RwSignal::new(String::new());
    let decline = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let note = note.get_untracked();
        run.run(SchoolAppCommand::Decline(SchoolDeclineRequest {
            note: Some(note).filter(|note| !note.trim().is_empty()),
        }));
    };
    let decisions = move || {
        let approval = approval.clone();
        admin.get().then(|| {
            view! {
                <div class="form-row">
                    <div class="form-buttons">
                        <button type="button" disabled=move || pending.get()
                            on:click=move |_| run.run(SchoolAppCommand::Authorise(approval.clone()))>"Approve"</button>
                    </div>
                    <form on:submit=decline>
                        <div class="field">
                            <label for="decline-note">"Note for the log (optional)"</label>
                            <input id="decline-note" type="text" maxlength="500" prop:value=move || note.get()
                                on:input=move |event| note.set(event_target_value(&event))
                                aria-invalid=move || problem_for(error.get(), &["note"]).map(|_| "true") />
                            {field_problem(error, "note")}
                        </div>
                        <div class="form-buttons">
                            <button type="submit" class="secondary danger" disabled=move || pending.get()>"Decline"</button>
                        </div>
                    </form>
                </div>
                {field_problem(error, "approved_scopes")}
                {field_problem(error, "mis")}
            }
        })
    };
    view! {
        <section class="pending-request" aria-labelledby="request-heading">
            <h2 id="request-heading">{heading}</h2>
            <p>{intro}</p>
            <dl class="facts">{facts}</dl>
            {decisions}
        </section>
    }
}

/// A member's view of the sharing settings: what they are, without the form.
#[component]
fn SettingsSummary(mode: GdprMode, feed: FeedStatus) -> impl IntoView {
    view! {
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Sharing settings"</h2>
            <ul class="plain-list">
                <li>{gdpr_mode_explained(mode)}</li>
                <li>{feed_explained(feed)}</li>
            </ul>
        </section>
    }
}

#[component]
fn ScopesTable(requested: ScopeSet, granted: ScopeSet) -> impl IntoView {
    let all: BTreeSet<Scope> = requested.union(&granted).copied().collect();
    let rows = all
        .into_iter()
        .map(|scope| {
            let yes_no = |on: bool| if on { "Yes" } else { "No" };
            view! {
                <tr>
                    <th scope="row">{scope.label()}</th>
                    <td>{scope.description()}</td>
                    <td>{yes_no(requested.contains(&scope))}</td>
                    <td>{yes_no(granted.contains(&scope))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"Data areas"</h2>
        <div class="table-scroll" role="region" aria-labelledby="scopes-caption" tabindex="0">
            <table class="schools school-apps">
                <caption id="scopes-caption">"What the app asks for, beside what your school granted"</caption>
                <thead><tr>
                    <th scope="col" class="unsorted">"Data area"</th>
                    <th scope="col" class="unsorted">"What it means"</th>
                    <th scope="col" class="unsorted">"Asked for"</th>
                    <th scope="col" class="unsorted">"Granted"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn field_problem(error: Signal<Option<ApiError>>, field: &'static str) -> impl Fn() -> Option<AnyView> {
    move || problem_for(error.get(), &[field]).map(|error| view! { <ProblemAlert error /> }.into_any())
}

#[component]
fn ModeAndFeed(prefix: &'static str, mode: RwSignal<GdprMode>, feed: RwSignal<FeedStatus>) -> impl IntoView {
    let modes = GdprMode::ALL
        .into_iter()
        .map(|choice| {
            let id = format!("{prefix}-mode-{}", if choice == GdprMode::IncludeAll { "include" } else { "exclude" });
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name=format!("{prefix}-mode") checked=move || mode.get() == choice
                        on:change=move |_| mode.set(choice) />
                    <label for=id>{gdpr_mode_explained(choice)}</label>
                </div>
            }
        })
        .collect_view();
    let feeds = FeedStatus::ALL
        .into_iter()
        .map(|choice| {
            let id = format!("{prefix}-feed-{}", choice.label().to_lowercase());
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name=format!("{prefix}-feed") checked=move || feed.get() == choice
                        on:change=move |_| feed.set(choice) />
                    <label for=id>{feed_explained(choice)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset><legend>"GDPR mode: who is shared by default"</legend>{modes}</fieldset>
        <fieldset><legend>"Feed"</legend>{feeds}</fieldset>
    }
}

#[component]
fn SettingsForm(
    mode: GdprMode,
    feed: FeedStatus,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let (mode, feed) = (RwSignal::new(mode), RwSignal::new(feed));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        run.run(SchoolAppCommand::Settings(SchoolAppSettings {
            gdpr_mode: Some(mode.get_untracked()),
            feed_status: Some(feed.get_untracked()),
        }));
    };
    view! {
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Sharing settings"</h2>
            <form on:submit=submit>
                <ModeAndFeed prefix="settings" mode feed />
                {field_problem(error, "gdpr_mode")}
                <button type="submit" disabled=move || pending.get()>"Save settings"</button>
            </form>
        </section>
    }
}

#[component]
fn AuthoriseForm(
    app: SchoolAppDetail,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let row = app.row.clone();
    let first = row.state == SchoolAppState::AskingForAccess;
    let new: ScopeSet = app.requested_scopes.difference(&row.granted_scopes).copied().collect();
    let approved = RwSignal::new(new.clone());
    let mode = RwSignal::new(row.gdpr_mode.unwrap_or(GdprMode::ExcludeAll));
    let feed = RwSignal::new(row.feed_status.unwrap_or(FeedStatus::Enabled));
    let mis = RwSignal::new(row.mis.clone().unwrap_or_default());
    let boxes = new
        .iter()
        .copied()
        .map(|scope| {
            let id = format!("approve-{}", scope.label().to_lowercase().replace(' ', "-"));
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() checked=move || approved.read().contains(&scope)
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            approved.update(|set| { if on { set.insert(scope); } else { set.remove(&scope); } });
                        } />
                    <label for=id><strong>{scope.label()}</strong>": "{scope.description()}</label>
                </div>
            }
        })
        .collect_view();
    let options = MIS_CHOICES
        .iter()
        .map(|choice| view! { <option value=*choice selected=move || mis.get() == *choice>{*choice}</option> })
        .collect_view();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mis = mis.get_untracked();
        run.run(SchoolAppCommand::Authorise(SchoolAuthoriseRequest {
            approved_scopes: approved.get_untracked(),
            gdpr_mode: mode.get_untracked(),
            feed_status: feed.get_untracked(),
            mis: (!mis.is_empty()).then_some(mis),
        }));
    };
    let heading = if first { "Authorise this request" } else { "The app asks for more" };
    let intro = if first {
        "Choose the data areas to share, how people are shared and whether the feed starts now."
    } else {
        "Approve all, some or none of the new data areas. What you granted before stays shared meanwhile."
    };
    view! {
        <section aria-labelledby="authorise-heading">
            <h2 id="authorise-heading">{heading}</h2>
            <p>{intro}</p>
            <form on:submit=submit>
                <fieldset><legend>"Data areas to approve"</legend>{boxes}</fieldset>
                {field_problem(error, "approved_scopes")}
                <label for="authorise-mis">"Your school's MIS"</label>
                <select id="authorise-mis" on:change=move |event| mis.set(event_target_value(&event))>
                    <option value="" selected=move || mis.get().is_empty()>"Choose…"</option>
                    {options}
                </select>
                {field_problem(error, "mis")}
                <ModeAndFeed prefix="authorise" mode feed />
                <button type="submit" disabled=move || pending.get()>"Authorise Sharing"</button>
            </form>
        </section>
    }
}

#[component]
fn RevokeForm(
    revoke_on: Option<String>,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let today = crate::dates::today();
    let date = RwSignal::new(today.clone());
    let note = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let note = note.get_untracked();
        run.run(SchoolAppCommand::Revoke(SchoolRevokeRequest {
            revoke_on: date.get_untracked(),
            note: (!note.trim().is_empty()).then_some(note),
        }));
    };
    view! {
        <section aria-labelledby="revoke-heading">
            <h2 id="revoke-heading">"Revoke access for this app"</h2>
            {revoke_on.map(|on| view! {
                <p>{format!("Access ends on {on}. ")}
                    <button type="button" class="secondary" disabled=move || pending.get()
                        on:click=move |_| run.run(SchoolAppCommand::CancelRevocation)>"Cancel the revocation"</button>
                </p>
            })}
            <p>"Today ends access now; a later date keeps access until then. The app must ask again to share after it."</p>
            <form on:submit=submit>
                <label for="revoke-on">"Access ends on"</label>
                <input id="revoke-on" type="date" min=today prop:value=move || date.get()
                    on:input=move |event| date.set(event_target_value(&event))
                    aria-invalid=move || problem_for(error.get(), &["revoke_on"]).map(|_| "true") />
                {field_problem(error, "revoke_on")}
                <label for="revoke-note">"Why (optional)"</label>
                <input id="revoke-note" type="text" maxlength="500" prop:value=move || note.get()
                    on:input=move |event| note.set(event_target_value(&event)) />
                {field_problem(error, "note")}
                <button type="submit" class="danger" disabled=move || pending.get()>"Revoke access"</button>
            </form>
        </section>
    }
}

#[component]
fn PeoplePanel(app_id: String, admin: Signal<bool>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let people = RwSignal::new(None::<Result<SchoolPeople, ApiError>>);
    let search = {
        let app_id = app_id.clone();
        move || {
            let (app_id, q) = (app_id.clone(), query.get_untracked());
            leptos::task::spawn_local(async move { people.set(Some(api::school_people(&app_id, q).await)) });
        }
    };
    search();
    let choose = Callback::new({
        let app_id = app_id.clone();
        move |(mis_id, choice): (String, SelectionChoice)| {
            let app_id = app_id.clone();
            leptos::task::spawn_local(async move {
                people.set(Some(api::set_person_choice(&app_id, mis_id, choice).await));
            });
        }
    });
    let submit = {
        let search = search.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            search();
        }
    };
    view! {
        <section aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <p>"Include someone to share them even under Exclude All; exclude someone to never share them."</p>
            <form on:submit=submit class="search">
                <label for="people-search">"Search by name or MIS id"</label>
                <input id="people-search" type="search" prop:value=move || query.get()
                    on:input=move |event| query.set(event_target_value(&event)) />
                <button type="submit">"Search"</button>
            </form>
            {move || match people.get() {
                None => view! { <p class="loading">"Loading people…"</p> }.into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(found)) if found.matches.is_empty() => view! {
                    <p class="empty-note">"No people found. People appear here once your MIS agent has sent data."</p>
                }.into_any(),
                Some(Ok(found)) => {
                    let rows = found.matches.into_iter().map(|person| {
                        if !admin.get() {
                            let choice = match person.choice {
                                SelectionChoice::Include => "Included",
                                SelectionChoice::Exclude => "Excluded",
                                SelectionChoice::Default => "The GDPR mode decides",
                            };
                            return view! {
                                <tr>
                                    <th scope="row">{person.name.clone()}</th>
                                    <td>{person.detail.clone()}</td>
                                    <td>{choice}</td>
                                </tr>
                            }.into_any();
                        }
                        let buttons = [SelectionChoice::Include, SelectionChoice::Exclude, SelectionChoice::Default]
                            .into_iter()
                            .map(|choice| {
                                let label = match choice {
                                    SelectionChoice::Include => "Include",
                                    SelectionChoice::Exclude => "Exclude",
                                    SelectionChoice::Default => "Use the GDPR mode",
                                };
                                let (id, name) = (person.mis_id.clone(), person.name.clone());
                                view! {
                                    <button type="button" class="secondary" aria-pressed=(person.choice == choice).to_string()
                                        on:click=move |_| choose.run((id.clone(), choice))>
                                        {label}<span class="visually-hidden">{format!(" {name}")}</span>
                                    </button>
                                }
                            })
                            .collect_view();
                        view! {
                            <tr>
                                <th scope="row">{person.name.clone()}</th>
                                <td>{person.detail.clone()}</td>
                                <td>{buttons}</td>
                            </tr>
                        }.into_any()
                    }).collect_view();
                    view! {
                        <table class="schools school-apps">
                            <caption class="visually-hidden">"People found"</caption>
                            <thead><tr>
                                <th scope="col" class="unsorted">"Name"</th>
                                <th scope="col" class="unsorted">"Details"</th>
                                <th scope="col" class="unsorted">"Choice"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Receipts(app: SchoolAppDetail) -> impl IntoView {
    if app.receipts.is_empty() {
        return view! { <h2>"Receipts"</h2><p class="empty-note">"No receipts yet."</p> }.into_any();
    }
    let app_id = app.row.app_id.clone();
    let items = app
        .receipts
        .into_iter()
        .map(|receipt| {
            let href = api::school_receipt_url(&app_id, receipt.seq);
            view! {
                <li>
                    {format!("{} – {} ", local_time(&receipt.at), receipt.event.label())}
                    <a href=href download="">"Download receipt"<span class="visually-hidden">{format!(" {}", receipt.seq)}</span></a>
                </li>
            }
        })
        .collect_view();
    view! { <h2>"Receipts"</h2><ul class="receipts">{items}</ul> }.into_any()
}

#[component]
fn Log(app: SchoolAppDetail) -> impl IntoView {
    let rows = app
        .log
        .into_iter()
        .map(|entry| {
            view! {
                <tr>
                    <td>{local_time(&entry.at)}</td>
                    <td>{entry.event.label()}</td>
                    <td>{entry.actor}</td>
                    <td>{entry.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"Authorisation Log"</h2>
        {(!app.log_intact).then(|| view! { <p class="problem" role="alert">"This log does not verify; contact support."</p> })}
        <div class="table-scroll" role="region" aria-labelledby="log-caption" tabindex="0">
            <table class="schools school-apps">
                <caption id="log-caption" class="visually-hidden">"Authorisation Log, newest first"</caption>
                <thead><tr>
                    <th scope="col" class="unsorted">"When"</th>
                    <th scope="col" class="unsorted">"What"</th>
                    <th scope="col" class="unsorted">"Who"</th>
                    <th scope="col" class="unsorted">"Details"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
