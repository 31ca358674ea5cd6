//! The question asked before a change that cannot be taken back (revoke a key, remove a
//! colleague, rotate a secret): its heading takes the focus, Escape cancels, and a failed call
//! shows inside it.

use leptos::html::H2;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::ProblemAlert;

#[component]
pub fn ConfirmBox(
    /// `{id}-heading` and `{id}-text`: the ids the dialog is labelled and described by; the
    /// children hold the element with the `-text` id.
    id: &'static str,
    #[prop(into)] title: String,
    /// The failed call, shown above the buttons.
    #[prop(optional, into)]
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    /// The confirming button's label, such as "Yes, revoke".
    confirm: &'static str,
    /// The confirming button's class: `danger` for a change that takes something away.
    #[prop(optional)]
    confirm_class: Option<&'static str>,
    #[prop(default = "Cancel")] cancel: &'static str,
    /// Scrolls the whole box into view once it shows, for a box that opens below a long form.
    #[prop(optional)]
    scroll_into_view: bool,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    /// The consequence, between the heading and the buttons.
    children: Children,
) -> impl IntoView {
    let heading = NodeRef::<H2>::new();
    heading.on_load(move |heading| {
        let _ = heading.focus();
        // Focusing scrolls only the heading into view; the buttons under it must show too.
        if let Some(confirm) = heading.parent_element().filter(|_| scroll_into_view) {
            confirm.scroll_into_view_with_bool(false);
        }
    });
    view! {
        <div
            class="confirm-box"
            role="alertdialog"
            aria-labelledby=format!("{id}-heading")
            aria-describedby=format!("{id}-text")
            on:keydown=move |event| {
                if event.key() == "Escape" {
                    event.prevent_default();
                    on_cancel.run(());
                }
            }
        >
            <h2 id=format!("{id}-heading") tabindex="-1" node_ref=heading>{title}</h2>
            {children()}
            {move || error.get().map(|error| view! { <ProblemAlert error /> })}
            <div class="form-buttons">
                <button
                    type="button"
                    class=confirm_class
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {confirm}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{cancel}</button>
            </div>
        </div>
    }
}
