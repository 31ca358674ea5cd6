//! The school portal's people (`school-people.html`, #16): find a person, see which apps can see
//! them, download, exclude or erase them. A bundle of its own, so the dashboard's stays within
//! its budget.

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::SchoolPeopleApp);
}
