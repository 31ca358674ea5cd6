//! The banner of every signed-in screen: product, partner, the main navigation (the school
//! lists, the permission set, the API keys, the team), the user and "Sign out".

use gatehouse_model::Me;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::app::{ACTIVE_SCHOOLS, APP_KEYS, CASES, PERMISSION_SET, SIGN_IN, TEAM, WEBHOOKS};
use crate::components::ProblemAlert;

/// The main navigation's links: the name, where it goes, and the addresses it stands for (the
/// three school lists share one link; their tabs tell them apart).
const SECTIONS: [(&str, &str, &str); 6] = [
    ("Schools", ACTIVE_SCHOOLS, "/schools"),
    ("Active Cases", CASES, CASES),
    ("Permission set", PERMISSION_SET, PERMISSION_SET),
    ("API keys", APP_KEYS, APP_KEYS),
    ("Webhooks", WEBHOOKS, WEBHOOKS),
    ("Team", TEAM, TEAM),
];

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
    let location = use_location();
    let links = SECTIONS
        .iter()
        .map(|&(name, href, covers)| {
            let here = move || location.pathname.read().starts_with(covers).then_some("page");
            view! {
                <li>
                    <a href=href aria-current=here>
                        {name}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="banner">
            <div class="banner-group">
                <span class="brand">"Gatehouse"</span>
                <span class="partner">{move || me.get().map(|me| me.partner_name)}</span>
            </div>
            <nav class="main-nav" aria-label="Main">
                <ul>{links}</ul>
            </nav>
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
