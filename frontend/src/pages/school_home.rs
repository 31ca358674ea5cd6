//! The school portal's Data Sharing Dashboard (S3), `/school`: every app, of any partner, that
//! reads the school's data or asks to, with what it may read, the GDPR mode, the feed, install
//! status and who authorised it. Each row opens the app's page.

use gatehouse_model::{
    AccountKind, FeedStatus, GdprMode, SchoolAppRow, SchoolAppState, SchoolDashboard, SchoolMe, SchoolTeam, TeamRole,
};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{SCHOOL_SECTIONS, set_title, sign_in_when_as};
use crate::components::{PortalHeader, ProblemAlert};
use crate::pages::DataFeedPanel;

/// The signed-in school user, asked for once per page (`/api/school/me`) and shared by the
/// banner and the parts of the page only an admin may use (#12).
#[derive(Clone, Copy)]
pub struct SchoolSession(LocalResource<Result<SchoolMe, ApiError>>);

impl SchoolSession {
    /// The page's session: the one a part of the page already asked for, or a new request.
    pub fn of_page() -> SchoolSession {
        use_context::<SchoolSession>().unwrap_or_else(|| {
            let session = SchoolSession(LocalResource::new(api::school_me));
            provide_context(session);
            session
        })
    }

    /// What the user may do, once known: admins change things, members only look.
    pub fn access(self) -> Signal<Option<TeamRole>> {
        Signal::derive(move || self.0.get().and_then(Result::ok).map(|me| me.access))
    }

    /// True once the user is known to be an admin; false while loading, so nothing offers an
    /// action a member would be refused.
    pub fn is_admin(self) -> Signal<bool> {
        let access = self.access();
        Signal::derive(move || access.get() == Some(TeamRole::Admin))
    }
}

/// "Hana Head", "Hana Head or Ali Admin", "Hana Head, Ali Admin or Bo Boss": the admins a member
/// asks.
pub fn admins_to_ask(team: &SchoolTeam) -> String {
    let names: Vec<&str> = team
        .members
        .iter()
        .filter(|colleague| colleague.access == TeamRole::Admin)
        .map(|colleague| colleague.display_name.as_str())
        .collect();
    match names.split_last() {
        None => "your school's admin".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// For a member: a note that what the page shows can be changed only by an admin, naming them.
/// Shows nothing for an admin.
#[component]
pub fn AdminOnlyNote() -> impl IntoView {
    let access = SchoolSession::of_page().access();
    let admins = LocalResource::new(move || {
        let member = access.get() == Some(TeamRole::Member);
        async move {
            match member {
                true => Some(api::school_team().await.map(|team| admins_to_ask(&team)).ok()),
                false => None,
            }
        }
    });
    move || {
        admins.get().flatten().map(|admins| {
            let admins = admins.unwrap_or_else(|| "your school's admin".to_owned());
            view! {
                <p class="notice member-note" role="note">
                    {format!("You are a member: you can see everything here. Only an admin can change this; ask {admins}.")}
                </p>
            }
        })
    }
}

/// The header every school page shows, fed from `/api/school/me`.
#[component]
pub fn SchoolHeader() -> impl IntoView {
    let me = SchoolSession::of_page().0;
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
    SchoolSession::of_page();
    let dashboard = LocalResource::new(api::school_dashboard);
    view! {
        <SchoolHeader />
        <main>
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
        </main>
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_model::SchoolColleague;

    use super::*;

    fn colleague(name: &str, access: TeamRole) -> SchoolColleague {
        SchoolColleague {
            email: format!("{}@school.example", name.to_lowercase().replace(' ', ".")),
            display_name: name.to_owned(),
            role: "Teacher".to_owned(),
            access,
            added_at: "2026-12-01T09:00:00Z".to_owned(),
            added_by: None,
        }
    }

    #[test]
    fn a_member_is_told_which_admins_to_ask() {
        let team = |members| SchoolTeam { members, changes: Vec::new() };
        assert_eq!(admins_to_ask(&team(vec![colleague("Mia Member", TeamRole::Member)])), "your school's admin");
        let one = vec![colleague("Hana Head", TeamRole::Admin), colleague("Mia Member", TeamRole::Member)];
        assert_eq!(admins_to_ask(&team(one)), "Hana Head");
        let three = vec![
            colleague("Hana Head", TeamRole::Admin),
            colleague("Ali Admin", TeamRole::Admin),
            colleague("Bo Boss", TeamRole::Admin),
        ];
        assert_eq!(admins_to_ask(&team(three)), "Hana Head, Ali Admin or Bo Boss");
    }
}
