//! The operations console's bundle (`ops.html`, O1).

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::OpsApp);
}
