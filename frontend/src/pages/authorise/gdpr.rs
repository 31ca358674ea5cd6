//! Step 4: Include All or Exclude All, each explained.

use gatehouse_model::GdprMode;
use leptos::prelude::*;

use super::{Answers, Flow, Question, Radio, Step, StepForm, once_answered};

/// What Include All and Exclude All mean, in words a school office understands.
pub(super) fn gdpr_explanation(mode: GdprMode) -> &'static str {
    match mode {
        GdprMode::IncludeAll => {
            "Everyone in the data areas you approve is shared, except the individuals you choose to exclude."
        }
        GdprMode::ExcludeAll => {
            "Only the people you explicitly select are shared. Nobody is shared until you select them."
        }
    }
}

/// Step 4: Include All or Exclude All, each explained.
#[component]
pub(super) fn GdprStep(answers: Answers, flow: Flow) -> impl IntoView {
    let radios = GdprMode::ALL
        .into_iter()
        .map(|mode| {
            let id = match mode {
                GdprMode::IncludeAll => "gdpr-include-all",
                GdprMode::ExcludeAll => "gdpr-exclude-all",
            };
            view! {
                <Radio
                    id=id.to_owned()
                    name="gdpr-mode"
                    label=mode.label()
                    explanation=gdpr_explanation(mode)
                    answer=answers.gdpr
                    value=mode
                    flow
                />
            }
        })
        .collect_view();
    let next = once_answered(flow, answers.gdpr, Step::Feed, ("gdpr_mode", "Choose Include All or Exclude All."));
    view! {
        <StepForm flow back=Step::Scopes next>
            <Question
                flow
                step=Step::Gdpr
                title="GDPR mode: who is shared by default?"
                field="gdpr_mode"
                error_id="gdpr-mode-error"
            >
                <p class="hint">"You can exclude or select individual people later, and change the mode."</p>
                {radios}
            </Question>
        </StepForm>
    }
}
