//! Shown for any path the bundle serving it does not know.

use leptos::prelude::*;

use crate::app::set_title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Page not found");
    view! {
        <main class="narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p>
                <a href="/">"Go to the home page"</a>
            </p>
        </main>
    }
}
