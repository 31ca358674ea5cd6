//! The partner portal's first section: the three school lists and each school's tile.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::ACTIVE_SCHOOLS;
use crate::pages::{ActiveSchools, PendingAuthorisations, RevokedSchools};

portal_app! {
    PartnerApp {
        "/" => {|| view! { <Redirect path=ACTIVE_SCHOOLS /> }},
        "/schools" => ActiveSchools,
        "/schools/pending" => PendingAuthorisations,
        "/schools/revoked" => RevokedSchools,
    }
}
