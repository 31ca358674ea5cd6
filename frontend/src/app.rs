//! Each bundle's app (`app/<bundle>.rs`, mounted by `src/bin/<bundle>.rs`), and the addresses
//! pages send people to. The paths are the SPA's own; API paths come from `gatehouse_model::ROUTES`
//! in `api.rs`. Which bundle serves which path is listed once, in `xtask/src/spa.rs`: the server
//! and CloudFront answer each path with its bundle's page.
//!
//! A portal's bundle routes with a `FlatRoutes` router (`Routes` adds nested routing it does not
//! use, and 4 % to the download); a bundle of pages nobody moves between (signing in,
//! authorising) has no router, which would make it a quarter bigger (#14). A move to a path
//! another bundle serves is a full page load (`Elsewhere`).

use gatehouse_model::{AccountKind, SchoolView};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, FlatRoutesProps, RouteChildren, Router};
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use leptos_router::{MatchNestedRoutes, NavigateOptions};

use crate::pages::NotFound;

/// A portal bundle's app: a `PortalRouter` with one route a line, each a path and the page it
/// shows (a page's name, or a block that builds a view).
macro_rules! portal_app {
    ($app:ident { $($path:tt => $page:tt),+ $(,)? }) => {
        #[leptos::component]
        pub fn $app() -> impl leptos::prelude::IntoView {
            use leptos::prelude::*;
            use leptos_router::components::Route;
            use leptos_router::path;

            use super::PortalRouter;

            view! { <PortalRouter> $(<Route path=path!($path) view=$page />)+ </PortalRouter> }
        }
    };
}

mod authorise;
mod ops;
mod ops_directory;
mod partner;
mod partner_cases;
mod partner_invite;
mod partner_settings;
mod school;
mod school_people;
mod signin;

pub use authorise::AuthoriseApp;
pub use ops::OpsApp;
pub use ops_directory::OpsDirectoryApp;
pub use partner::PartnerApp;
pub use partner_cases::PartnerCasesApp;
pub use partner_invite::PartnerInviteApp;
pub use partner_settings::PartnerSettingsApp;
pub use school::SchoolApp;
pub use school_people::SchoolPeopleApp;
pub use signin::SigninApp;

/// Where pages send people; the routes that match them are in `app/`.
pub const ACTIVE_SCHOOLS: &str = "/schools";
pub const PENDING_AUTHORISATIONS: &str = "/schools/pending";
pub const REVOKED_SCHOOLS: &str = "/schools/revoked";
pub const INVITE_SCHOOL: &str = "/schools/invite";
/// P7: asking operations for a school outside England and Wales.
pub const INTERNATIONAL_REQUEST: &str = "/schools/invite/international";
pub const PERMISSION_SET: &str = "/permissions";
pub const TEAM: &str = "/team";
pub const APP_KEYS: &str = "/keys";
pub const WEBHOOKS: &str = "/webhooks";
/// P9: the Active Cases tab.
pub const CASES: &str = "/cases";
/// The partner portal's sections, for its banner; the three school lists share one (their tabs
/// tell them apart).
pub const PARTNER_SECTIONS: &[(&str, &str)] = &[
    ("Schools", ACTIVE_SCHOOLS),
    ("Active Cases", CASES),
    ("Permission set", PERMISSION_SET),
    ("API keys", APP_KEYS),
    ("Webhooks", WEBHOOKS),
    ("Team", TEAM),
];
/// The school portal's sections (S3), for its banner.
pub const SCHOOL_SECTIONS: &[(&str, &str)] = &[
    ("Data sharing", "/school"),
    ("People", "/school/people"),
    ("Install", "/school/onboarding"),
    ("Colleagues", "/school/team"),
];
/// The operations console's sections (O1), for its banner.
pub const OPS_SECTIONS: &[(&str, &str)] = &[
    ("Console", "/ops"),
    ("Support cases", "/ops/cases"),
    ("Verifications", "/ops/verifications"),
    ("Install bookings", "/ops/bookings"),
    ("Partners", "/ops/partners"),
    ("School directory", "/ops/directory"),
    ("International schools", "/ops/international"),
];

/// The sections of the portal of `kind`, for its banner.
pub const fn portal_sections(kind: AccountKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        AccountKind::Partner => PARTNER_SECTIONS,
        AccountKind::School => SCHOOL_SECTIONS,
        AccountKind::Ops => OPS_SECTIONS,
    }
}

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

/// The `:name` parameter of the route's path (`/school/apps/:app_id`), empty when it has none.
pub fn path_param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}

/// Sends the visitor to sign in, replacing the current entry, once `session_over` says a call
/// found the session missing or expired.
pub fn sign_in_when(session_over: impl Fn() -> bool + 'static) {
    sign_in_when_as(AccountKind::Partner, session_over);
}

/// `sign_in_when` for the portal of `kind`: its own sign-in page.
pub fn sign_in_when_as(kind: AccountKind, session_over: impl Fn() -> bool + 'static) {
    let navigate = use_navigate();
    Effect::new(move || {
        if session_over() {
            navigate(kind.sign_in_path(), NavigateOptions { replace: true, ..Default::default() });
        }
    });
}

/// A portal bundle's router: its routes, and `Elsewhere` for any other path.
#[component]
fn PortalRouter<Defs>(children: RouteChildren<Defs>) -> impl IntoView
where
    Defs: MatchNestedRoutes + Clone + Send + 'static,
{
    // Built inside the router's children, which run with the router's context: `FlatRoutes`
    // reads it at once, and panics without it.
    view! { <Router>{FlatRoutes(FlatRoutesProps::builder().fallback(Elsewhere).children(children).build())}</Router> }
}

/// What a router shows for a path it does not know. Another bundle may serve it (a portal sends
/// people to sign in, a page links to another portal's section): reached by a link or a redirect
/// inside this page, the path is loaded in full, so the server answers with the page of the
/// bundle that serves it. Loaded in full already, there is nothing there.
#[component]
fn Elsewhere() -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    if crate::loaded_at(&path) {
        return Either::Right(view! { <NotFound /> });
    }
    let search = location.search.get_untracked();
    let query = if search.is_empty() { String::new() } else { format!("?{search}") };
    // Replaces the entry the router made, so Back still returns to the page before. It can only
    // fail in a page without a window.
    let _ = window().location().replace(&format!("{path}{query}{}", location.hash.get_untracked()));
    Either::Left(())
}
