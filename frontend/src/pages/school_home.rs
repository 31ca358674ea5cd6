//! The school portal's Data Sharing Dashboard (S3), `/school`: every app, of any partner, that
//! reads the school's data or asks to, with what it may read, the GDPR mode, the feed, install
//! status and who authorised it. Each row opens the app's page. Above them, the MIS feed: a held
//! extract first (G1), then when the MIS last sent data and when each app last read it; when no
//! app has access, when the MIS data will be (or was) deleted (#16).

use gatehouse_model::{
    FeedStatus, GdprMode, NoBody, NoQuery, PushStatus, SchoolAppRow, SchoolAppState, SchoolDashboard, SchoolFeed,
    endpoint,
};
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{AdminOnlyNote, ProblemAlert, RecordTable, SchoolFrame, SchoolSession};
use crate::dates::{local_time, long_date};

/// Where the feed panel sends the school to review a held extract.
const HELD_EXTRACT_PAGE: &str = "/school/held-extract";

fn people(count: u32) -> String {
    if count == 1 { "1 person".to_owned() } else { format!("{count} people") }
}

/// The dashboard's view of the MIS feed: a held extract first, then freshness.
#[component]
fn DataFeedPanel() -> impl IntoView {
    let feed = LocalResource::new(|| api::call::<endpoint::GetSchoolFeed>(&[], &NoQuery, &NoBody));
    view! {
        {move || match feed.get() {
            None => ().into_any(),
            Some(Err(error)) if error.requires_sign_in() => ().into_any(),
            Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
            Some(Ok(feed)) => feed_view(feed).into_any(),
        }}
    }
}

fn feed_view(feed: SchoolFeed) -> impl IntoView {
    // #16: when (or that) the MIS data is deleted because no app has access.
    let retention = feed.retention;
    let purge = (retention.purge_on.is_some() || retention.purged_at.is_some()).then(|| {
        view! {
            <div class="notice warning-notice" role="status" data-testid="mis-purge">
                <p>{retention.message}</p>
            </div>
        }
    });
    let held = feed.held_extract.map(|held| {
        view! {
            <div class="notice warning-notice" role="alert">
                <p>
                    {format!(
                        "An extract from your MIS would delete {} and is held, not applied. ",
                        people(held.would_delete)
                    )}
                    <a href=HELD_EXTRACT_PAGE>"Review"<span class="visually-hidden">" the held extract"</span></a>
                </p>
            </div>
        }
    });
    let extract = match (&feed.last_extract_at, feed.cache_stale) {
        (None, _) => "Your MIS has not sent any data yet.".to_owned(),
        (Some(at), true) => format!("Your MIS last sent data {}: more than 7 days ago.", local_time(at)),
        (Some(at), false) => format!("Your MIS last sent data {}.", local_time(at)),
    };
    let status = match feed.last_status {
        Some(PushStatus::Warning) => " Status: Warning.",
        Some(PushStatus::Error) => " Status: Error (the last push was not applied).",
        _ => "",
    };
    let pulls = feed
        .apps
        .into_iter()
        .map(|app| {
            let when = app.last_pull_on.as_deref().map_or_else(|| "not this month or last".to_owned(), long_date);
            view! { <li>{format!("{}: last read {when}", app.app_name)}</li> }
        })
        .collect_view();
    view! {
        {purge}
        {held}
        <section class="feed-freshness" aria-labelledby="feed-heading">
            <h2 id="feed-heading">"Your MIS data"</h2>
            <p>{format!("{extract}{status} {} held.", people(feed.persons))}</p>
            <ul class="plain-list">{pulls}</ul>
        </section>
    }
}

fn row_view(row: SchoolAppRow) -> impl IntoView {
    let href = format!("/school/apps/{}", row.app_id);
    let scopes = if row.granted_scopes.is_empty() {
        "None yet".to_owned()
    } else {
        row.granted_scopes.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ")
    };
    let more = (!row.asking_for_more.is_empty()).then(|| {
        let labels = row.asking_for_more.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ");
        view! { <div class="hint">{format!("Also asking for: {labels}")}</div> }
    });
    let state = match row.state {
        SchoolAppState::RevokePending => {
            format!("{} ({})", row.state.label(), row.revoke_on.clone().unwrap_or_default())
        }
        state => state.label().to_owned(),
    };
    let authorised = match (&row.authorised_on, &row.authorised_by) {
        (Some(on), Some(by)) => format!("{on}, {by}"),
        (Some(on), None) => on.clone(),
        _ => "–".to_owned(),
    };
    // #16: until the app confirms it erased the school's data.
    let erasure = row.erasure_unconfirmed_days.map(|days| {
        view! { <div class="hint erasure-pending">{gatehouse_model::erasure_status(Some(days))}</div> }
    });
    let app_name = row.app_name.clone();
    view! {
        <tr data-app=row.app_id.clone()>
            <th scope="row">
                <a href=href>{app_name}</a>
                <div class="hint">{row.partner_name.clone()}</div>
            </th>
            <td>{state}{erasure}</td>
            <td>{scopes}{more}</td>
            <td>{row.gdpr_mode.map_or("–", GdprMode::label)}</td>
            <td>{row.feed_status.map_or("–", FeedStatus::label)}</td>
            <td>{row.install_status.label()}</td>
            <td>{authorised}</td>
        </tr>
    }
}

fn dashboard_view(dashboard: SchoolDashboard) -> impl IntoView {
    if dashboard.apps.is_empty() {
        return view! { <p class="empty-note">"No app reads your school's data or asks to yet."</p> }.into_any();
    }
    let count = |state: SchoolAppState| dashboard.apps.iter().filter(|row| row.state == state).count();
    let (asking, approving, verifying) = (
        count(SchoolAppState::AskingForAccess),
        count(SchoolAppState::AwaitingApproval),
        count(SchoolAppState::AwaitingVerification),
    );
    let rows = dashboard.apps.into_iter().map(row_view).collect_view();
    view! {
        {(asking > 0).then(|| view! {
            <p class="notice" role="status">
                {format!("{asking} app(s) ask for access. Open one to review what it asks for and authorise it.")}
            </p>
        })}
        {(approving > 0).then(|| view! {
            <p class="notice" role="status">
                {format!(
                    "{approving} request(s) to share, made by someone at your school through an emailed link, wait \
                     for an admin's approval. Nothing is shared for them until an admin approves."
                )}
            </p>
        })}
        {(verifying > 0).then(|| view! {
            <p class="notice" role="status">
                {format!(
                    "{verifying} app(s) wait while Gatehouse operations verify the authority of the person who \
                     authorised them. Nothing is shared for them yet."
                )}
            </p>
        })}
        <RecordTable
            caption_id="apps-caption"
            caption="Apps and their access to your school's data"
            caption_shown=true
            class="school-apps"
            columns=&["App", "Access", "Data areas shared", "GDPR mode", "Feed", "Install status", "Authorised"]
        >
            {rows}
        </RecordTable>
    }
    .into_any()
}

#[component]
pub fn SchoolHome() -> impl IntoView {
    set_title("Data Sharing Dashboard");
    SchoolSession::of_page();
    let dashboard = LocalResource::new(|| api::call::<endpoint::ListSchoolApps>(&[], &NoQuery, &NoBody));
    view! {
        <SchoolFrame>
            <h1>"Data Sharing Dashboard"</h1>
            <p class="lead">
                "Every app that reads your school's data, or asks to. Open an app to change its GDPR mode, "
                "pause its feed, include or exclude people, revoke its access or authorise a request."
            </p>
            <AdminOnlyNote />
            <DataFeedPanel />
            {move || match dashboard.get() {
                None => view! { <p class="loading">"Loading your apps…"</p> }.into_any(),
                Some(Ok(dashboard)) => dashboard_view(dashboard).into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
            }}
            <p><a href="/school/onboarding">"Install the MIS agent or book an install slot"</a></p>
        </SchoolFrame>
    }
}
