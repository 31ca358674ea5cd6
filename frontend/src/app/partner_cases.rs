//! The partner's support cases (P9).

use crate::pages::{CaseScreen, CasesScreen, NewCaseScreen};

portal_app! {
    PartnerCasesApp {
        "/cases" => CasesScreen,
        "/cases/new" => NewCaseScreen,
        "/cases/:case_id" => CaseScreen,
    }
}
