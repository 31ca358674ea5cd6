//! The partner portal's school lists (`index.html`), the page a partner lands on.

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::PartnerApp);
}
