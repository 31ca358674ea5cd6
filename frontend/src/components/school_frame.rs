//! The frame of every school portal screen (S3): who is signed in, asked once per page and
//! shared by the banner and the parts of the page only an admin may use (#12); the banner; and a
//! redirect to the portal's sign-in when the session is missing or over.

use gatehouse_model::{AccountKind, SchoolMe, SchoolTeam, TeamRole};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{SCHOOL_SECTIONS, sign_in_when_as};
use crate::components::PortalHeader;

/// The signed-in school user (`/api/school/me`).
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

/// A school portal screen: the banner, fed from `/api/school/me`, then `children` as the page's
/// `main`.
#[component]
pub fn SchoolFrame(children: Children) -> impl IntoView {
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
        <main>{children()}</main>
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
