//! Step 2: the school's MIS, preselected when the invitation names it.

use gatehouse_model::{InvitationSummary, MIS_CHOICES};
use leptos::prelude::*;

use super::{Answers, BackButton, Flow, Radio, STEPS, Step, group_problem_attrs};
use crate::components::{FieldError, StepHeading};

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
    let problem = flow.problem("mis");
    let (described, invalid) = group_problem_attrs(problem, "mis-error");
    let radios = MIS_CHOICES
        .iter()
        .enumerate()
        .map(|(index, &choice)| {
            view! {
                <Radio
                    id=format!("mis-{index}")
                    name="mis"
                    label=choice
                    checked=Signal::derive(move || answers.mis.read().as_deref() == Some(choice))
                    on_choose=Callback::new(move |()| {
                        answers.mis.set(Some(choice.to_owned()));
                        flow.edited.run(());
                    })
                />
            }
        })
        .collect_view();
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if answers.mis.get_untracked().is_none() {
            flow.invalid.set(Some(("mis", "Choose the MIS your school uses, or Other.".to_owned())));
        } else {
            flow.go(Step::Scopes);
        }
    };
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <fieldset class="question mis-choices" aria-describedby=described aria-invalid=invalid>
                <legend>
                    <StepHeading step=2 of=STEPS.len() title=format!("Which MIS does {school} use?") />
                </legend>
                <p class="hint">
                    "The management information system where the school keeps pupil and staff records."
                    {known.then_some(" We chose the one we know of; change it if it is wrong.")}
                </p>
                <div class="choice-columns">{radios}</div>
            </fieldset>
            {move || problem.get().map(|problem| view! { <FieldError id="mis-error" problem /> })}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=Step::Authority />
            </div>
        </form>
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
