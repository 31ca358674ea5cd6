//! The school portal's routes (S3).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

use super::PortalRouter;
use crate::pages::{SchoolAppScreen, SchoolHeldExtractScreen, SchoolHome, SchoolOnboardingScreen, SchoolTeamScreen};

#[component]
pub fn SchoolApp() -> impl IntoView {
    view! {
        <PortalRouter>
            <Route path=path!("/school") view=SchoolHome />
            <Route path=path!("/school/apps/:app_id") view=SchoolAppScreen />
            <Route path=path!("/school/team") view=SchoolTeamScreen />
            <Route path=path!("/school/held-extract") view=SchoolHeldExtractScreen />
            <Route path=path!("/school/onboarding") view=SchoolOnboardingScreen />
        </PortalRouter>
    }
}
