//! Revoke Access from the school tile (P6) in three steps: why, from when, and a summary to
//! confirm.

use gatehouse_model::{RevokeReason, RevokeRequest};
use leptos::html::H4;
use leptos::prelude::*;

use super::Run;
use crate::api::SchoolCommand;
use crate::components::{
    CheckedField, InputProblem, LabelAndHint, Missing, ProblemAlert, RadioChoices, focused_on_load, names_field,
    problem_for, problem_unclaimed, when_valid,
};
use crate::dates::{long_date, today};

/// The revoke wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Reason,
    Date,
    Confirm,
}

/// The first step's answer, or what is missing from it.
fn check_reason(reason: Option<RevokeReason>, note: &str) -> Result<RevokeReason, (&'static str, &'static str)> {
    match reason {
        None => Err(("reason", "Choose why you are revoking access.")),
        Some(RevokeReason::Other) if note.trim().is_empty() => {
            Err(("note", "Say why in the note: it is required when the reason is Other."))
        }
        Some(reason) => Ok(reason),
    }
}

/// The second step's date, `YYYY-MM-DD` (ISO dates compare as text), against today.
fn check_date(date: &str, today: &str) -> Result<(), (&'static str, &'static str)> {
    if date.is_empty() {
        Err(("revoke_on", "Choose the date from which access ends."))
    } else if date < today {
        Err(("revoke_on", "Choose today or a later date: access cannot end in the past."))
    } else {
        Ok(())
    }
}

/// Revoke Access in three steps: why, from when, and a summary to confirm.
#[component]
pub(super) fn RevokeWizard(school: String, app: String, run: Run) -> impl IntoView {
    let step = RwSignal::new(Step::Reason);
    let reason = RwSignal::new(None::<RevokeReason>);
    let note = RwSignal::new(String::new());
    let today = today();
    let date = RwSignal::new(today.clone());
    let invalid = RwSignal::new(None as Missing);
    // A problem the server found with an earlier step's answer takes the user back to it.
    Effect::new(move || {
        let field = run.error.get().and_then(|error| error.field().map(str::to_owned));
        match field {
            Some(field) if names_field(&field, "reason") || names_field(&field, "note") => step.set(Step::Reason),
            Some(field) if names_field(&field, "revoke_on") => step.set(Step::Date),
            _ => {}
        }
    });
    let problem = move |name: &'static str| {
        let own = invalid.get().filter(|(field, _)| *field == name).map(|(_, text)| text);
        let server = problem_for(run.error.get(), &[name]);
        (own.map(|text| view! { <InputProblem detail=text /> }), server.map(|error| view! { <ProblemAlert error /> }))
    };
    let invalid_attr = move |name: &'static str| {
        let own = invalid.get().is_some_and(|(field, _)| field == name);
        (own || problem_for(run.error.get(), &[name]).is_some()).then_some("true")
    };

    let reason_step = move || {
        let reasons = RevokeReason::ALL
            .into_iter()
            .enumerate()
            .map(|(index, choice)| (format!("revoke-reason-{index}"), choice.label().to_owned(), Some(choice)))
            .collect();
        let next = move || {
            when_valid(invalid, check_reason(reason.get_untracked(), &note.get_untracked()), |_| step.set(Step::Date))
        };
        view! {
            <StepForm number=1 next back="Cancel" on_back=move || run.cancel.run(())>
                <fieldset aria-invalid=move || invalid_attr("reason")>
                    <legend>"Why are you revoking access?"</legend>
                    <RadioChoices
                        name="revoke-reason"
                        choices=reasons
                        answer=reason
                        on_choose=Callback::new(move |()| invalid.set(None))
                    />
                </fieldset>
                {move || problem("reason")}
                <CheckedField
                    name="note"
                    id="revoke-note"
                    label="Note"
                    hint="Kept in the Authorisation Log. Required when the reason is Other."
                    kind="textarea"
                    value=note
                    invalid
                    error=run.error
                />
            </StepForm>
        }
    };

    let date_step = {
        let today = today.clone();
        move || {
            let min = today.clone();
            let checked_against = today.clone();
            let set_date = move |event: leptos::ev::Event| {
                date.set(event_target_value(&event));
                invalid.set(None);
            };
            let next = move || {
                when_valid(invalid, check_date(&date.get_untracked(), &checked_against), |()| step.set(Step::Confirm))
            };
            view! {
                <StepForm number=2 next back="Back" on_back=move || step.set(Step::Reason)>
                    <div class="field">
                        <LabelAndHint
                            id="revoke-on"
                            label="Access ends on"
                            hint="Today ends access at once. A later date keeps the school in Active Schools, \
                                  marked Revoke Pending, until that date."
                        />
                        <input
                            type="date"
                            id="revoke-on"
                            min=min
                            required
                            aria-describedby="revoke-on-hint"
                            aria-invalid=move || invalid_attr("revoke_on")
                            prop:value=move || date.get()
                            on:input=set_date
                            on:change=set_date
                        />
                        {move || problem("revoke_on")}
                    </div>
                </StepForm>
            }
        }
    };

    let confirm_step = move || {
        let heading = focused_on_load::<H4>();
        let (school, app) = (school.clone(), app.clone());
        let ends = date.get_untracked();
        let at_once = ends == today;
        let ends_sentence = if at_once {
            format!("Access ends on {} (today): {app} stops reading {school}'s data at once.", long_date(&ends))
        } else {
            format!(
                "Access ends on {}. Until then {school} stays in Active Schools, marked Revoke Pending, \
                 and you can still cancel the revocation.",
                long_date(&ends)
            )
        };
        let chosen = reason.get_untracked().map(RevokeReason::label).unwrap_or_default();
        let note_text = note.get_untracked().trim().to_owned();
        let reason_text = if note_text.is_empty() { chosen.to_owned() } else { format!("{chosen}: {note_text}") };
        let send = move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            // The steps before were checked on the way here.
            let Some(reason) = reason.get_untracked() else { return step.set(Step::Reason) };
            let note = Some(note.get_untracked().trim().to_owned()).filter(|note| !note.is_empty());
            run.send.run(SchoolCommand::Revoke(RevokeRequest { reason, note, revoke_on: date.get_untracked() }));
        };
        view! {
            <form class="panel-form" on:submit=send>
                <h4 tabindex="-1" node_ref=heading>"Revoke access: step 3 of 3"</h4>
                <div class="summary">
                    <p class="summary-lead">{ends_sentence}</p>
                    <p>
                        {format!(
                            "Schools must authorise again before {app} can read their data once access has ended: \
                             to work with {school} again, re-invite it from Revoked Schools."
                        )}
                    </p>
                    <dl class="facts wide">
                        <div>
                            <dt>"Reason"</dt>
                            <dd>{reason_text}</dd>
                        </div>
                    </dl>
                </div>
                {move || {
                    problem_unclaimed(run.error.get(), &["reason", "note", "revoke_on"])
                        .map(|error| view! { <ProblemAlert error /> })
                }}
                <div class="form-buttons">
                    <button type="submit" class="danger" disabled=move || run.pending.get()>
                        "Confirm revocation"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| step.set(Step::Date)>"Back"</button>
                </div>
            </form>
        }
    };

    move || match step.get() {
        Step::Reason => reason_step().into_any(),
        Step::Date => date_step().into_any(),
        Step::Confirm => confirm_step().into_any(),
    }
}

/// The form of the first two steps: "Revoke access: step N of 3", `children`, then Next, which
/// runs `next` (check the answer, then go on), and `back` (Cancel or Back), which runs `on_back`.
#[component]
fn StepForm(
    number: u8,
    next: impl Fn() + 'static,
    back: &'static str,
    on_back: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    let heading = focused_on_load::<H4>();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        next();
    };
    view! {
        <form class="panel-form" novalidate on:submit=submit>
            <h4 tabindex="-1" node_ref=heading>{format!("Revoke access: step {number} of 3")}</h4>
            {children()}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <button type="button" class="secondary" on:click=move |_| on_back()>{back}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_needs_a_note() {
        assert_eq!(check_reason(None, "").unwrap_err().0, "reason");
        assert_eq!(check_reason(Some(RevokeReason::Other), "  ").unwrap_err().0, "note");
        assert_eq!(check_reason(Some(RevokeReason::Other), "Closing"), Ok(RevokeReason::Other));
        assert_eq!(check_reason(Some(RevokeReason::SchoolAsked), ""), Ok(RevokeReason::SchoolAsked));
    }

    #[test]
    fn access_ends_today_or_later() {
        assert!(check_date("2025-12-01", "2025-12-01").is_ok());
        assert!(check_date("2026-01-05", "2025-12-01").is_ok());
        assert_eq!(check_date("2025-11-30", "2025-12-01").unwrap_err().0, "revoke_on");
        assert_eq!(check_date("", "2025-12-01").unwrap_err().0, "revoke_on");
    }
}
