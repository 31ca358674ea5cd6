//! The reason an operations console screen asks for when it declines or rejects something.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{InputProblem, ProblemAlert, problem_for};

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
