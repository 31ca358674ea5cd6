//! The operations console (O1): `/ops`, the home with a line per section, and `OpsFrame`, the
//! banner and sign-in guard every console screen shares.

use gatehouse_model::AccountKind;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{OPS_SECTIONS, set_title, sign_in_when_as};
use crate::components::{PortalHeader, ProblemAlert};

/// A console screen: the banner with the signed-in ops user, and a redirect to the console's
/// sign-in when the session is missing or over, whichever call finds out.
#[component]
pub fn OpsFrame(
    /// Calls of the screen that can find the session over, besides `ops_me`.
    #[prop(into)]
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

#[component]
pub fn OpsHome() -> impl IntoView {
    set_title("Operations console");
    let sections = OPS_SECTIONS
        .iter()
        .skip(1)
        .map(|&(name, href)| {
            let about = match href {
                "/ops/cases" => "Answer partners' support cases: escalated first, then the longest waiting.",
                "/ops/bookings" => "Offer install slots, see which schools booked one and mark installs done.",
                "/ops/partners" => "Create a partner organisation with its first admin and app.",
                "/ops/directory" => "Import the register of schools, search it and correct an entry.",
                "/ops/international" => "Accept or decline requests for schools outside England and Wales.",
                _ => "",
            };
            view! {
                <li>
                    <a href=href>{name}</a>
                    <p class="hint">{about}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <OpsFrame failed=Signal::derive(|| None)>
            <h1>"Operations console"</h1>
            <ul class="console-sections">{sections}</ul>
        </OpsFrame>
    }
}
