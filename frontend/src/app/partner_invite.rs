//! Inviting a school (P7): the wizard, and asking for a school outside England and Wales.

use crate::pages::{InternationalRequestScreen, InviteSchoolScreen};

portal_app! {
    PartnerInviteApp {
        "/schools/invite" => InviteSchoolScreen,
        "/schools/invite/international" => InternationalRequestScreen,
    }
}
