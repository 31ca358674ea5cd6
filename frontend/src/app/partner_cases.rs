//! The partner's support cases (P9).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

use super::PortalRouter;
use crate::pages::{CaseScreen, CasesScreen, NewCaseScreen};

#[component]
pub fn PartnerCasesApp() -> impl IntoView {
    view! {
        <PortalRouter>
            <Route path=path!("/cases") view=CasesScreen />
            <Route path=path!("/cases/new") view=NewCaseScreen />
            <Route path=path!("/cases/:case_id") view=CaseScreen />
        </PortalRouter>
    }
}
