//! Step 6: every answer, each with a way back to change it.

use gatehouse_model::{GdprMode, InvitationSummary, Scope, ScopeSet};
use leptos::prelude::*;

use super::gdpr::gdpr_explanation;
use super::{Answers, Flow, STEPS, Step, StepForm, person};
use crate::components::StepHeading;

pub(super) fn scope_names<'a>(scopes: impl IntoIterator<Item = &'a Scope>) -> String {
    let names: Vec<&str> = scopes.into_iter().map(|scope| scope.label()).collect();
    if names.is_empty() { "none".to_owned() } else { names.join(", ") }
}

/// Step 6: every answer, each with a way back to change it.
#[component]
pub(super) fn CheckStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let (app, granted) = summary.with_value(|s| (s.app_name.clone(), s.granted_scopes.clone()));
    let requested = summary.with_value(|s| s.requested_scopes.clone());
    let approved = answers.approved.get_untracked();
    let scopes_text = if granted.is_empty() {
        scope_names(&approved)
    } else {
        let asked: ScopeSet = requested.difference(&granted).copied().collect();
        let declined: ScopeSet = asked.difference(&approved).copied().collect();
        let kept: ScopeSet = granted.intersection(&requested).copied().collect();
        format!(
            "Already shared: {}. Newly approved: {}. Not approved: {}.",
            scope_names(&kept),
            scope_names(&approved),
            scope_names(&declined)
        )
    };
    let gdpr = answers.gdpr.get_untracked().unwrap_or(GdprMode::IncludeAll);
    let feed = if answers.pause.get_untracked() {
        format!("Paused: {app} reads nothing until you enable the feed.")
    } else {
        format!("Enabled: {app} can read the approved data at once.")
    };
    let rows: Vec<(&'static str, String, Step)> = vec![
        (
            "You",
            person(&answers.approver_name.get_untracked(), Some(&answers.approver_role.get_untracked())),
            Step::Authority,
        ),
        ("MIS", answers.mis.get_untracked().unwrap_or_default(), Step::Mis),
        ("Data areas", scopes_text, Step::Scopes),
        ("GDPR mode", format!("{}: {}", gdpr.label(), gdpr_explanation(gdpr)), Step::Gdpr),
        ("Feed", feed, Step::Feed),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, value, step)| {
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                    <dd class="change">
                        <button type="button" class="link-button" on:click=move |_| flow.go(step)>
                            "Change"
                            <span class="visually-hidden">{format!(" {label}")}</span>
                        </button>
                    </dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <StepForm flow back=Step::Feed next=move || flow.go(Step::Confirm)>
            <StepHeading step=6 of=STEPS.len() title="Check your answers" />
            <dl class="review answers">{rows}</dl>
        </StepForm>
    }
}
