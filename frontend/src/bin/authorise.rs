//! A school's authorise wizard, opened from an email (`authorise.html`).

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::AuthoriseApp);
}
