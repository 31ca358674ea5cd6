//! The partner portal's settings (`partner-settings.html`): permission set, API keys, webhooks,
//! team.

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::PartnerSettingsApp);
}
