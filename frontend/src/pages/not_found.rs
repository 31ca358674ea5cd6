//! Shown for any address the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::set_title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Page not found");
    view! {
        <main class="narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p>
                <A href="/">"Go to the home page"</A>
            </p>
        </main>
    }
}
