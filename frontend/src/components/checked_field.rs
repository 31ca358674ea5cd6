//! An input of a short form that checks what was typed before sending it (a colleague, a
//! partner, an international school): the label, the input, and under it the form's own problem
//! with the field or the API's.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{InputProblem, ProblemAlert, problem_for};

/// What the form found wrong before sending: the field and the sentence.
pub type Missing = Option<(&'static str, &'static str)>;

/// What submitting a form that checks itself does: runs `then` with what `checked` made of it,
/// or shows the field it found wrong (`P`: the field and the sentence).
pub fn when_valid<T, P: Send + Sync + 'static>(
    invalid: RwSignal<Option<P>>,
    checked: Result<T, P>,
    then: impl FnOnce(T),
) {
    match checked {
        Ok(request) => {
            invalid.set(None);
            then(request);
        }
        Err(problem) => invalid.set(Some(problem)),
    }
}

#[component]
pub fn CheckedField(
    /// The request field the input answers for, as the form's check and the API's problems name it.
    name: &'static str,
    #[prop(into)] id: String,
    label: &'static str,
    /// `text`, `email`, `tel`…, or `textarea` for a few lines.
    #[prop(default = "text")]
    kind: &'static str,
    value: RwSignal<String>,
    /// Cleared by each keystroke: the edit may have fixed it.
    invalid: RwSignal<Missing>,
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let own = move || invalid.get().filter(|(field, _)| *field == name).map(|(_, text)| text);
    let server = move || problem_for(error.get(), &[name]);
    let is_invalid = move || (own().is_some() || server().is_some()).then_some("true");
    let edit = move |event| {
        value.set(event_target_value(&event));
        invalid.set(None);
    };
    let input = if kind == "textarea" {
        view! {
            <textarea id=id.clone() rows="3" aria-invalid=is_invalid prop:value=move || value.get() on:input=edit></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type=kind
                autocomplete="off"
                aria-invalid=is_invalid
                prop:value=move || value.get()
                on:input=edit
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {move || own().map(|text| view! { <InputProblem detail=text /> })}
            {move || server().map(|error| view! { <ProblemAlert error /> })}
        </div>
    }
}
