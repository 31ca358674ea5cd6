//! A school's Begin Authorisation link (`/authorise#token=…`), no sign-in. No router: the wizard
//! is one page, and one would make the bundle a quarter bigger (#14).

use leptos::either::Either;
use leptos::prelude::*;

use crate::pages::{AuthoriseScreen, NotFound};

#[component]
pub fn AuthoriseApp() -> impl IntoView {
    match window().location().pathname().unwrap_or_default().as_str() {
        "/authorise" => Either::Left(view! { <AuthoriseScreen /> }),
        _ => Either::Right(view! { <NotFound /> }),
    }
}
