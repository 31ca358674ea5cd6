//! A failed call shown to a person: the problem's `detail`, announced as an alert, and the
//! request id to quote to support.

use leptos::error::Errors;
use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn ProblemAlert(error: ApiError) -> impl IntoView {
    let reference = error.request_id().map(str::to_owned);
    view! { <ProblemText detail=error.to_string() reference /> }
}

/// Fallback of an `ErrorBoundary`: one alert per error caught below it.
pub fn problem_alerts(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let reference = error.downcast_ref::<ApiError>().and_then(ApiError::request_id).map(str::to_owned);
                view! { <ProblemText detail=error.to_string() reference /> }
            })
            .collect_view()
    }
}

/// The reference sits outside the alert so a screen reader announces only the sentence.
#[component]
fn ProblemText(detail: String, reference: Option<String>) -> impl IntoView {
    view! {
        <div class="problem">
            <p role="alert">{detail}</p>
            {reference.map(|id| view! { <p class="problem-reference">"Reference for support: " <code>{id}</code></p> })}
        </div>
    }
}
