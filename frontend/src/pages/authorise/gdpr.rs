//! Step 4: Include All or Exclude All, each explained.

use gatehouse_model::GdprMode;
use leptos::prelude::*;

use super::{Answers, BackButton, Flow, Radio, STEPS, Step, group_problem_attrs};
use crate::components::{FieldError, StepHeading};

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
    let problem = flow.problem("gdpr_mode");
    let (described, invalid) = group_problem_attrs(problem, "gdpr-mode-error");
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
                    checked=Signal::derive(move || answers.gdpr.get() == Some(mode))
                    on_choose=Callback::new(move |()| {
                        answers.gdpr.set(Some(mode));
                        flow.edited.run(());
                    })
                />
            }
        })
        .collect_view();
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if answers.gdpr.get_untracked().is_none() {
            flow.invalid.set(Some(("gdpr_mode", "Choose Include All or Exclude All.".to_owned())));
        } else {
            flow.go(Step::Feed);
        }
    };
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <fieldset class="question" aria-describedby=described aria-invalid=invalid>
                <legend>
                    <StepHeading step=4 of=STEPS.len() title="GDPR mode: who is shared by default?" />
                </legend>
                <p class="hint">"You can exclude or select individual people later, and change the mode."</p>
                {radios}
            </fieldset>
            {move || problem.get().map(|problem| view! { <FieldError id="gdpr-mode-error" problem /> })}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=Step::Scopes />
            </div>
        </form>
    }
}
