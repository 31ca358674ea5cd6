//! Step 5: optionally pause the feed until the people to share are chosen.

use gatehouse_model::InvitationSummary;
use leptos::prelude::*;

use super::{Answers, Flow, STEPS, Step, StepForm};
use crate::components::StepHeading;

/// Step 5: optionally pause the feed until the people to share are chosen.
#[component]
pub(super) fn FeedStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let app = summary.with_value(|s| s.app_name.clone());
    view! {
        <StepForm flow back=Step::Gdpr next=move || flow.go(Step::Check)>
            <StepHeading step=5 of=STEPS.len() title="Start sharing now, or pause the feed?" />
            <p class="hint">
                {format!("Unless you pause it, {app} can read the approved data as soon as you authorise.")}
            </p>
            <div class="field">
                <div class="choice">
                    <input
                        type="checkbox"
                        id="feed-pause"
                        aria-describedby="feed-pause-hint"
                        prop:checked=move || answers.pause.get()
                        on:change=move |event| answers.pause.set(event_target_checked(&event))
                    />
                    <label for="feed-pause">"Pause until I have chosen who to share"</label>
                </div>
                <p class="hint" id="feed-pause-hint">
                    {format!(
                        "{app} reads nothing until you enable the feed. Useful with Exclude All, while you \
                         select the people to share."
                    )}
                </p>
            </div>
        </StepForm>
    }
}
