//! A failed call shown to a person: the problem's `detail`, announced as an alert, and the
//! request id to quote to support. A problem that names a field (`new_contact.email`) shows
//! beside that field; one that names none, or a field the form does not have, beside the
//! form's buttons.

use leptos::error::Errors;
use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn ProblemAlert(error: ApiError) -> impl IntoView {
    let reference = error.request_id().map(str::to_owned);
    view! { <ProblemText detail=error.to_string() reference /> }
}

/// Fallback of an `ErrorBoundary`: one alert per error caught below it.
pub fn problem_alerts(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let reference = error.downcast_ref::<ApiError>().and_then(ApiError::request_id).map(str::to_owned);
                view! { <ProblemText detail=error.to_string() reference /> }
            })
            .collect_view()
    }
}

/// The same alert for a sentence the screen says itself, such as a required field left empty.
#[component]
pub fn InputProblem(#[prop(into)] detail: String) -> impl IntoView {
    view! { <ProblemText detail reference=None /> }
}

/// The reference sits outside the alert so a screen reader announces only the sentence.
#[component]
fn ProblemText(detail: String, reference: Option<String>) -> impl IntoView {
    view! {
        <div class="problem">
            <p role="alert">{detail}</p>
            {reference.map(|id| view! { <p class="problem-reference">"Reference for support: " <code>{id}</code></p> })}
        </div>
    }
}

/// The problem to show beside the input for one of `names`, when the API's problem names that
/// field, directly or nested (`email` matches `new_contact.email`).
pub fn problem_for(error: Option<ApiError>, names: &[&str]) -> Option<ApiError> {
    error.filter(|error| error.field().is_some_and(|field| names.iter().any(|name| names_field(field, name))))
}

/// The problem no input of the form claims: it shows beside the form's buttons.
pub fn problem_unclaimed(error: Option<ApiError>, names: &[&str]) -> Option<ApiError> {
    error.filter(|error| error.field().is_none_or(|field| !names.iter().any(|name| names_field(field, name))))
}

/// Whether the problem's `field` is the input `name`.
pub fn names_field(field: &str, name: &str) -> bool {
    field == name || field.rsplit('.').next() == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Problem;

    fn problem_on(field: Option<&str>) -> Option<ApiError> {
        Some(ApiError::Problem(Box::new(Problem {
            problem_type: "/problems/invalid".to_owned(),
            title: "Invalid".to_owned(),
            status: 422,
            detail: "Enter an email address.".to_owned(),
            code: "invalid".to_owned(),
            field: field.map(str::to_owned),
            request_id: None,
        })))
    }

    #[test]
    fn a_problem_shows_beside_the_field_it_names_or_else_beside_the_buttons() {
        let names = ["name", "email", "role"];
        assert!(problem_for(problem_on(Some("new_contact.email")), &["email"]).is_some());
        assert!(problem_unclaimed(problem_on(Some("new_contact.email")), &names).is_none());
        assert!(problem_for(problem_on(Some("revoke_on")), &["email"]).is_none());
        assert!(problem_unclaimed(problem_on(Some("revoke_on")), &names).is_some());
        assert!(problem_unclaimed(problem_on(None), &names).is_some());
        assert!(problem_unclaimed(Some(ApiError::Unreachable), &names).is_some());
    }

    #[test]
    fn a_nested_field_is_named_by_its_last_part() {
        assert!(names_field("new_contact.email", "email"));
        assert!(names_field("note", "note"));
        assert!(!names_field("new_contact.email", "contact"));
    }
}
