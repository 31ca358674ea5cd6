//! The frame of every operations console screen (O1), `PortalFrame` for the console.

use gatehouse_model::{AccountKind, OpsMe, endpoint};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{PortalFrame, PortalUser, Session};

/// The signed-in ops user (`/api/ops/me`).
pub type OpsSession = Session<OpsMe>;

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

impl PortalUser for OpsMe {
    const KIND: AccountKind = AccountKind::Ops;
    type Ask = endpoint::GetOpsMe;

    fn banner_names(&self) -> (String, String) {
        ("Operations".to_owned(), self.display_name.clone())
    }
}
