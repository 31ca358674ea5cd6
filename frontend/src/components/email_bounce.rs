//! "Email bounced" beside an address Gatehouse no longer emails (#15): the
//! words show, and a screen reader hears why and what to do.

use gatehouse_model::EmailBounce;
use leptos::prelude::*;

use crate::dates::local_time;

/// The badge, and (with `explain`) one sentence on what it means.
#[component]
pub fn EmailBounceNote(bounce: EmailBounce, #[prop(optional)] explain: bool) -> impl IntoView {
    let since = local_time(&bounce.since);
    let why = format!("{} Since {since}.", bounce.explanation());
    view! {
        <span class="badge email-bounced">{bounce.label()}</span>
        {if explain {
            view! { <p class="hint email-bounced-hint">{why}</p> }.into_any()
        } else {
            view! { <span class="visually-hidden">{format!(": {why}")}</span> }.into_any()
        }}
    }
}
