//! Step 5: optionally pause the feed until the people to share are chosen.

use gatehouse_model::InvitationSummary;
use leptos::prelude::*;

use super::{Answers, BackButton, Flow, STEPS, Step};
use crate::components::StepHeading;

/// Step 5: optionally pause the feed until the people to share are chosen.
#[component]
pub(super) fn FeedStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let app = summary.with_value(|s| s.app_name.clone());
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        flow.go(Step::Check);
    };
    view! {
        <form class="wizard-step" novalidate on:submit=next>
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
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=Step::Gdpr />
            </div>
        </form>
    }
}
