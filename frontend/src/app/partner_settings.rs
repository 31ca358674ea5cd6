//! The partner portal's settings: the permission set, API keys, webhooks and the team.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::path;

use super::PortalRouter;
use crate::pages::{AppKeysScreen, PermissionSetScreen, TeamScreen, WebhooksScreen};

#[component]
pub fn PartnerSettingsApp() -> impl IntoView {
    view! {
        <PortalRouter>
            <Route path=path!("/permissions") view=PermissionSetScreen />
            <Route path=path!("/keys") view=AppKeysScreen />
            <Route path=path!("/webhooks") view=WebhooksScreen />
            <Route path=path!("/team") view=TeamScreen />
        </PortalRouter>
    }
}
