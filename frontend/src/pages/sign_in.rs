//! Sign-in for each kind of account (partner P1, school S3, ops O1): ask for an email address
//! and send a single-use sign-in link to it.

use gatehouse_model::AccountKind;
use leptos::html::H1;
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{ProblemAlert, focused_on_load};

#[component]
pub fn SignIn(#[prop(default = AccountKind::Partner)] kind: AccountKind) -> impl IntoView {
    set_title("Sign in");
    let email = RwSignal::new(String::new());
    let sent_to = RwSignal::new(String::new());
    let send_link = Action::new_local(move |email: &String| api::request_magic_link(kind, email.clone()));
    let (heading, lead) = wording(kind);
    let accepted = move || send_link.value().get().and_then(Result::ok);
    let failure = move || send_link.value().get().and_then(Result::err);

    let form = move || {
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            <form
                class="stack"
                on:submit=move |event| {
                    event.prevent_default();
                    sent_to.set(email.get_untracked());
                    send_link.dispatch(email.get_untracked());
                }
            >
                <label for="email">"Email address"</label>
                <input id="email" type="email" name="email" autocomplete="email" required bind:value=email />
                {move || failure().map(|error| view! { <ProblemAlert error /> })}
                <button type="submit" disabled=move || send_link.pending().get()>
                    "Email me a sign-in link"
                </button>
            </form>
        }
    };
    view! {
        <main class="narrow">
            <Show when=move || accepted().is_some() fallback=form>
                <CheckEmail
                    email=sent_to.get_untracked()
                    minutes=accepted().map_or(0, |accepted| accepted.expires_in_minutes)
                    on_restart=move || send_link.value().set(None)
                />
            </Show>
        </main>
    }
}

/// The heading and the first sentence of each portal's sign-in page.
fn wording(kind: AccountKind) -> (&'static str, &'static str) {
    match kind {
        AccountKind::Partner => (
            "Sign in to Gatehouse",
            "Enter the email address you use for Gatehouse and we will email you a link that signs you in.",
        ),
        AccountKind::School => (
            "Sign in to the school portal",
            "See and change which apps can read your school's data. Enter your school email address and we \
             will email you a link that signs you in.",
        ),
        AccountKind::Ops => (
            "Sign in to the operations console",
            "For Gatehouse support staff. Enter your email address and we will email you a link that signs you in.",
        ),
    }
}

/// The confirmation takes focus so a screen reader announces that the page changed.
#[component]
fn CheckEmail(email: String, minutes: u32, on_restart: impl Fn() + 'static) -> impl IntoView {
    let heading = focused_on_load::<H1>();
    view! {
        <h1 node_ref=heading tabindex="-1">"Check your email"</h1>
        <p>{link_sent_sentence(&email, minutes)}</p>
        <p class="hint">"Nothing there? Look in your junk folder, or ask for a new link."</p>
        <button type="button" class="secondary" on:click=move |_| on_restart()>
            "Use a different email"
        </button>
    }
}

/// Says neither that the address has an account nor that it has none: the API answers both alike.
fn link_sent_sentence(email: &str, minutes: u32) -> String {
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!(
        "If {email} has a Gatehouse account, we have sent a sign-in link to it. \
         The link works once and is valid for {minutes} {unit}."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_names_the_address_and_how_long_the_link_lasts() {
        assert_eq!(
            link_sent_sentence("ana@partner.example", 10),
            "If ana@partner.example has a Gatehouse account, we have sent a sign-in link to it. \
             The link works once and is valid for 10 minutes."
        );
        assert!(link_sent_sentence("ana@partner.example", 1).ends_with("valid for 1 minute."));
    }
}
