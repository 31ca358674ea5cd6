//! The router: one route per screen. The paths below are the SPA's own; API paths come from
//! `gatehouse_model::ROUTES` in `api.rs`.

use gatehouse_model::SchoolView;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::pages::{
    ActiveSchools, AppKeysScreen, AuthLanding, AuthoriseScreen, InviteSchoolScreen, NotFound, PendingAuthorisations,
    PermissionSetScreen, RevokedSchools, SignIn, TeamScreen,
};

/// Where pages send people; kept next to the routes that match them.
pub const SIGN_IN: &str = "/signin";
pub const ACTIVE_SCHOOLS: &str = "/schools";
pub const PENDING_AUTHORISATIONS: &str = "/schools/pending";
pub const REVOKED_SCHOOLS: &str = "/schools/revoked";
pub const INVITE_SCHOOL: &str = "/schools/invite";
pub const PERMISSION_SET: &str = "/permissions";
pub const TEAM: &str = "/team";
pub const APP_KEYS: &str = "/keys";

/// A school list's address and title, which its tab and the school tile repeat.
pub const fn school_list_page(view: SchoolView) -> (&'static str, &'static str) {
    match view {
        SchoolView::Active => (ACTIVE_SCHOOLS, "Active Schools"),
        SchoolView::Pending => (PENDING_AUTHORISATIONS, "Pending Authorisations"),
        SchoolView::Revoked => (REVOKED_SCHOOLS, "Revoked Schools"),
    }
}

/// Each screen names itself in the tab title, which is what a screen reader announces first
/// after a navigation.
pub fn set_title(screen: &str) {
    document().set_title(&format!("{screen} – Gatehouse"));
}

/// Sends the visitor to sign in, replacing the current entry, once `session_over` says a call
/// found the session missing or expired.
pub fn sign_in_when(session_over: impl Fn() -> bool + 'static) {
    let navigate = use_navigate();
    Effect::new(move || {
        if session_over() {
            navigate(SIGN_IN, NavigateOptions { replace: true, ..Default::default() });
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path=ACTIVE_SCHOOLS /> } />
                <Route path=path!("/signin") view=SignIn />
                // The emailed link lands here (`/auth#token=…`); the server never sees the fragment.
                <Route path=path!("/auth") view=AuthLanding />
                <Route path=path!("/schools") view=ActiveSchools />
                <Route path=path!("/schools/pending") view=PendingAuthorisations />
                <Route path=path!("/schools/revoked") view=RevokedSchools />
                <Route path=path!("/schools/invite") view=InviteSchoolScreen />
                <Route path=path!("/permissions") view=PermissionSetScreen />
                <Route path=path!("/team") view=TeamScreen />
                <Route path=path!("/keys") view=AppKeysScreen />
                // Public: a school's Begin Authorisation link (`/authorise#token=…`), no sign-in.
                <Route path=path!("/authorise") view=AuthoriseScreen />
            </Routes>
        </Router>
    }
}
