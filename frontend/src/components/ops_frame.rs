//! The frame of every operations console screen (O1), `PortalFrame` for the console.

use gatehouse_model::{AccountKind, NoBody, NoQuery, OpsMe, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::OPS_SECTIONS;
use crate::components::{PortalFrame, PortalUser, Session};

/// The signed-in ops user (`/api/ops/me`).
pub type OpsSession = Session<OpsMe>;

impl Session<OpsMe> {
    pub fn of_page() -> OpsSession {
        Session::of_page_with(|| api::call::<endpoint::GetOpsMe>(&[], &NoQuery, &NoBody))
    }
}

impl PortalUser for OpsMe {
    const KIND: AccountKind = AccountKind::Ops;
    const SECTIONS: &'static [(&'static str, &'static str)] = OPS_SECTIONS;

    fn organisation(&self) -> String {
        "Operations".to_owned()
    }

    fn display_name(&self) -> String {
        self.display_name.clone()
    }
}

/// A console screen; a failure to learn who is signed in shows above the screen.
#[component]
pub fn OpsFrame(
    /// Calls of the screen that can find the session over, besides `ops_me`.
    #[prop(optional, into)]
    failed: Signal<Option<ApiError>>,
    children: Children,
) -> impl IntoView {
    view! {
        <PortalFrame session=OpsSession::of_page() failed session_problem_shown=true>
            {children()}
        </PortalFrame>
    }
}
