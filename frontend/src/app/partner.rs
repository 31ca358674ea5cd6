//! The partner portal's first section: the three school lists and each school's tile.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route};
use leptos_router::path;

use super::{ACTIVE_SCHOOLS, PortalRouter};
use crate::pages::{ActiveSchools, PendingAuthorisations, RevokedSchools};

#[component]
pub fn PartnerApp() -> impl IntoView {
    view! {
        <PortalRouter>
            <Route path=path!("/") view=|| view! { <Redirect path=ACTIVE_SCHOOLS /> } />
            <Route path=path!("/schools") view=ActiveSchools />
            <Route path=path!("/schools/pending") view=PendingAuthorisations />
            <Route path=path!("/schools/revoked") view=RevokedSchools />
        </PortalRouter>
    }
}
