//! The router: one route per screen. The paths below are the SPA's own; API paths come from
//! `gatehouse_model::ROUTES` in `api.rs`.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::pages::{ActiveSchools, AuthLanding, NotFound, SignIn};

/// Where pages send people; kept next to the routes that match them.
pub const SIGN_IN: &str = "/signin";
pub const ACTIVE_SCHOOLS: &str = "/schools";

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
            </Routes>
        </Router>
    }
}
