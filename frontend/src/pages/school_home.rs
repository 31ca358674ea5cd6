//! The school portal's Data Sharing Dashboard (S3), `/school`: every app, of any partner, that
//! reads the school's data or asks to, with what it may read, the GDPR mode, the feed, install
//! status and who authorised it. Each row opens the app's page.

use gatehouse_model::{AccountKind, FeedStatus, GdprMode, SchoolAppRow, SchoolAppState, SchoolDashboard};
use leptos::prelude::*;

use crate::api;
use crate::app::{SCHOOL_SECTIONS, set_title, sign_in_when_as};
use crate::components::{PortalHeader, ProblemAlert};
use crate::pages::DataFeedPanel;

/// The header every school page shows, fed from `/api/school/me`.
#[component]
pub fn SchoolHeader() -> impl IntoView {
    let me = LocalResource::new(api::school_me);
    let loaded = Signal::derive(move || me.get());
    sign_in_when_as(AccountKind::School, move || {
        loaded.get().and_then(Result::err).is_some_and(|error| error.requires_sign_in())
    });
    let signed_in = move || loaded.get().and_then(Result::ok);
    view! {
        <PortalHeader
            kind=AccountKind::School
            sections=SCHOOL_SECTIONS
            organisation=Signal::derive(move || signed_in().map(|me| me.school_name))
            user=Signal::derive(move || signed_in().map(|me| me.display_name))
        />
    }
}

/// What a GDPR mode means, in plain words.
pub fn gdpr_mode_explained(mode: GdprMode) -> &'static str {
    match mode {
        GdprMode::IncludeAll => {
            "Include All: everyone in the data areas you share is shared, except people you exclude one by one."
        }
        GdprMode::ExcludeAll => {
            "Exclude All: nobody is shared until you include them one by one. Choose this to share only selected people."
        }
    }
}

/// What the feed setting means, in plain words.
pub fn feed_explained(feed: FeedStatus) -> &'static str {
    match feed {
        FeedStatus::Enabled => "Enabled: the app can read the data you shared.",
        FeedStatus::Paused => "Paused: the app reads nothing until you enable the feed again; your choices are kept.",
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
    let app_name = row.app_name.clone();
    view! {
        <tr data-app=row.app_id.clone()>
            <th scope="row">
                <a href=href>{app_name}</a>
                <div class="hint">{row.partner_name.clone()}</div>
            </th>
            <td>{state}</td>
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
    let asking = dashboard.apps.iter().filter(|row| row.state == SchoolAppState::AskingForAccess).count();
    let rows = dashboard.apps.into_iter().map(row_view).collect_view();
    view! {
        {(asking > 0).then(|| view! {
            <p class="notice" role="status">
                {format!("{asking} app(s) ask for access. Open one to review what it asks for and authorise it.")}
            </p>
        })}
        <div class="table-scroll" role="region" aria-labelledby="apps-caption" tabindex="0">
            <table class="schools school-apps">
                <caption id="apps-caption">"Apps and their access to your school's data"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="unsorted">"App"</th>
                        <th scope="col" class="unsorted">"Access"</th>
                        <th scope="col" class="unsorted">"Data areas shared"</th>
                        <th scope="col" class="unsorted">"GDPR mode"</th>
                        <th scope="col" class="unsorted">"Feed"</th>
                        <th scope="col" class="unsorted">"Install status"</th>
                        <th scope="col" class="unsorted">"Authorised"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn SchoolHome() -> impl IntoView {
    set_title("Data Sharing Dashboard");
    let dashboard = LocalResource::new(api::school_dashboard);
    view! {
        <SchoolHeader />
        <main>
            <h1>"Data Sharing Dashboard"</h1>
            <p class="lead">
                "Every app that reads your school's data, or asks to. Open an app to change its GDPR mode, "
                "pause its feed, include or exclude people, revoke its access or authorise a request."
            </p>
            <DataFeedPanel />
            {move || match dashboard.get() {
                None => view! { <p class="loading">"Loading your apps…"</p> }.into_any(),
                Some(Ok(dashboard)) => dashboard_view(dashboard).into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
            }}
            <p><a href="/school/onboarding">"Install the MIS agent or book an install slot"</a></p>
        </main>
    }
}
