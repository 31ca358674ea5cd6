//! The router: one route per screen. The paths below are the SPA's own; API paths come from
//! `gatehouse_model::ROUTES` in `api.rs`.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::pages::{ActiveSchools, AuthLanding, NotFound, PendingAuthorisations, RevokedSchools, SignIn};

/// Where pages send people; kept next to the routes that match them.
pub const SIGN_IN: &str = "/signin";
pub const ACTIVE_SCHOOLS: &str = "/schools";
pub const PENDING_AUTHORISATIONS: &str = "/schools/pending";
pub const REVOKED_SCHOOLS: &str = "/schools/revoked";

/// Each screen names itself in the tab title, which is what a screen reader announces first
/// after a navigation.
pub fn set_title(screen: &str) {
    document().set_title(&format!("{screen} – Gatehouse"));
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
            </Routes>
        </Router>
    }
}
