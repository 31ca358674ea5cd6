//! What shows where a screen's data loads: a sentence while it loads, then the data's view, or
//! an alert for each call that failed.

use leptos::prelude::*;

use crate::components::problem_alerts;

/// `children` reads the screen's resources (with `Suspend`); `text` shows until they are in.
#[component]
pub fn Loading(text: &'static str, children: Children) -> impl IntoView {
    view! {
        <Transition fallback=move || view! { <p class="loading">{text}</p> }>
            <ErrorBoundary fallback=problem_alerts>{children()}</ErrorBoundary>
        </Transition>
    }
}
