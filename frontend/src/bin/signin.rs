//! Each portal's sign-in page and emailed-link landing (`signin.html`).

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::SigninApp);
}
