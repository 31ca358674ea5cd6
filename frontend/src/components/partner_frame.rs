//! The frame of every signed-in partner portal screen: who is signed in, asked once per page;
//! the banner; and a redirect to sign in when the session is missing or over, whichever call
//! finds out. The school portal and the operations console have their own frames.

use gatehouse_model::Me;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::sign_in_when;
use crate::components::Header;

/// The signed-in partner user (`/api/me`), shared by the banner and the screen.
#[derive(Clone, Copy)]
pub struct PartnerSession(LocalResource<Result<Me, ApiError>>);

impl PartnerSession {
    /// The page's session: the one the screen or its frame already asked for, or a new request.
    pub fn of_page() -> PartnerSession {
        use_context::<PartnerSession>().unwrap_or_else(|| {
            let session = PartnerSession(LocalResource::new(api::me));
            provide_context(session);
            session
        })
    }

    /// The user, once known.
    pub fn me(self) -> Signal<Option<Me>> {
        Signal::derive(move || self.0.get().and_then(Result::ok))
    }

    /// The answer to `/api/me`, for a screen whose own loading needs the user first.
    pub async fn load(self) -> Result<Me, ApiError> {
        self.0.await
    }
}

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
    let session = PartnerSession::of_page();
    sign_in_when(move || {
        let me_failed = session.0.get().and_then(Result::err);
        me_failed.iter().chain(&failed.get()).any(ApiError::requires_sign_in)
    });
    view! {
        <Header me=session.me() />
        <main class=class>{children()}</main>
    }
}
