//! A button in a table row. Every row has one, so besides what it does (`label`) a screen
//! reader also hears which row it acts on (`item`).

use leptos::prelude::*;

#[component]
pub fn RowButton(
    label: &'static str,
    #[prop(into)] item: String,
    /// For a change that takes something away (revoke, remove).
    #[prop(optional)]
    danger: bool,
    #[prop(optional)] id: Option<String>,
    on_click: Callback<()>,
) -> impl IntoView {
    let class = if danger { "secondary danger" } else { "secondary" };
    view! {
        <button type="button" class=class id=id on:click=move |_| on_click.run(())>
            {label}
            <span class="visually-hidden">{format!(" {item}")}</span>
        </button>
    }
}
