//! The partner portal's settings: the permission set, API keys, webhooks and the team.

use crate::pages::{AppKeysScreen, PermissionSetScreen, TeamScreen, WebhooksScreen};

portal_app! {
    PartnerSettingsApp {
        "/permissions" => PermissionSetScreen,
        "/keys" => AppKeysScreen,
        "/webhooks" => WebhooksScreen,
        "/team" => TeamScreen,
    }
}
