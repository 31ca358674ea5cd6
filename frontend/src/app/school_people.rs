//! The school portal's people (#16): a bundle of its own.

use crate::pages::{SchoolPeopleScreen, SchoolPersonScreen};

portal_app! {
    SchoolPeopleApp {
        "/school/people" => SchoolPeopleScreen,
        "/school/people/:person_id" => SchoolPersonScreen,
    }
}
