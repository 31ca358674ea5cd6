//! Step 1: search the register of schools as the user types, then choose one open school.

use std::time::Duration;

use gatehouse_model::{DirectoryQuery, DirectoryResults, DirectorySchool, EstablishmentStatus, NoBody, endpoint};
use leptos::prelude::*;

use super::{Answers, Flow, STEPS, Step, about_the_school};
use crate::api::{self, ApiError};
use crate::app::{PENDING_AUTHORISATIONS, sign_in_when};
use crate::components::{FieldError, FieldProblem, LabelAndHint, StepHeading, described_by};

/// How long typing must pause before the directory is searched.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// Whether the directory will search for `text`: it needs a word of two letters or digits.
fn searchable(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| word.chars().count() >= 2)
}

/// "URN 140004 · Birmingham · B2 1BE · Primary": what tells two schools of one name apart.
pub(super) fn school_facts(school: &DirectorySchool) -> String {
    [format!("URN {}", school.urn), school.local_authority.clone(), school.postcode.clone(), school.phase.clone()]
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "3 schools found." and, when the directory has more, how to narrow them down.
fn results_sentence(results: &DirectoryResults) -> String {
    let found = match results.items.len() {
        0 => "No school matches. Check the spelling, or search by URN or postcode.".to_owned(),
        1 => "1 school found.".to_owned(),
        n => format!("{n} schools found."),
    };
    if results.truncated { format!("{found} More schools match: type more to narrow the search.") } else { found }
}

/// Step 1: search the directory as the user types, then choose one open school.
#[component]
pub(super) fn FindStep(answers: Answers, flow: Flow) -> impl IntoView {
    // The last answer, with the text it answers. An answer to a text since replaced is dropped.
    let found = RwSignal::new(None::<(String, Result<DirectoryResults, ApiError>)>);
    let searched = RwSignal::new(String::new());
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let search_now = move |text: String| {
        if let Some(timer) = timer.try_get_value().flatten() {
            timer.clear();
        }
        searched.set(text.clone());
        if searchable(&text) {
            leptos::task::spawn_local(async move {
                let answer =
                    api::call::<endpoint::SearchDirectory>(&[], &DirectoryQuery { q: text.clone() }, &NoBody).await;
                // The step may have gone meanwhile, and its signals with it.
                if searched.try_get_untracked().as_deref() == Some(text.as_str()) {
                    found.try_set(Some((text, answer)));
                }
            });
        }
    };
    on_cleanup(move || {
        if let Some(timer) = timer.try_get_value().flatten() {
            timer.clear();
        }
    });
    // Back from step 2: the search typed before is shown again.
    search_now(answers.typed.get_untracked());
    let on_type = move |text: String| {
        answers.typed.set(text.clone());
        if let Some(timer) = timer.get_value() {
            timer.clear();
        }
        timer.set_value(set_timeout_with_handle(move || search_now(text), SEARCH_DELAY).ok());
    };
    // The answer to exactly what the box holds now; `None` while typing or searching.
    let answer = move || {
        let typed = answers.typed.get();
        found.get().filter(|(text, _)| *text == typed).map(|(_, answer)| answer)
    };
    sign_in_when(move || answer().and_then(Result::err).is_some_and(|error| error.requires_sign_in()));
    // The list stays while the next search runs, so it does not flicker with each key.
    let results = move || {
        if !searchable(&answers.typed.get()) || matches!(answer(), Some(Err(_))) {
            return None;
        }
        found.get().and_then(|(_, answer)| answer.ok())
    };
    let search_problem = Signal::derive(move || {
        let own = flow.invalid.get().filter(|(field, _)| *field == "q").map(|(_, text)| FieldProblem::Own(text));
        own.or_else(|| answer().and_then(Result::err).map(FieldProblem::Api))
    });
    let status = move || {
        if !searchable(&answers.typed.get()) {
            return String::new();
        }
        match answer() {
            Some(Ok(results)) => results_sentence(&results),
            Some(Err(_)) => String::new(),
            None => "Searching…".to_owned(),
        }
    };
    let school_problem = Signal::derive(move || {
        let own = flow.invalid.get().filter(|(field, _)| *field == "school").map(|(_, text)| FieldProblem::Own(text));
        own.or_else(|| flow.error.get().filter(about_the_school).map(FieldProblem::Api))
    });
    let choose = move |school: DirectorySchool| {
        answers.school.set(Some(school));
        flow.edited.run(());
    };
    let options = move || {
        results().map(|results| {
            let items = results
                .items
                .into_iter()
                .map(|school| view! { <SchoolOption school chosen=answers.school on_choose=choose /> })
                .collect_view();
            view! {
                <fieldset
                    class="school-results"
                    aria-describedby=move || school_problem.read().as_ref().map(|_| "school-error")
                >
                    <legend>"Matching schools"</legend>
                    {items}
                </fieldset>
            }
        })
    };
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match answers.school.get_untracked() {
            None => flow.invalid.set(Some(("school", "Choose the school to invite.".to_owned()))),
            Some(school) if school.status == EstablishmentStatus::Closed => flow.invalid.set(Some((
                "school",
                format!("{} is closed, so it cannot be invited. Choose an open school.", school.name),
            ))),
            Some(_) => {
                flow.invalid.set(None);
                flow.step.set(Step::Contact);
            }
        }
    };
    let chosen = move || {
        answers.school.get().map(|school| {
            view! {
                <p class="chosen-school">
                    "Chosen: " <strong>{school.name.clone()}</strong> {format!(" ({})", school_facts(&school))}
                </p>
            }
        })
    };
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <StepHeading step=1 of=STEPS.len() title="Find the school" />
            <div class="field search-field">
                <LabelAndHint
                    id="school-search"
                    label="School name, URN, local authority or postcode"
                    hint="Type at least 2 letters or digits, for example \u{201c}brookside infant\u{201d} or B2 1BE."
                />
                <input
                    id="school-search"
                    type="search"
                    autocomplete="off"
                    aria-describedby=move || {
                        described_by(Some("school-search-hint"), search_problem.read().as_ref().map(|_| "school-search-error"))
                    }
                    aria-invalid=move || search_problem.read().is_some().then_some("true")
                    prop:value=move || answers.typed.get()
                    on:input=move |event| on_type(event_target_value(&event))
                    on:keydown=move |event| {
                        // Enter searches at once rather than going on without a school.
                        if event.key() == "Enter" {
                            event.prevent_default();
                            search_now(answers.typed.get_untracked());
                        }
                    }
                />
                {move || search_problem.get().map(|problem| view! { <FieldError id="school-search-error" problem /> })}
            </div>
            <p class="search-status" role="status">{status}</p>
            {chosen}
            {options}
            {move || school_problem.get().map(|problem| view! { <FieldError id="school-error" problem /> })}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <a class="button secondary" href=PENDING_AUTHORISATIONS>"Cancel"</a>
            </div>
        </form>
    }
}

/// One school found: a radio button whose label says all that tells it apart. A closed school
/// is shown, marked Closed, but cannot be chosen.
#[component]
fn SchoolOption(
    school: DirectorySchool,
    chosen: RwSignal<Option<DirectorySchool>>,
    on_choose: impl Fn(DirectorySchool) + Copy + 'static,
) -> impl IntoView {
    let id = format!("school-{}", school.urn);
    let closed = school.status == EstablishmentStatus::Closed;
    let urn = school.urn.clone();
    let is_chosen = move || chosen.read().as_ref().is_some_and(|chosen| chosen.urn == urn);
    let facts = school_facts(&school);
    let name = school.name.clone();
    view! {
        <div class="school-option" class:closed=closed>
            <input
                type="radio"
                id=id.clone()
                name="school"
                value=school.urn.clone()
                disabled=closed
                prop:checked=is_chosen
                on:change=move |_| on_choose(school.clone())
            />
            <label for=id>
                // The spaces keep the parts apart in the label's accessible name.
                <span class="school-name">{name}</span>
                {closed.then(|| view! { " " <span class="badge closed-badge">"Closed"</span> })}
                " "
                <span class="school-facts">{facts}</span>
                {closed.then(|| view! { " " <span class="school-note">"Closed schools cannot be invited."</span> })}
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(name: &str, status: EstablishmentStatus) -> DirectorySchool {
        DirectorySchool {
            urn: "140004".to_owned(),
            name: name.to_owned(),
            local_authority: "Birmingham".to_owned(),
            postcode: "B2 1BE".to_owned(),
            phase: "Primary".to_owned(),
            status,
            email_domains: Vec::new(),
        }
    }

    #[test]
    fn the_directory_is_searched_once_a_word_has_two_characters() {
        assert!(!searchable(""));
        assert!(!searchable("b"));
        assert!(!searchable("a b c"));
        assert!(searchable("br"));
        assert!(searchable("B2 1BE"));
        assert!(searchable("st a"));
    }

    #[test]
    fn a_school_reads_with_what_tells_it_apart() {
        assert_eq!(
            school_facts(&school("Brookside Infant School", EstablishmentStatus::Open)),
            "URN 140004 · Birmingham · B2 1BE · Primary"
        );
    }

    #[test]
    fn truncated_results_ask_for_more_typing() {
        let one = DirectoryResults { items: vec![school("A", EstablishmentStatus::Open)], truncated: false };
        assert_eq!(results_sentence(&one), "1 school found.");
        let many = DirectoryResults { items: vec![school("A", EstablishmentStatus::Open); 20], truncated: true };
        assert_eq!(results_sentence(&many), "20 schools found. More schools match: type more to narrow the search.");
        let none = DirectoryResults { items: Vec::new(), truncated: false };
        assert!(results_sentence(&none).starts_with("No school matches."));
    }
}
