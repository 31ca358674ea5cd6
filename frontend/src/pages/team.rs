//! `/team`: the partner's colleagues who sign in to the portal. Admins add a colleague (name,
//! email, role) and remove one after confirming; members see the list only. Every change
//! answers with the whole team, which replaces the table.

use gatehouse_model::{
    AddTeamMember, EmailAddress, NoBody, NoQuery, RemoveTeamMember, TeamMember, TeamPage, TeamRole, endpoint,
};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{
    ActionMessage, ActionStatus, CheckedField, CheckedForm, ConfirmBox, EmailBounceNote, InputProblem, Loading,
    Missing, PartnerFrame, PartnerSession, ProblemAlert, RecordTable, RoleSelect, RowButton, problem_for, with_article,
};
use crate::dates::local_time;

/// A change to the team, and what to say once it is made.
#[derive(Debug, Clone)]
enum Change {
    Add(AddTeamMember),
    Remove(TeamMember),
}

impl Change {
    fn done(&self) -> String {
        match self {
            Change::Add(member) => format!(
                "{} ({}) was added to the team as {}; they can now sign in with that address.",
                member.display_name,
                member.email.as_str(),
                with_article(member.role)
            ),
            Change::Remove(member) => {
                format!(
                    "{} ({}) was removed from the team and can no longer sign in.",
                    member.display_name,
                    member.email.as_str()
                )
            }
        }
    }
}

#[component]
pub fn TeamScreen() -> impl IntoView {
    set_title("Team");
    let me = PartnerSession::of_page().me();
    let team = LocalResource::new(|| api::call::<endpoint::ListTeam>(&[], &NoQuery, &NoBody));
    let change = Action::new_local(|change: &Change| {
        let change = change.clone();
        async move {
            let page = match &change {
                Change::Add(member) => api::call::<endpoint::AddTeamMember>(&[], &NoQuery, member).await?,
                Change::Remove(member) => {
                    let body = RemoveTeamMember { email: member.email.clone() };
                    api::call::<endpoint::RemoveTeamMember>(&[], &NoQuery, &body).await?
                }
            };
            Ok::<_, ApiError>((change, page))
        }
    });
    let message = ActionMessage::new();
    let removing = RwSignal::new(None::<TeamMember>);
    Effect::new(move || {
        if let Some(Ok((done, page))) = change.value().get() {
            message.announce(done.done());
            removing.set(None);
            team.set(Some(Ok(page)));
        }
    });
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let pending = Signal::derive(move || change.pending().get());
    let my_email = Signal::derive(move || me.get().map(|me| me.email));
    let body = move || {
        Suspend::new(async move {
            team.await.map(|page| {
                let TeamPage { members, can_manage } = page;
                let on_remove = Callback::new(move |member: TeamMember| {
                    change.value().set(None);
                    message.clear();
                    removing.set(Some(member));
                });
                view! {
                    <MembersTable members can_manage my_email on_remove />
                    {can_manage.then(|| view! {
                        <AddMember
                            error
                            pending
                            on_add=Callback::new(move |member| {
                                message.clear();
                                change.dispatch(Change::Add(member));
                            })
                        />
                    })}
                    {(!can_manage).then(|| view! {
                        <p class="read-only-note">"Only an admin can add or remove colleagues."</p>
                    })}
                }
            })
        })
    };
    view! {
        <PartnerFrame failed=Signal::derive(move || team.get().and_then(Result::err))>
            <h1>"Team"</h1>
            <p class="lead">"Colleagues who sign in to Gatehouse for your organisation, each with an emailed link."</p>
            <ActionStatus message />
            {move || removing.get().map(|member| {
                let sentence = format!(
                    "{} ({}) is signed out at once and can no longer sign in to Gatehouse for your organisation.",
                    member.display_name,
                    member.email.as_str()
                );
                view! {
                    <ConfirmBox
                        id="confirm-removal"
                        title=format!("Remove {}?", member.display_name)
                        error
                        pending
                        confirm="Yes, remove"
                        confirm_class="danger"
                        on_confirm=Callback::new(move |()| {
                            change.dispatch(Change::Remove(member.clone()));
                        })
                        on_cancel=Callback::new(move |()| {
                            change.value().set(None);
                            removing.set(None);
                        })
                    >
                        <p id="confirm-removal-text">{sentence}</p>
                    </ConfirmBox>
                }
            })}
            <Loading text="Loading the team…">{body}</Loading>
        </PartnerFrame>
    }
}

#[component]
fn MembersTable(
    members: Vec<TeamMember>,
    can_manage: bool,
    my_email: Signal<Option<String>>,
    on_remove: Callback<TeamMember>,
) -> impl IntoView {
    if members.is_empty() {
        return view! { <p class="empty-note">"Nobody is on the team yet."</p> }.into_any();
    }
    let rows = members
        .into_iter()
        .map(|member| {
            let email = member.email.clone();
            let is_me = move || my_email.read().as_deref() == Some(email.as_str());
            let remove = can_manage.then(|| {
                let member = member.clone();
                let name = member.display_name.clone();
                let is_me = is_me.clone();
                view! {
                    <td>
                        <Show when=move || !is_me() fallback=|| view! { <span class="hint">"You"</span> }>
                            {
                                let member = member.clone();
                                let on_click = Callback::new(move |()| on_remove.run(member.clone()));
                                view! { <RowButton label="Remove" item=name.clone() danger=true on_click /> }
                            }
                        </Show>
                    </td>
                }
            });
            view! {
                <tr>
                    <th scope="row">
                        {member.display_name.clone()}
                        {move || is_me().then(|| view! { <span class="hint">" (you)"</span> })}
                    </th>
                    <td>
                        {member.email.as_str().to_owned()}
                        {member.email_bounce.clone().map(|bounce| view! { " " <EmailBounceNote bounce /> })}
                    </td>
                    <td>{member.role.label()}</td>
                    <td>{local_time(&member.added_at)}</td>
                    <td>{member.added_by.clone().unwrap_or_else(|| "–".to_owned())}</td>
                    {remove}
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable
            caption_id="members-caption"
            caption="Team members"
            class="team"
            columns=&["Name", "Email", "Role", "Added", "Added by"]
            actions=can_manage
        >
            {rows}
        </RecordTable>
    }
    .into_any()
}

/// The new colleague as typed, or the first thing missing.
fn new_member(name: &str, email: &str, role: TeamRole) -> Result<AddTeamMember, (&'static str, &'static str)> {
    let (name, email) = (name.trim(), email.trim());
    if name.is_empty() {
        return Err(("display_name", "Enter your colleague's name."));
    }
    let email = EmailAddress::parse(email)
        .map_err(|_| ("email", "Enter your colleague's work email address, like name@partner.example."))?;
    Ok(AddTeamMember { email, display_name: name.to_owned(), role })
}

#[component]
fn AddMember(error: Signal<Option<ApiError>>, pending: Signal<bool>, on_add: Callback<AddTeamMember>) -> impl IntoView {
    let (name, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let role = RwSignal::new(TeamRole::Member);
    let invalid = RwSignal::new(None as Missing);
    // No clearing on success: the team's answer rebuilds the page, and with it an empty form.
    let problem = move |field: &'static str| {
        let own = invalid.get().filter(|(name, _)| *name == field).map(|(_, text)| text);
        let server = problem_for(error.get(), &[field]);
        (own.map(|text| view! { <InputProblem detail=text /> }), server.map(|error| view! { <ProblemAlert error /> }))
    };
    view! {
        <section class="add-member" aria-labelledby="add-member-heading">
            <h2 id="add-member-heading">"Add a colleague"</h2>
            <CheckedForm
                check=move || new_member(&name.get_untracked(), &email.get_untracked(), role.get_untracked())
                send=move |member| on_add.run(member)
                invalid
                fields=vec!["display_name", "email", "role"]
                error
                pending
                submit="Add colleague"
            >
                <div class="form-row">
                    <CheckedField name="display_name" id="member-name" label="Name" value=name invalid error />
                    <CheckedField name="email" id="member-email" label="Email address" kind="email" value=email invalid error />
                    <div class="field">
                        <label for="member-role">"Role"</label>
                        <RoleSelect id="member-role" hint_id="member-role-hint" role />
                        {move || problem("role")}
                    </div>
                </div>
                <p class="hint" id="member-role-hint">
                    "Admins also manage the team and the permission set; members work with the school lists."
                </p>
            </CheckedForm>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_colleague_needs_a_name_and_an_address() {
        assert_eq!(new_member("", "a@b.example", TeamRole::Member).unwrap_err().0, "display_name");
        assert_eq!(new_member("Chris", "chris", TeamRole::Member).unwrap_err().0, "email");
        assert_eq!(
            new_member(" Chris Colleague ", " chris@partner.example ", TeamRole::Admin),
            Ok(AddTeamMember {
                email: EmailAddress::parse("chris@partner.example").unwrap(),
                display_name: "Chris Colleague".to_owned(),
                role: TeamRole::Admin
            })
        );
    }

    #[test]
    fn each_change_says_what_it_did() {
        let add = Change::Add(AddTeamMember {
            email: EmailAddress::parse("chris@partner.example").unwrap(),
            display_name: "Chris Colleague".to_owned(),
            role: TeamRole::Member,
        });
        assert_eq!(
            add.done(),
            "Chris Colleague (chris@partner.example) was added to the team as a Member; \
             they can now sign in with that address."
        );
    }
}
