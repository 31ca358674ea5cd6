//! The operations console's routes (O1).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

use super::PortalRouter;
use crate::pages::{
    OpsBookings, OpsCase, OpsCases, OpsDirectory, OpsHome, OpsInternational, OpsPartners, OpsVerifications,
};

#[component]
pub fn OpsApp() -> impl IntoView {
    view! {
        <PortalRouter>
            <Route path=path!("/ops") view=OpsHome />
            <Route path=path!("/ops/cases") view=OpsCases />
            <Route path=path!("/ops/cases/:case_id") view=OpsCase />
            <Route path=path!("/ops/bookings") view=OpsBookings />
            <Route path=path!("/ops/partners") view=OpsPartners />
            <Route path=path!("/ops/directory") view=OpsDirectory />
            <Route path=path!("/ops/international") view=OpsInternational />
            <Route path=path!("/ops/verifications") view=OpsVerifications />
        </PortalRouter>
    }
}
