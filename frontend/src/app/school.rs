//! The school portal's routes (S3).

use crate::pages::{SchoolAppScreen, SchoolHeldExtractScreen, SchoolHome, SchoolOnboardingScreen, SchoolTeamScreen};

portal_app! {
    SchoolApp {
        "/school" => SchoolHome,
        "/school/apps/:app_id" => SchoolAppScreen,
        "/school/team" => SchoolTeamScreen,
        "/school/held-extract" => SchoolHeldExtractScreen,
        "/school/onboarding" => SchoolOnboardingScreen,
    }
}
