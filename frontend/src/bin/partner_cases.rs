//! The partner portal's support cases (`partner-cases.html`).

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::PartnerCasesApp);
}
