//! P9 support cases: the Active Cases tab with the Archived filter (`list`), the New Case form
//! (`new_case`) and a case's page with its conversation, Refresh, Add comment, Escalate, Close
//! and Reopen (`case`).

mod case;
mod list;
mod new_case;

pub use case::CaseScreen;
pub use list::CasesScreen;
pub use new_case::NewCaseScreen;

use gatehouse_model::CaseState;
use leptos::prelude::*;

use crate::app::CASES;

const NEW_CASE: &str = "/cases/new";

/// A case page's address.
fn case_path(case_id: &str) -> String {
    format!("{CASES}/{case_id}")
}

fn state_class(case_state: CaseState) -> &'static str {
    match case_state {
        CaseState::Open | CaseState::AwaitingSupport => "case-state waiting-support",
        CaseState::AwaitingPartner => "case-state waiting-you",
        CaseState::Closed => "case-state closed",
    }
}

#[component]
fn StateBadge(state: CaseState, escalated: bool) -> impl IntoView {
    view! {
        <span class=state_class(state)>{state.label()}</span>
        {(escalated && state != CaseState::Closed).then(|| view! { <span class="case-escalated">" Escalated"</span> })}
    }
}
