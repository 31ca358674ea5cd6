//! Admin or Member, for a colleague in either portal's team (the partner's, the school's): the
//! choice, and how a sentence names it.

use gatehouse_model::TeamRole;
use leptos::prelude::*;

/// "an Admin", "a Member".
pub fn with_article(role: TeamRole) -> &'static str {
    match role {
        TeamRole::Admin => "an Admin",
        TeamRole::Member => "a Member",
    }
}

/// A `select` of the roles that sets `role`, starting at its value.
#[component]
pub fn RoleSelect(
    id: &'static str,
    /// The id of the hint that says what each role may do.
    hint_id: &'static str,
    role: RwSignal<TeamRole>,
) -> impl IntoView {
    let options = TeamRole::ALL
        .into_iter()
        .map(|choice| {
            view! {
                <option value=choice.label().to_ascii_lowercase() selected=choice == role.get_untracked()>
                    {choice.label()}
                </option>
            }
        })
        .collect_view();
    let choose = move |event| {
        let admin = event_target_value(&event) == "admin";
        role.set(if admin { TeamRole::Admin } else { TeamRole::Member });
    };
    view! {
        <select id=id aria-describedby=hint_id on:change=choose>
            {options}
        </select>
    }
}
