//! Step 3: everything that will be sent, then Send.

use gatehouse_model::InviteSchoolRequest;
use leptos::prelude::*;

use super::find::school_facts;
use super::{Answers, CONTACT_FIELDS, Flow, STEPS, Step, about_the_school};
use crate::components::{ProblemAlert, StepHeading, problem_unclaimed};

/// Step 3: everything that will be sent, then Send.
#[component]
pub(super) fn ReviewStep(answers: Answers, flow: Flow) -> impl IntoView {
    let school = answers.school.get_untracked();
    let checked = answers.checked_contact();
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(school) = answers.school.get_untracked() else { return flow.step.set(Step::Find) };
        // The request names its app (`?app=`) even when the partner has only one.
        if answers.app.get_untracked().is_none() {
            answers.app.set(flow.me.get_untracked().and_then(|me| me.apps.first().map(|app| app.app_id.clone())));
        }
        match answers.checked_contact() {
            Ok((school_contact, partner_contact)) => flow.send.run(InviteSchoolRequest {
                urn: school.urn,
                school_contact,
                contact_may_authorise: true,
                partner_contact,
            }),
            Err(_) => flow.step.set(Step::Contact),
        }
    };
    let school_text = school.as_ref().map(|school| (school.name.clone(), school_facts(school))).unwrap_or_default();
    // The review is reached only with a checked contact; the blanks are never shown.
    let (contact_name, contact_text, contact_email, partner) = match checked {
        Ok((contact, partner)) => {
            let text = match &contact.role {
                Some(role) => format!("{}, {role}", contact.name),
                None => contact.name.clone(),
            };
            (contact.name, text, contact.email.as_str().to_owned(), partner)
        }
        Err(_) => Default::default(),
    };
    let partner_text = move || match (&partner, flow.me.get()) {
        (Some(partner), _) => partner.clone(),
        (None, Some(me)) => format!("You ({})", me.email),
        (None, None) => "You".to_owned(),
    };
    let app_text = move || {
        let me = flow.me.get()?;
        let chosen = answers.app.get();
        let app = me.apps.iter().find(|app| Some(&app.app_id) == chosen.as_ref()).or(me.apps.first())?;
        Some(app.name.clone())
    };
    view! {
        <form class="wizard-step" novalidate on:submit=send>
            <StepHeading step=3 of=STEPS.len() title="Review and send" />
            <dl class="review">
                <div>
                    <dt>"School"</dt>
                    <dd>
                        <span class="review-main">{school_text.0}</span>
                        " "
                        <span class="hint">{school_text.1}</span>
                    </dd>
                </div>
                <div>
                    <dt>"School contact"</dt>
                    <dd>
                        <span class="review-main">{contact_text}</span>
                        " "
                        <span>{contact_email}</span>
                    </dd>
                </div>
                <div>
                    <dt>"May share data for the school"</dt>
                    <dd>"Yes, you confirmed it"</dd>
                </div>
                <div>
                    <dt>"Partner contact"</dt>
                    <dd>{partner_text}</dd>
                </div>
                {move || app_text().map(|app| view! {
                    <div>
                        <dt>"App"</dt>
                        <dd>{app}</dd>
                    </div>
                })}
            </dl>
            <p>
                {format!(
                    "Gatehouse emails {} a Begin Authorisation link that works for 30 days. Until the school \
                     authorises, you find it in Pending Authorisations.",
                    contact_name
                )}
            </p>
            {move || {
                problem_unclaimed(flow.error.get(), &CONTACT_FIELDS)
                    .filter(|error| !about_the_school(error))
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div class="form-buttons">
                <button type="submit" disabled=move || flow.pending.get()>"Send invitation"</button>
                <button type="button" class="secondary" on:click=move |_| flow.step.set(Step::Contact)>"Back"</button>
            </div>
        </form>
    }
}
