//! A one-field search form: a labelled search box and its button. Submitting (the button or
//! Enter) runs `on_search` with the box's text in `query`.

use leptos::prelude::*;

#[component]
pub fn SearchForm(
    /// The input's id, unique on the page.
    id: &'static str,
    label: &'static str,
    query: RwSignal<String>,
    on_search: Callback<()>,
) -> impl IntoView {
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        on_search.run(());
    };
    view! {
        <form on:submit=submit class="search">
            <label for=id>{label}</label>
            <input id=id type="search" autocomplete="off" prop:value=move || query.get()
                on:input=move |event| query.set(event_target_value(&event)) />
            <button type="submit">"Search"</button>
        </form>
    }
}
