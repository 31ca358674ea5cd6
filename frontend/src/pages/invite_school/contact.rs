//! Step 2: who at the school receives the invitation, who at the partner follows it, and, for a
//! partner with more than one, which app it is for.

use gatehouse_model::{AppSummary, ContactInput, EmailAddress};
use leptos::prelude::*;

use super::{Answers, Flow, STEPS, Step};
use crate::components::{ContactFields, FieldError, StepHeading, TextField, contact_input, described_by};

impl Answers {
    /// `check_contact` of the answers as they stand.
    pub(super) fn checked_contact(&self) -> Result<(ContactInput, Option<String>), (&'static str, &'static str)> {
        check_contact(
            &self.contact.name.get_untracked(),
            &self.contact.email.get_untracked(),
            &self.contact.role.get_untracked(),
            self.may_authorise.get_untracked(),
            &self.partner.get_untracked(),
        )
    }
}

/// The contact step's answers as the request takes them, or the first thing missing.
fn check_contact(
    name: &str,
    email: &str,
    role: &str,
    may_authorise: bool,
    partner: &str,
) -> Result<(ContactInput, Option<String>), (&'static str, &'static str)> {
    let contact = contact_input(name, email, role, "Enter the name of the person at the school.")?;
    if !may_authorise {
        return Err((
            "contact_may_authorise",
            "Confirm that this person may share data for the school, or invite someone who may.",
        ));
    }
    let partner = partner.trim();
    if !partner.is_empty() && EmailAddress::parse(partner).is_err() {
        return Err((
            "partner_contact",
            "Enter a colleague's email address, or leave it empty to be the contact yourself.",
        ));
    }
    let partner = Some(partner.to_owned()).filter(|partner| !partner.is_empty());
    Ok((contact, partner))
}

/// Step 2: who at the school receives the invitation, and who at the partner follows it.
#[component]
pub(super) fn ContactStep(answers: Answers, flow: Flow) -> impl IntoView {
    let school = answers.school.get_untracked().map(|school| school.name).unwrap_or_default();
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match answers.checked_contact() {
            Ok(_) => {
                flow.invalid.set(None);
                flow.step.set(Step::Review);
            }
            Err((field, text)) => flow.invalid.set(Some((field, text.to_owned()))),
        }
    };
    let may_authorise_problem = flow.problem("contact_may_authorise");
    let partner_hint = move || match flow.me.get() {
        Some(me) => format!(
            "A colleague at {} who follows this invitation. Leave it empty to follow it yourself ({}).",
            me.partner_name, me.email
        ),
        None => "A colleague who follows this invitation. Leave it empty to follow it yourself.".to_owned(),
    };
    let apps = move || flow.me.get().map(|me| me.apps).filter(|apps| apps.len() > 1);
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <StepHeading step=2 of=STEPS.len() title=format!("Who at {school} should receive the invitation?") />
            <p class="hint">
                "They get the Begin Authorisation link. If they are not the right person to decide, they can \
                 forward it to whoever is."
            </p>
            <ContactFields
                flow=flow.wizard
                answers=answers.contact
                prefix="contact"
                role_hint="For example Headteacher, Business Manager or Data Manager."
            />
            <div class="field">
                <div class="choice">
                    <input
                        type="checkbox"
                        id="contact-may-authorise"
                        aria-describedby=move || {
                            described_by(
                                Some("contact-may-authorise-hint"),
                                may_authorise_problem.read().as_ref().map(|_| "contact-may-authorise-error"),
                            )
                        }
                        aria-invalid=move || may_authorise_problem.read().is_some().then_some("true")
                        prop:checked=move || answers.may_authorise.get()
                        on:change=move |event| {
                            answers.may_authorise.set(event_target_checked(&event));
                            flow.edited.run(());
                        }
                    />
                    <label for="contact-may-authorise">
                        "This person is authorised to share data on the school's behalf"
                    </label>
                </div>
                <p class="hint" id="contact-may-authorise-hint">
                    "Required: for example the headteacher, business manager or data protection lead."
                </p>
                {move || {
                    may_authorise_problem.get().map(|problem| view! { <FieldError id="contact-may-authorise-error" problem /> })
                }}
            </div>
            {move || {
                let hint = partner_hint();
                view! {
                    <TextField
                        id="partner-contact"
                        label="Partner contact email (optional)"
                        kind="email"
                        hint
                        value=answers.partner
                        problem=flow.problem("partner_contact")
                        on_edit=flow.edited
                    />
                }
            }}
            {move || apps().map(|apps| view! { <AppChoice apps chosen=answers.app /> })}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <button type="button" class="secondary" on:click=move |_| flow.step.set(Step::Find)>"Back"</button>
            </div>
        </form>
    }
}

/// Which of the partner's apps the school is invited to, for a partner with more than one.
#[component]
fn AppChoice(apps: Vec<AppSummary>, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let first = apps.first().map(|app| app.app_id.clone());
    let current = chosen.get_untracked().or(first);
    let options = apps
        .into_iter()
        .map(|app| {
            let selected = Some(&app.app_id) == current.as_ref();
            view! { <option value=app.app_id selected=selected>{app.name}</option> }
        })
        .collect_view();
    view! {
        <div class="field app-choice">
            <label for="invite-app">"App"</label>
            <select id="invite-app" on:change=move |event| chosen.set(Some(event_target_value(&event)))>
                {options}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contact_needs_a_name_an_address_and_the_confirmation() {
        assert_eq!(check_contact("", "a@b.example", "", true, "").unwrap_err().0, "name");
        assert_eq!(check_contact("Bea", "bea", "", true, "").unwrap_err().0, "email");
        assert_eq!(check_contact("Bea", "bea@school.example", "", false, "").unwrap_err().0, "contact_may_authorise");
        assert_eq!(check_contact("Bea", "bea@school.example", "", true, "sam").unwrap_err().0, "partner_contact");
        let (contact, partner) =
            check_contact(" Bea Bursar ", " bea@school.example ", " Business Manager ", true, " ").unwrap();
        assert_eq!(
            contact,
            ContactInput {
                name: "Bea Bursar".to_owned(),
                email: EmailAddress::parse("bea@school.example").unwrap(),
                role: Some("Business Manager".to_owned())
            }
        );
        assert_eq!(partner, None);
        let (_, partner) = check_contact("Bea", "bea@school.example", "", true, "sam@partner.example").unwrap();
        assert_eq!(partner.as_deref(), Some("sam@partner.example"));
    }
}
