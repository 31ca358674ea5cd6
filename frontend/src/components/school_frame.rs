//! The frame of every school portal screen (S3), `PortalFrame` for the school portal, and the
//! note that tells a member which parts only an admin may use (#12).

use gatehouse_model::{AccountKind, NoBody, NoQuery, SchoolMe, SchoolTeam, TeamRole, endpoint};
use leptos::prelude::*;

use crate::api;
use crate::components::{PortalFrame, PortalUser, Session};

/// The signed-in school user (`/api/school/me`).
pub type SchoolSession = Session<SchoolMe>;

/// A school portal screen: the banner, fed from `/api/school/me`, then `children` as the page's
/// `main`.
#[component]
pub fn SchoolFrame(children: Children) -> impl IntoView {
    view! { <PortalFrame session=SchoolSession::of_page()>{children()}</PortalFrame> }
}

impl Session<SchoolMe> {
    /// What the user may do, once known: admins change things, members only look.
    pub fn access(self) -> Signal<Option<TeamRole>> {
        let user = self.user();
        Signal::derive(move || user.get().map(|me| me.access))
    }

    /// True once the user is known to be an admin; false while loading, so nothing offers an
    /// action a member would be refused.
    pub fn is_admin(self) -> Signal<bool> {
        let access = self.access();
        Signal::derive(move || access.get() == Some(TeamRole::Admin))
    }
}

impl PortalUser for SchoolMe {
    const KIND: AccountKind = AccountKind::School;
    type Ask = endpoint::GetSchoolMe;

    fn banner_names(&self) -> (String, String) {
        (self.school_name.clone(), self.display_name.clone())
    }
}

/// "Hana Head", "Hana Head or Ali Admin", "Hana Head, Ali Admin or Bo Boss": the admins a member
/// asks.
fn admins_to_ask(team: &SchoolTeam) -> String {
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
                true => Some(
                    api::call::<endpoint::ListSchoolTeam>(&[], &NoQuery, &NoBody)
                        .await
                        .map(|team| admins_to_ask(&team))
                        .ok(),
                ),
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

#[cfg(test)]
mod tests {
    use gatehouse_model::SchoolColleague;

    use super::*;

    fn colleague(name: &str, access: TeamRole) -> SchoolColleague {
        SchoolColleague {
            email: gatehouse_model::EmailAddress::parse(&format!(
                "{}@school.example",
                name.to_lowercase().replace(' ', ".")
            ))
            .unwrap(),
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
