//! Step 2: the school's MIS, preselected when the invitation names it.

use gatehouse_model::{InvitationSummary, MIS_CHOICES};
use leptos::prelude::*;

use super::{Answers, Flow, Question, Radio, Step, StepForm, once_answered};

/// The MIS to preselect: the one the invitation names, spelt as in the choices.
pub(super) fn preselected_mis(mis: Option<&str>) -> Option<String> {
    let mis = mis?.trim();
    MIS_CHOICES.iter().find(|choice| choice.eq_ignore_ascii_case(mis)).map(|choice| (*choice).to_owned())
}

/// Step 2: the school's MIS, preselected when the invitation names it.
#[component]
pub(super) fn MisStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let school = summary.with_value(|s| s.school_name.clone());
    let known = summary.with_value(|s| preselected_mis(s.mis.as_deref()).is_some());
    let radios = MIS_CHOICES
        .iter()
        .enumerate()
        .map(|(index, &choice)| {
            view! {
                <Radio id=format!("mis-{index}") name="mis" label=choice answer=answers.mis value=choice.to_owned() flow />
            }
        })
        .collect_view();
    let next = once_answered(flow, answers.mis, Step::Scopes, ("mis", "Choose the MIS your school uses, or Other."));
    view! {
        <StepForm flow back=Step::Authority next>
            <Question
                flow
                step=Step::Mis
                title=format!("Which MIS does {school} use?")
                class="question mis-choices"
                field="mis"
                error_id="mis-error"
            >
                <p class="hint">
                    "The management information system where the school keeps pupil and staff records."
                    {known.then_some(" We chose the one we know of; change it if it is wrong.")}
                </p>
                <div class="choice-columns">{radios}</div>
            </Question>
        </StepForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mis_is_preselected_only_when_it_is_one_of_the_choices() {
        assert_eq!(preselected_mis(Some("arbor")).as_deref(), Some("Arbor"));
        assert_eq!(preselected_mis(Some(" SIMS ")).as_deref(), Some("SIMS"));
        assert_eq!(preselected_mis(Some("Not detected")), None);
        assert_eq!(preselected_mis(None), None);
    }
}
