//! The banner of every signed-in screen: product, partner, user and "Sign out".

use gatehouse_model::Me;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::app::SIGN_IN;
use crate::components::ProblemAlert;

/// `me` is `None` until `/api/me` answers; the banner shows without the names meanwhile.
#[component]
pub fn Header(me: Signal<Option<Me>>) -> impl IntoView {
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match api::logout().await {
                // An expired session is as signed out as a revoked one.
                Err(error) if !error.requires_sign_in() => Err(error),
                _ => {
                    navigate(SIGN_IN, NavigateOptions { replace: true, ..Default::default() });
                    Ok(())
                }
            }
        }
    });
    let failure = move || sign_out.value().get().and_then(Result::err);
    view! {
        <header class="banner">
            <div class="banner-group">
                <span class="brand">"Gatehouse"</span>
                <span class="partner">{move || me.get().map(|me| me.partner_name)}</span>
            </div>
            <div class="banner-group">
                <span class="user">{move || me.get().map(|me| me.display_name)}</span>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        sign_out.dispatch(());
                    }
                >
                    "Sign out"
                </button>
            </div>
        </header>
        {move || failure().map(|error| view! { <div class="banner-problem"><ProblemAlert error /></div> })}
    }
}
