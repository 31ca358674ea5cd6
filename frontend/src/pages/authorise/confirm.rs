//! Step 7: what authorising means, and Authorise Sharing.

use gatehouse_model::InvitationSummary;
use leptos::prelude::*;

use super::{Answers, BackButton, Flow, STEPS, Step, person};
use crate::components::{ProblemAlert, StepHeading, problem_unclaimed};

/// Step 7: what authorising means, and Authorise Sharing.
#[component]
pub(super) fn ConfirmStep(
    summary: StoredValue<InvitationSummary>,
    answers: Answers,
    flow: Flow,
    authorise: Callback<()>,
) -> impl IntoView {
    let (school, app, partner) =
        summary.with_value(|s| (s.school_name.clone(), s.app_name.clone(), s.partner_name.clone()));
    let who = person(&answers.approver_name.get_untracked(), Some(&answers.approver_role.get_untracked()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        authorise.run(());
    };
    view! {
        <form class="wizard-step" novalidate on:submit=submit>
            <StepHeading step=7 of=STEPS.len() title="Authorise sharing" />
            <div class="summary declaration">
                <p class="summary-lead">
                    {format!(
                        "By authorising, you, {who}, confirm that you may share {school}'s data, and allow {app} \
                         from {partner} to read it as your answers say."
                    )}
                </p>
                <p>"Gatehouse keeps a record of this in the school's Authorisation Log and emails you a receipt."</p>
            </div>
            {move || {
                problem_unclaimed(flow.error.get(), &["has_authority", "approver_name", "approver_role", "mis", "approved_scopes"])
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div class="form-buttons">
                <button type="submit" disabled=move || flow.pending.get()>"Authorise Sharing"</button>
                <BackButton flow to=Step::Check />
            </div>
        </form>
    }
}
