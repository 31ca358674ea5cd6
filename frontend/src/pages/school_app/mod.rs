//! One app at the school (S3), `/school/apps/:app_id`: what it asks for beside what the school
//! granted, the GDPR mode and feed (each explained), people to include or exclude, revoking
//! (now or from a date), "classic" authorisation of a request, receipts and the log. A request
//! someone at the school made through an emailed link waits here for an admin to approve or
//! decline it (#12). Members see the page without its forms.

mod forms;
mod people;

use std::collections::BTreeSet;

use gatehouse_model::{
    FeedStatus, GdprMode, PendingRequest, SchoolAppDetail, SchoolAppState, SchoolAuthoriseRequest,
    SchoolDeclineRequest, Scope, ScopeSet, endpoint,
};
use leptos::prelude::*;

use crate::api::{self, ApiError, SchoolAppCommand};
use crate::app::set_title;
use crate::components::{
    AdminOnlyNote, ExplainForm, ProblemAlert, RecordTable, SchoolFrame, SchoolSession, fact_entries, problem_for,
};
use crate::dates::local_time;
use forms::{AuthoriseForm, RevokeForm, SettingsForm, SettingsSummary};
use people::PeoplePanel;

#[component]
pub fn SchoolAppScreen() -> impl IntoView {
    set_title("App");
    let admin = SchoolSession::of_page().is_admin();
    let (app_id, detail) = api::load_named::<endpoint::GetSchoolApp>("app_id");
    let message = RwSignal::new(None::<String>);
    let act = Action::new_local(move |command: &SchoolAppCommand| {
        let (id, command) = (app_id.get_untracked(), command.clone());
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
        <SchoolFrame>
            <p><a href="/school">"← Data Sharing Dashboard"</a></p>
            {move || match detail.get() {
                None => view! { <p class="loading">"Loading the app…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <h1>"App"</h1><ProblemAlert error /> }.into_any(),
                Some(Ok(app)) => {
                    set_title(&app.row.app_name);
                    view! {
                        <AppDetails app admin message error pending run />
                    }.into_any()
                }
            }}
        </SchoolFrame>
    }
}

/// The app once loaded: everything below the back link.
#[component]
fn AppDetails(
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
        // #16: until the app confirms it erased the school's data.
        {row.erasure_unconfirmed_days.map(|days| view! {
            <p class="erasure-pending">
                <strong>{gatehouse_model::erasure_status(Some(days))}</strong>
                ". Access ended; the app has not yet confirmed that it erased your school's data. \
                 Its partner is reminded after 7 and 14 days."
            </p>
        })}
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
    let facts = fact_entries([
        ("Asked by", format!("{who}, {}", request.requested_email)),
        ("Asked at", local_time(&request.requested_at)),
        ("Data areas", if scopes.is_empty() { "None".to_owned() } else { scopes }),
        ("GDPR mode", request.gdpr_mode.label().to_owned()),
        ("Feed", request.feed_status.label().to_owned()),
        ("MIS", request.mis.clone()),
    ]);
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
        <RecordTable
            caption_id="scopes-caption"
            caption="What the app asks for, beside what your school granted"
            caption_shown=true
            class="school-apps"
            columns=&["Data area", "What it means", "Asked for", "Granted"]
        >
            {rows}
        </RecordTable>
    }
}

/// A problem the school app's API found with `field`, shown at its input.
fn field_problem(error: Signal<Option<ApiError>>, field: &'static str) -> impl Fn() -> Option<AnyView> {
    move || problem_for(error.get(), &[field]).map(|error| view! { <ProblemAlert error /> }.into_any())
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
        <RecordTable
            caption_id="log-caption"
            caption="Authorisation Log, newest first"
            class="school-apps"
            columns=&["When", "What", "Who", "Details"]
        >
            {rows}
        </RecordTable>
    }
}
