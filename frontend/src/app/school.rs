//! The school portal's routes (S3).

use crate::pages::{
    SchoolAppScreen, SchoolHeldExtractScreen, SchoolHome, SchoolOnboardingScreen, SchoolPeopleScreen,
    SchoolPersonScreen, SchoolTeamScreen,
};

portal_app! {
    SchoolApp {
        "/school" => SchoolHome,
        "/school/apps/:app_id" => SchoolAppScreen,
        "/school/team" => SchoolTeamScreen,
        "/school/people" => SchoolPeopleScreen,
        "/school/people/:person_id" => SchoolPersonScreen,
        "/school/held-extract" => SchoolHeldExtractScreen,
        "/school/onboarding" => SchoolOnboardingScreen,
    }
}
