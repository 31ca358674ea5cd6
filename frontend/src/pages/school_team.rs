//! `/school/team` (S3): the school's colleagues with a portal account and what each may do. An
//! admin adds a colleague (name, email, role, access; they are emailed the sign-in page), makes
//! one an admin or a member, or removes one; the last admin stays (#12). Members see the list.

use gatehouse_model::{
    AddSchoolColleague, EmailAddress, NoQuery, RemoveSchoolColleague, SchoolColleague, SchoolTeam, TeamRole, endpoint,
};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{
    AdminOnlyNote, ProblemAlert, RoleSelect, SchoolFrame, SchoolSession, TableHead, problem_for, problem_unclaimed,
    with_article,
};
use crate::dates::local_time;

/// What an admin does to the team; each carries the colleague as the add route takes them.
#[derive(Debug, Clone, PartialEq)]
enum TeamChange {
    Add(AddSchoolColleague),
    /// Adding a colleague already in the team with another access changes it.
    Access(AddSchoolColleague),
    Remove(AddSchoolColleague),
}

/// What the page says once `change` is done.
fn done_message(change: &TeamChange) -> String {
    match change {
        TeamChange::Add(who) => format!(
            "{} ({}) can now sign in as {}; we emailed them the sign-in page.",
            who.name,
            who.email.as_str(),
            with_article(who.access)
        ),
        TeamChange::Access(who) => format!("{} is now {}.", who.name, with_article(who.access)),
        TeamChange::Remove(who) => format!("{} can no longer sign in.", who.email.as_str()),
    }
}

/// The colleague as the add route takes them, with `access`.
fn colleague_with(member: &SchoolColleague, access: TeamRole) -> AddSchoolColleague {
    AddSchoolColleague {
        name: member.display_name.clone(),
        email: member.email.clone(),
        role: member.role.clone(),
        access,
    }
}

#[component]
pub fn SchoolTeamScreen() -> impl IntoView {
    set_title("Colleagues");
    let admin = SchoolSession::of_page().is_admin();
    let team = api::load::<endpoint::ListSchoolTeam>();
    let message = RwSignal::new(None::<String>);
    let change = Action::new_local(|change: &TeamChange| {
        let change = change.clone();
        async move {
            let page = match &change {
                TeamChange::Add(who) | TeamChange::Access(who) => {
                    api::call::<endpoint::AddSchoolColleague>(&[], &NoQuery, who).await?
                }
                TeamChange::Remove(who) => {
                    let body = RemoveSchoolColleague { email: who.email.clone() };
                    api::call::<endpoint::RemoveSchoolColleague>(&[], &NoQuery, &body).await?
                }
            };
            Ok::<_, ApiError>((change, page))
        }
    });
    Effect::new(move || {
        if let Some(Ok((done, page))) = change.value().get() {
            message.set(Some(done_message(&done)));
            team.set(Some(Ok(page)));
        }
    });
    let run = move |next: TeamChange| {
        message.set(None);
        change.dispatch(next);
    };
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let (name, email, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let access = RwSignal::new(TeamRole::Member);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match EmailAddress::parse(&email.get_untracked()) {
            Ok(email) => run(TeamChange::Add(AddSchoolColleague {
                name: name.get_untracked(),
                email,
                role: role.get_untracked(),
                access: access.get_untracked(),
            })),
            Err(invalid) => change.value().set(Some(Err(api::refused_here(invalid)))),
        }
    };
    let field =
        move |field: &'static str| problem_for(error.get(), &[field]).map(|error| view! { <ProblemAlert error /> });
    let rows = move |team: SchoolTeam| {
        team.members
            .into_iter()
            .map(|member| {
                let other = match member.access {
                    TeamRole::Admin => TeamRole::Member,
                    TeamRole::Member => TeamRole::Admin,
                };
                let (to_other, leaving) = (colleague_with(&member, other), colleague_with(&member, member.access));
                let label = member.display_name.clone();
                let actions = admin.get().then(|| {
                    let label_again = label.clone();
                    view! {
                        <button type="button" class="secondary" disabled=move || change.pending().get()
                            on:click=move |_| run(TeamChange::Access(to_other.clone()))>
                            {format!("Make {}", other.label().to_ascii_lowercase())}
                            <span class="visually-hidden">{format!(" {label}")}</span>
                        </button>
                        " "
                        <button type="button" class="secondary danger" disabled=move || change.pending().get()
                            on:click=move |_| run(TeamChange::Remove(leaving.clone()))>
                            "Remove"<span class="visually-hidden">{format!(" {label_again}")}</span>
                        </button>
                    }
                });
                view! {
                    <tr>
                        <th scope="row">{member.display_name.clone()}</th>
                        <td>{member.email.as_str().to_owned()}</td>
                        <td>{member.role.clone()}</td>
                        <td>{member.access.label()}</td>
                        <td>{local_time(&member.added_at)}</td>
                        <td>{member.added_by.clone().unwrap_or_else(|| "–".to_owned())}</td>
                        <td>{actions}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <SchoolFrame>
            <h1>"Colleagues"</h1>
            <p class="lead">
                "Colleagues who can see your school's data sharing. Admins change it and manage this list; \
                 members see everything and change nothing. They sign in with an emailed link."
            </p>
            <p class="action-message" role="status" hidden=move || message.read().is_none()>{move || message.get()}</p>
            {move || problem_unclaimed(error.get(), &["name", "email", "role"]).map(|error| view! { <ProblemAlert error /> })}
            <AdminOnlyNote />
            {move || match team.get() {
                None => view! { <p class="loading">"Loading colleagues…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(team)) => view! {
                    <table class="schools team">
                        <caption class="visually-hidden">"Colleagues"</caption>
                        <TableHead columns=&["Name", "Email", "Role", "Access", "Added", "Added by"] actions=true />
                        <tbody>{rows(team)}</tbody>
                    </table>
                }.into_any(),
            }}
            <Show when=move || admin.get()>
                <h2>"Add a colleague"</h2>
                <form on:submit=submit>
                    <label for="colleague-name">"Name"</label>
                    <input id="colleague-name" type="text" autocomplete="name" prop:value=move || name.get()
                        on:input=move |event| name.set(event_target_value(&event)) />
                    {move || field("name")}
                    <label for="colleague-email">"Work email"</label>
                    <input id="colleague-email" type="email" autocomplete="email" prop:value=move || email.get()
                        on:input=move |event| email.set(event_target_value(&event)) />
                    {move || field("email")}
                    <label for="colleague-role">"Role at the school"</label>
                    <input id="colleague-role" type="text" prop:value=move || role.get()
                        on:input=move |event| role.set(event_target_value(&event)) />
                    {move || field("role")}
                    <label for="colleague-access">"Access"</label>
                    <p class="hint" id="colleague-access-hint">
                        "Admins authorise, revoke and change sharing and manage colleagues; members only look."
                    </p>
                    <RoleSelect id="colleague-access" hint_id="colleague-access-hint" role=access />
                    <button type="submit" disabled=move || change.pending().get()>"Add colleague"</button>
                </form>
            </Show>
        </SchoolFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hana(access: TeamRole) -> AddSchoolColleague {
        AddSchoolColleague {
            name: "Hana Head".to_owned(),
            email: EmailAddress::parse("hana@school.example").unwrap(),
            role: "Headteacher".to_owned(),
            access,
        }
    }

    #[test]
    fn each_change_says_what_it_did() {
        assert_eq!(
            done_message(&TeamChange::Add(hana(TeamRole::Member))),
            "Hana Head (hana@school.example) can now sign in as a Member; we emailed them the sign-in page."
        );
        assert_eq!(done_message(&TeamChange::Access(hana(TeamRole::Admin))), "Hana Head is now an Admin.");
        assert_eq!(
            done_message(&TeamChange::Remove(hana(TeamRole::Admin))),
            "hana@school.example can no longer sign in."
        );
    }
}
