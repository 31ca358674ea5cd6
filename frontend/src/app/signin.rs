//! Each portal's sign-in page and the landing of its emailed link. No router: nobody moves
//! between these pages, and one would make the bundle a quarter bigger (#14). Every way on from
//! them loads a portal's page in full.

use gatehouse_model::AccountKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::pages::{AuthLanding, NotFound, SignIn};

#[component]
pub fn SigninApp() -> impl IntoView {
    let path = window().location().pathname().unwrap_or_default();
    match path.as_str() {
        "/signin" => EitherOf3::A(view! { <SignIn /> }),
        "/school/signin" => EitherOf3::A(view! { <SignIn kind=AccountKind::School /> }),
        "/ops/signin" => EitherOf3::A(view! { <SignIn kind=AccountKind::Ops /> }),
        // The emailed link lands here (`/auth#token=…`); the server never sees the fragment.
        "/auth" => EitherOf3::B(view! { <AuthLanding /> }),
        "/school/auth" => EitherOf3::B(view! { <AuthLanding kind=AccountKind::School /> }),
        "/ops/auth" => EitherOf3::B(view! { <AuthLanding kind=AccountKind::Ops /> }),
        _ => EitherOf3::C(view! { <NotFound /> }),
    }
}
