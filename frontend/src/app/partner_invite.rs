//! Inviting a school (P7): the wizard, and asking for a school outside England and Wales.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

use super::PortalRouter;
use crate::pages::{InternationalRequestScreen, InviteSchoolScreen};

#[component]
pub fn PartnerInviteApp() -> impl IntoView {
    view! {
        <PortalRouter>
            <Route path=path!("/schools/invite") view=InviteSchoolScreen />
            <Route path=path!("/schools/invite/international") view=InternationalRequestScreen />
        </PortalRouter>
    }
}
