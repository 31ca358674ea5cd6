//! The school portal's bundle (`school.html`, S3): the data sharing dashboard and what hangs off it.

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::SchoolApp);
}
