//! Facts shown as a definition list (a request waiting for approval, an authorisation to
//! verify, a receipt).

use leptos::prelude::*;

/// The list's entries: each label and its value in a `div` of their own, so a fact stays
/// together however the list is laid out.
pub fn fact_entries(facts: impl IntoIterator<Item = (&'static str, String)>) -> impl IntoView {
    facts.into_iter().map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> }).collect_view()
}
