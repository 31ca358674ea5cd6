//! Where an emailed sign-in link lands (`/auth#token=…`, `/school/auth…`, `/ops/auth…`): trade
//! the token for a session of that kind, then go to that portal's home. The token travels in the fragment so it never reaches a server log, and
//! it is taken out of the address bar at once so it stays out of history and bookmarks too.

use gatehouse_model::AccountKind;
use leptos::either::Either;
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{ProblemAlert, take_token_from_address_bar};

#[component]
pub fn AuthLanding(#[prop(default = AccountKind::Partner)] kind: AccountKind) -> impl IntoView {
    set_title("Signing in");
    match take_token_from_address_bar() {
        Some(token) => Either::Left(view! { <SigningIn kind token /> }),
        None => Either::Right(view! {
            <LinkUnusable kind>
                <p role="alert">"This address has no sign-in token in it. Open the link from the email in full."</p>
            </LinkUnusable>
        }),
    }
}

#[component]
fn SigningIn(kind: AccountKind, token: String) -> impl IntoView {
    // Created once per visit: a token works once, so it is never sent twice.
    let session = LocalResource::new(move || api::start_session(kind, token.clone()));
    let working = || view! { <main class="narrow"><h1>"Signing you in…"</h1></main> };
    view! {
        <Suspense fallback=working>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(_) => {
                        // The portal is another bundle's page: load it in full, in this page's
                        // place in history. It can only fail in a page without a window.
                        let _ = window().location().replace(kind.home_path());
                        Either::Left(working())
                    }
                    Err(error) => Either::Right(view! {
                        <LinkUnusable kind>
                            <ProblemAlert error />
                        </LinkUnusable>
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LinkUnusable(kind: AccountKind, children: Children) -> impl IntoView {
    view! {
        <main class="narrow">
            <h1>"This sign-in link can't be used"</h1>
            {children()}
            <p>
                <a href=kind.sign_in_path()>"Request a new link"</a>
            </p>
        </main>
    }
}
