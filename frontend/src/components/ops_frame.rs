//! The frame of every operations console screen (O1): the banner with the signed-in ops user,
//! and a redirect to the console's sign-in when the session is missing or over.

use gatehouse_model::AccountKind;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{OPS_SECTIONS, sign_in_when_as};
use crate::components::{PortalHeader, ProblemAlert};

/// A console screen: the banner with the signed-in ops user, and a redirect to the console's
/// sign-in when the session is missing or over, whichever call finds out.
#[component]
pub fn OpsFrame(
    /// Calls of the screen that can find the session over, besides `ops_me`.
    #[prop(optional, into)]
    failed: Signal<Option<ApiError>>,
    children: Children,
) -> impl IntoView {
    let me = LocalResource::new(api::ops_me);
    let loaded = Signal::derive(move || me.get());
    sign_in_when_as(AccountKind::Ops, move || {
        let me_failed = loaded.get().and_then(Result::err);
        me_failed.iter().chain(&failed.get()).any(ApiError::requires_sign_in)
    });
    let signed_in = move || loaded.get().and_then(Result::ok);
    view! {
        <PortalHeader
            kind=AccountKind::Ops
            sections=OPS_SECTIONS
            organisation=Signal::derive(|| Some("Operations".to_owned()))
            user=Signal::derive(move || signed_in().map(|me| me.display_name))
        />
        <main>
            {move || {
                loaded
                    .get()
                    .and_then(Result::err)
                    .filter(|error| !error.requires_sign_in())
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            {children()}
        </main>
    }
}
