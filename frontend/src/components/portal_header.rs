//! The banner of every signed-in screen, in each portal (partner, school S3, operations O1): which
//! portal, whose organisation, the portal's sections, the user and "Sign out" of that portal only.

use gatehouse_model::AccountKind;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::components::ProblemAlert;

/// `organisation` and `user` are `None` until the portal's "me" answers.
#[component]
pub fn PortalHeader(
    kind: AccountKind,
    /// The portal's sections: name and address; a section is current on its address and below,
    /// but one with other sections below it (a portal's home) only on its own address.
    sections: &'static [(&'static str, &'static str)],
    #[prop(into)] organisation: Signal<Option<String>>,
    #[prop(into)] user: Signal<Option<String>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match api::logout_as(kind).await {
                // An expired session is as signed out as a revoked one.
                Err(error) if !error.requires_sign_in() => Err(error),
                _ => {
                    navigate(kind.sign_in_path(), NavigateOptions { replace: true, ..Default::default() });
                    Ok(())
                }
            }
        }
    });
    let failure = move || sign_out.value().get().and_then(Result::err);
    let location = use_location();
    let links = sections
        .iter()
        .map(|&(name, href)| {
            let holds_others = sections.iter().any(|&(_, other)| other != href && other.starts_with(href));
            let here = move || {
                let path = location.pathname.read();
                let current = if holds_others { *path == href } else { path.starts_with(href) };
                current.then_some("page")
            };
            view! {
                <li>
                    <a href=href aria-current=here>
                        {name}
                    </a>
                </li>
            }
        })
        .collect_view();
    let brand = match kind {
        AccountKind::Partner => "Gatehouse",
        AccountKind::School => "Gatehouse for schools",
        AccountKind::Ops => "Gatehouse operations",
    };
    view! {
        <header class="banner">
            <div class="banner-group">
                <span class="brand">{brand}</span>
                <span class="partner">{move || organisation.get()}</span>
            </div>
            <nav class="main-nav" aria-label="Main">
                <ul>{links}</ul>
            </nav>
            <div class="banner-group">
                <span class="user">{move || user.get()}</span>
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
