//! The operations console's school directory (`ops-directory.html`, O1): search, edit and import
//! the register. A bundle of its own, so the console's stays within its budget (#15's import
//! job took it over).

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::OpsDirectoryApp);
}
