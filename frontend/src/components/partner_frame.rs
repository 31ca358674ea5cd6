//! The frame of every signed-in partner portal screen, `PortalFrame` for the partner portal.

use gatehouse_model::{AccountKind, Me, endpoint};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{PortalFrame, PortalUser, Session};

/// The signed-in partner user (`/api/me`), shared by the banner and the screen.
pub type PartnerSession = Session<Me>;

/// A partner portal screen: the banner, then `children` as the page's `main`.
#[component]
pub fn PartnerFrame(
    /// Calls of the screen that can find the session over, besides `/api/me`.
    #[prop(optional, into)]
    failed: Signal<Option<ApiError>>,
    /// The `main` element's class, for a screen laid out differently (the invite wizard).
    #[prop(optional)]
    class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <PortalFrame session=PartnerSession::of_page() failed class>
            {children()}
        </PortalFrame>
    }
}

impl Session<Me> {
    /// The user, once known.
    pub fn me(self) -> Signal<Option<Me>> {
        self.user()
    }
}

impl PortalUser for Me {
    const KIND: AccountKind = AccountKind::Partner;
    type Ask = endpoint::GetMe;

    fn banner_names(&self) -> (String, String) {
        (self.partner_name.clone(), self.display_name.clone())
    }
}
