//! Resend Invite and Re-invite from the school tile (P6): to the contact on record, or to a new
//! one.

use gatehouse_model::{ContactInput, EmailAddress, InviteRequest, SchoolAction};
use leptos::html::H4;
use leptos::prelude::*;

use super::Run;
use crate::api::{self, SchoolCommand};
use crate::components::{
    InputProblem, Missing, ProblemAlert, RadioChoices, focused_on_load, problem_for, problem_unclaimed,
};

/// Whether an invitation goes to the contact on record or to someone new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    Current,
    New,
}

/// The new contact as typed, or the first thing missing from it.
fn new_contact(name: &str, email: &str, role: &str) -> Result<ContactInput, (&'static str, &'static str)> {
    let (name, email, role) = (name.trim(), email.trim(), role.trim());
    if name.is_empty() {
        return Err(("name", "Enter the name of the person to invite."));
    }
    let email = EmailAddress::parse(email)
        .map_err(|_| ("email", "Enter the email address of the person to invite, like name@school.example."))?;
    let role = Some(role.to_owned()).filter(|role| !role.is_empty());
    Ok(ContactInput { name: name.to_owned(), email, role })
}

const ROLE_HINT: &str = "Optional, for example Data Manager.";

/// Resend Invite and Re-invite: to the contact on record, or to a new one.
#[component]
pub(super) fn InviteForm(
    action: SchoolAction,
    school: String,
    app: String,
    current: Option<String>,
    run: Run,
) -> impl IntoView {
    let heading = focused_on_load::<H4>();
    let recipient = RwSignal::new(if current.is_some() { Recipient::Current } else { Recipient::New });
    let (name, email, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let invalid = RwSignal::new(None as Missing);
    // Made when the form opens, and again whenever what would be sent changes: a double click
    // or a retry of the same send repeats the key, so the school gets one email.
    let key = RwSignal::new(api::idempotency_key());
    let edited = move || {
        key.set(api::idempotency_key());
        invalid.set(None);
    };
    let (title, explanation) = match action {
        SchoolAction::Reinvite => (
            "Invite the school again",
            format!("{school} is asked to authorise {app} again, with a new Begin Authorisation link."),
        ),
        _ => (
            "Resend the invitation",
            format!("{school} gets a new Begin Authorisation link; the link sent before stops working."),
        ),
    };
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let new_contact = match recipient.get_untracked() {
            Recipient::Current => None,
            Recipient::New => match new_contact(&name.get_untracked(), &email.get_untracked(), &role.get_untracked()) {
                Ok(contact) => Some(contact),
                Err(problem) => return invalid.set(Some(problem)),
            },
        };
        let request = InviteRequest { new_contact };
        let key = key.get_untracked();
        run.send.run(match action {
            SchoolAction::Reinvite => SchoolCommand::Reinvite { request, key },
            _ => SchoolCommand::ResendInvite { request, key },
        });
    };
    // The server refuses a partner's own address as `school_contact` (#12): said at the email.
    let server_fields = |field: &'static str| -> &'static [&'static str] {
        match field {
            "email" => &["email", "school_contact"],
            "name" => &["name"],
            _ => &["role"],
        }
    };
    let problem = move |field: &'static str| {
        let own = invalid.get().filter(|(name, _)| *name == field).map(|(_, text)| text);
        let server = problem_for(run.error.get(), server_fields(field));
        (own.map(|text| view! { <InputProblem detail=text /> }), server.map(|error| view! { <ProblemAlert error /> }))
    };
    let invalid_attr = move |field: &'static str| {
        (invalid.get().is_some_and(|(name, _)| name == field)
            || problem_for(run.error.get(), server_fields(field)).is_some())
        .then_some("true")
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           field: &'static str,
                           kind: &'static str,
                           value: RwSignal<String>,
                           hint: Option<&'static str>| {
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
                <input
                    id=id
                    type=kind
                    autocomplete="off"
                    aria-describedby=hint.map(|_| hint_id.clone())
                    aria-invalid=move || invalid_attr(field)
                    prop:value=move || value.get()
                    on:input=move |event| {
                        value.set(event_target_value(&event));
                        edited();
                    }
                />
                {move || problem(field)}
            </div>
        }
    };
    let recipients = current
        .map(|address| {
            ("invite-current".to_owned(), format!("Send to the current contact ({address})"), Recipient::Current)
        })
        .into_iter()
        .chain([("invite-new".to_owned(), "Send to a new contact".to_owned(), Recipient::New)])
        .collect();
    view! {
        <form class="panel-form" novalidate on:submit=send>
            <h4 tabindex="-1" node_ref=heading>{title}</h4>
            <p class="hint">{explanation}</p>
            <fieldset>
                <legend>"Who should receive it?"</legend>
                <RadioChoices
                    name="invite-recipient"
                    choices=recipients
                    answer=recipient
                    on_choose=Callback::new(move |()| edited())
                />
            </fieldset>
            <Show when=move || recipient.get() == Recipient::New>
                <div class="new-contact">
                    {text_field("contact-name", "Name", "name", "text", name, None)}
                    {text_field("contact-email", "Email address", "email", "email", email, None)}
                    {text_field("contact-role", "Role", "role", "text", role, Some(ROLE_HINT))}
                </div>
            </Show>
            {move || {
                let claimed: &[&str] = match recipient.get() {
                    Recipient::New => &["name", "email", "school_contact", "role"],
                    Recipient::Current => &["name", "email", "role"],
                };
                problem_unclaimed(run.error.get(), claimed)
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div class="form-buttons">
                <button type="submit" disabled=move || run.pending.get()>"Send invitation"</button>
                <button type="button" class="secondary" on:click=move |_| run.cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_contact_needs_a_name_and_an_address() {
        assert_eq!(new_contact(" ", "a@b.example", "").unwrap_err().0, "name");
        assert_eq!(new_contact("Ann", "ann", "").unwrap_err().0, "email");
        assert_eq!(
            new_contact(" Ann Lee ", " ann@school.example ", " "),
            Ok(ContactInput {
                name: "Ann Lee".to_owned(),
                email: EmailAddress::parse("ann@school.example").unwrap(),
                role: None
            })
        );
        assert_eq!(
            new_contact("Ann", "ann@school.example", "Data Manager").unwrap().role.as_deref(),
            Some("Data Manager")
        );
    }
}
