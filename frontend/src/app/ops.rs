//! The operations console's routes (O1).

use crate::pages::{OpsBookings, OpsCase, OpsCases, OpsHome, OpsInternational, OpsPartners, OpsVerifications};

portal_app! {
    OpsApp {
        "/ops" => OpsHome,
        "/ops/cases" => OpsCases,
        "/ops/cases/:case_id" => OpsCase,
        "/ops/bookings" => OpsBookings,
        "/ops/partners" => OpsPartners,
        "/ops/international" => OpsInternational,
        "/ops/verifications" => OpsVerifications,
    }
}
