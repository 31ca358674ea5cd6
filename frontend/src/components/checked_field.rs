//! A short form that checks what was typed before sending it (a colleague, a partner, an
//! international school, install slots), and its inputs: the label, the input, and under it the
//! form's own problem with the field or the API's.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{ActionMessage, InputProblem, ProblemAlert, problem_for, problem_unclaimed};

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

/// A short form that checks what was typed before sending it: `children` (its inputs), the API's
/// problem that none of `fields` claims, and the submit button. Submitting hides the screen's
/// last outcome (`message`), then sends what `check` makes of the inputs, or shows the field it
/// found wrong.
#[component]
pub fn CheckedForm<T, C, S>(
    check: C,
    send: S,
    invalid: RwSignal<Missing>,
    /// The request fields the inputs answer for.
    fields: Vec<&'static str>,
    error: Signal<Option<ApiError>>,
    #[prop(into)] pending: Signal<bool>,
    /// The submit button's label.
    submit: &'static str,
    #[prop(optional)] message: Option<ActionMessage>,
    children: Children,
) -> impl IntoView
where
    T: 'static,
    C: Fn() -> Result<T, (&'static str, &'static str)> + 'static,
    S: Fn(T) + 'static,
{
    let submitted = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        message.inspect(|message| message.clear());
        when_valid(invalid, check(), &send);
    };
    view! {
        <form novalidate on:submit=submitted>
            {children()}
            {move || problem_unclaimed(error.get(), &fields).map(|error| view! { <ProblemAlert error /> })}
            <div class="form-buttons">
                <button type="submit" disabled=move || pending.get()>{submit}</button>
            </div>
        </form>
    }
}

#[component]
pub fn CheckedField(
    /// The request field the input answers for, as the form's check and the API's problems name it.
    name: &'static str,
    #[prop(into)] id: String,
    label: &'static str,
    /// A sentence under the label, which describes the input (its id is `{id}-hint`).
    #[prop(optional)]
    hint: Option<&'static str>,
    /// `text`, `email`, `tel`…, or `textarea` for a few lines.
    #[prop(default = "text")]
    kind: &'static str,
    /// How many lines a `textarea` shows.
    #[prop(default = "3")]
    rows: &'static str,
    value: RwSignal<String>,
    /// Cleared by each keystroke: the edit may have fixed it.
    invalid: RwSignal<Missing>,
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let own = move || invalid.get().filter(|(field, _)| *field == name).map(|(_, text)| text);
    let server = move || problem_for(error.get(), &[name]);
    let is_invalid = move || (own().is_some() || server().is_some()).then_some("true");
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let edit = move |event| {
        value.set(event_target_value(&event));
        invalid.set(None);
    };
    let input = if kind == "textarea" {
        view! {
            <textarea
                id=id.clone()
                rows=rows
                aria-describedby=hint_id.clone()
                aria-invalid=is_invalid
                prop:value=move || value.get()
                on:input=edit
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type=kind
                autocomplete="off"
                aria-describedby=hint_id.clone()
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
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            {input}
            {move || own().map(|text| view! { <InputProblem detail=text /> })}
            {move || server().map(|error| view! { <ProblemAlert error /> })}
        </div>
    }
}
