//! The operations console (O1): `/ops`, the home with a line per section, and what every console
//! screen shares: `OpsFrame`, the banner and sign-in guard, and `DecisionReason`, the reason a
//! refusal must give.

use gatehouse_model::AccountKind;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{OPS_SECTIONS, set_title, sign_in_when_as};
use crate::components::{InputProblem, PortalHeader, ProblemAlert, problem_for};

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

/// The reason for declining or rejecting something in the console: required, so an empty one is
/// said at the field (`missing`) before anything is sent; the server's problem with `reason`
/// shows there too.
#[component]
pub fn DecisionReason(
    #[prop(into)] id: String,
    label: &'static str,
    /// What to say when it is empty.
    missing_text: &'static str,
    value: RwSignal<String>,
    missing: RwSignal<bool>,
    problem: Signal<Option<ApiError>>,
) -> impl IntoView {
    let server = move || problem_for(problem.get(), &["reason"]);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                rows="2"
                aria-invalid=move || (missing.get() || server().is_some()).then_some("true")
                prop:value=move || value.get()
                on:input=move |event| {
                    value.set(event_target_value(&event));
                    missing.set(false);
                }
            ></textarea>
            {move || missing.get().then(|| view! { <InputProblem detail=missing_text /> })}
            {move || server().map(|error| view! { <ProblemAlert error /> })}
        </div>
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
                "/ops/verifications" => {
                    "Verify the authority of people who authorised for a school nothing vouched for."
                }
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
