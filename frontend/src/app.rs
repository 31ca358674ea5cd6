//! The router: one route per screen. The paths below are the SPA's own; API paths come from
//! `gatehouse_model::ROUTES` in `api.rs`.

use gatehouse_model::{AccountKind, SchoolView};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::pages::{
    ActiveSchools, AppKeysScreen, AuthLanding, AuthoriseScreen, InviteSchoolScreen, NotFound, OpsHome,
    PendingAuthorisations, PermissionSetScreen, RevokedSchools, SchoolHome, SignIn, TeamScreen,
};

/// Where pages send people; kept next to the routes that match them.
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
pub const SCHOOL_SECTIONS: &[(&str, &str)] =
    &[("Data sharing", "/school"), ("Install", "/school/onboarding"), ("Colleagues", "/school/team")];
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

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path=ACTIVE_SCHOOLS /> } />
                <Route path=path!("/signin") view=|| view! { <SignIn /> } />
                // The emailed link lands here (`/auth#token=…`); the server never sees the fragment.
                <Route path=path!("/auth") view=|| view! { <AuthLanding /> } />
                // The school portal (S3) and the operations console (O1) sign in on their own.
                <Route path=path!("/school/signin") view=|| view! { <SignIn kind=AccountKind::School /> } />
                <Route path=path!("/school/auth") view=|| view! { <AuthLanding kind=AccountKind::School /> } />
                <Route path=path!("/school") view=SchoolHome />
                <Route path=path!("/school/apps/:app_id") view=crate::pages::SchoolAppScreen />
                <Route path=path!("/school/team") view=crate::pages::SchoolTeamScreen />
                <Route path=path!("/school/held-extract") view=crate::pages::SchoolHeldExtractScreen />
                <Route path=path!("/school/onboarding") view=crate::pages::SchoolOnboardingScreen />
                <Route path=path!("/ops/signin") view=|| view! { <SignIn kind=AccountKind::Ops /> } />
                <Route path=path!("/ops/auth") view=|| view! { <AuthLanding kind=AccountKind::Ops /> } />
                <Route path=path!("/ops") view=OpsHome />
                <Route path=path!("/ops/cases") view=crate::pages::OpsCases />
                <Route path=path!("/ops/cases/:case_id") view=crate::pages::OpsCase />
                <Route path=path!("/ops/bookings") view=crate::pages::OpsBookings />
                <Route path=path!("/ops/partners") view=crate::pages::OpsPartners />
                <Route path=path!("/ops/directory") view=crate::pages::OpsDirectory />
                <Route path=path!("/ops/international") view=crate::pages::OpsInternational />
                <Route path=path!("/ops/verifications") view=crate::pages::OpsVerifications />
                <Route path=path!("/schools/invite/international") view=crate::pages::InternationalRequestScreen />
                <Route path=path!("/schools") view=ActiveSchools />
                <Route path=path!("/schools/pending") view=PendingAuthorisations />
                <Route path=path!("/schools/revoked") view=RevokedSchools />
                <Route path=path!("/schools/invite") view=InviteSchoolScreen />
                <Route path=path!("/permissions") view=PermissionSetScreen />
                <Route path=path!("/team") view=TeamScreen />
                <Route path=path!("/cases") view=crate::pages::CasesScreen />
                <Route path=path!("/cases/new") view=crate::pages::NewCaseScreen />
                <Route path=path!("/cases/:case_id") view=crate::pages::CaseScreen />
                <Route path=path!("/keys") view=AppKeysScreen />
                <Route path=path!("/webhooks") view=crate::pages::WebhooksScreen />
                // Public: a school's Begin Authorisation link (`/authorise#token=…`), no sign-in.
                <Route path=path!("/authorise") view=AuthoriseScreen />
            </Routes>
        </Router>
    }
}
