//! `/school/team` (S3): the school's colleagues with a portal account. Anyone signed in adds a
//! colleague (name, email, role; they are emailed the sign-in page) or removes one.

use gatehouse_model::{AddSchoolColleague, SchoolTeam, TeamRole};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{ProblemAlert, problem_for, problem_unclaimed};
use crate::dates::local_time;
use crate::pages::school_home::SchoolHeader;

#[component]
pub fn SchoolTeamScreen() -> impl IntoView {
    set_title("Colleagues");
    let team = RwSignal::new(None::<Result<SchoolTeam, ApiError>>);
    leptos::task::spawn_local(async move { team.set(Some(api::school_team().await)) });
    let message = RwSignal::new(None::<String>);
    let change = Action::new_local(|(add, who): &(bool, AddSchoolColleague)| {
        let (add, who) = (*add, who.clone());
        async move {
            let page = if add {
                api::add_school_colleague(who.clone()).await?
            } else {
                api::remove_school_colleague(who.email.clone()).await?
            };
            Ok::<_, ApiError>((add, who, page))
        }
    });
    Effect::new(move || {
        if let Some(Ok((add, who, page))) = change.value().get() {
            message.set(Some(if add {
                format!("{} ({}) can now sign in; we emailed them the sign-in page.", who.name, who.email)
            } else {
                format!("{} can no longer sign in.", who.email)
            }));
            team.set(Some(Ok(page)));
        }
    });
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let (name, email, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        message.set(None);
        let who =
            AddSchoolColleague {
                name: name.get_untracked(),
                email: email.get_untracked(),
                role: role.get_untracked(),
                access: TeamRole::Member,
            };
        change.dispatch((true, who));
    };
    let field =
        move |field: &'static str| problem_for(error.get(), &[field]).map(|error| view! { <ProblemAlert error /> });
    view! {
        <SchoolHeader />
        <main>
            <h1>"Colleagues"</h1>
            <p class="lead">"Colleagues who can manage your school's data sharing. They sign in with an emailed link."</p>
            <p class="action-message" role="status" hidden=move || message.read().is_none()>{move || message.get()}</p>
            {move || problem_unclaimed(error.get(), &["name", "email", "role"]).map(|error| view! { <ProblemAlert error /> })}
            {move || match team.get() {
                None => view! { <p class="loading">"Loading colleagues…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(team)) => {
                    let rows = team.members.into_iter().map(|member| {
                        let who = AddSchoolColleague {
                            name: member.display_name.clone(),
                            email: member.email.clone(),
                            role: member.role.clone(),
                            access: member.access,
                        };
                        let label = member.display_name.clone();
                        view! {
                            <tr>
                                <th scope="row">{member.display_name.clone()}</th>
                                <td>{member.email.clone()}</td>
                                <td>{member.role.clone()}</td>
                                <td>{local_time(&member.added_at)}</td>
                                <td>{member.added_by.clone().unwrap_or_else(|| "–".to_owned())}</td>
                                <td>
                                    <button type="button" class="secondary danger" on:click=move |_| {
                                        message.set(None);
                                        change.dispatch((false, who.clone()));
                                    }>"Remove"<span class="visually-hidden">{format!(" {label}")}</span></button>
                                </td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <table class="schools team">
                            <caption class="visually-hidden">"Colleagues"</caption>
                            <thead><tr>
                                <th scope="col" class="unsorted">"Name"</th>
                                <th scope="col" class="unsorted">"Email"</th>
                                <th scope="col" class="unsorted">"Role"</th>
                                <th scope="col" class="unsorted">"Added"</th>
                                <th scope="col" class="unsorted">"Added by"</th>
                                <th scope="col" class="unsorted"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }.into_any()
                }
            }}
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
                <button type="submit" disabled=move || change.pending().get()>"Add colleague"</button>
            </form>
        </main>
    }
}
