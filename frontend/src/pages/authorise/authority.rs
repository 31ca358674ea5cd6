//! Step 1: does this person decide for the school? Yes: their name and role. No: who does, and
//! the invitation goes to them.

use gatehouse_model::{ForwardInvitationRequest, InvitationSummary};
use leptos::prelude::*;

use super::{Answers, Flow, Question, Radio, Step};
use crate::components::{ContactFields, ProblemAlert, TextField, problem_unclaimed};

/// Step 1: does this person decide for the school? Yes: their name and role. No: who does, and
/// the invitation goes to them.
#[component]
pub(super) fn AuthorityStep(
    summary: StoredValue<InvitationSummary>,
    answers: Answers,
    flow: Flow,
    forward: Callback<ForwardInvitationRequest>,
    token: StoredValue<String>,
) -> impl IntoView {
    let school = summary.with_value(|s| s.school_name.clone());
    let contact = summary.with_value(|s| s.contact_name.clone());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match answers.has_authority.get_untracked() {
            None => flow.invalid.set(Some(("has_authority", "Choose Yes or No.".to_owned()))),
            Some(true) => {
                if answers.approver_name.get_untracked().trim().is_empty() {
                    flow.invalid.set(Some(("approver_name", "Enter your name.".to_owned())));
                } else if answers.approver_role.get_untracked().trim().is_empty() {
                    flow.invalid.set(Some(("approver_role", "Enter your role at the school.".to_owned())));
                } else {
                    flow.go(Step::Mis);
                }
            }
            Some(false) => match answers.forward.checked("Enter the name of the person who should decide.") {
                Err((field, text)) => flow.invalid.set(Some((field, text.to_owned()))),
                Ok(to) => {
                    flow.invalid.set(None);
                    let from = answers.from_name.get_untracked().trim().to_owned();
                    forward.run(ForwardInvitationRequest {
                        token: token.get_value(),
                        to,
                        from_name: Some(from).filter(|from| !from.is_empty()),
                    });
                }
            },
        }
    };
    view! {
        <form class="wizard-step" novalidate on:submit=submit>
            <Question
                flow
                step=Step::Authority
                title=format!("Do you have authority to share data on {school}'s behalf?")
                field="has_authority"
                error_id="has-authority-error"
            >
                <p class="hint">
                    {format!(
                        "The invitation was sent to {contact}. Whoever authorises decides for the whole school, \
                         for example as headteacher, business manager or data protection lead."
                    )}
                </p>
                <Radio
                    id="authority-yes".to_owned()
                    name="has-authority"
                    label="Yes, I can decide this for the school"
                    answer=answers.has_authority
                    value=true
                    flow
                />
                <Radio
                    id="authority-no".to_owned()
                    name="has-authority"
                    label="No, someone else should decide"
                    explanation="We send them the invitation, and this link stops working."
                    answer=answers.has_authority
                    value=false
                    flow
                />
            </Question>
            <Show when=move || answers.has_authority.get() == Some(true)>
                <TextField
                    id="approver-name"
                    label="Your name"
                    autocomplete="name"
                    value=answers.approver_name
                    problem=flow.problem("approver_name")
                    on_edit=flow.edited
                />
                <TextField
                    id="approver-role"
                    label="Your role"
                    hint="For example Headteacher, Business Manager or Data Protection Lead."
                    autocomplete="organization-title"
                    value=answers.approver_role
                    problem=flow.problem("approver_role")
                    on_edit=flow.edited
                />
                <div class="form-buttons">
                    <button type="submit">"Next"</button>
                </div>
            </Show>
            <Show when=move || answers.has_authority.get() == Some(false)>
                <fieldset class="forward">
                    <legend>"Who should decide for the school?"</legend>
                    <ContactFields
                        flow
                        answers=answers.forward
                        prefix="forward"
                        their=true
                        role_hint="For example Headteacher."
                    />
                    <TextField
                        id="forward-from"
                        label="Your name (optional)"
                        hint="So they know who sent it on."
                        autocomplete="name"
                        value=answers.from_name
                        problem=flow.problem("from_name")
                        on_edit=flow.edited
                    />
                </fieldset>
                {move || {
                    let claimed = ["has_authority", "name", "email", "school_contact", "role", "from_name"];
                    problem_unclaimed(flow.error.get(), &claimed).map(|error| view! { <ProblemAlert error /> })
                }}
                <div class="form-buttons">
                    <button type="submit" disabled=move || flow.pending.get()>"Send the invitation to them"</button>
                </div>
            </Show>
            {move || {
                (answers.has_authority.get().is_none())
                    .then(|| view! {
                        <div class="form-buttons">
                            <button type="submit">"Next"</button>
                        </div>
                    })
            }}
        </form>
    }
}
