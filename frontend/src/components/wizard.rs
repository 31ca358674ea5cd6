//! What the full-page wizards share (P7 Invite School, S2 authorisation): the list of steps with
//! the current one marked, a step heading that takes the focus when its step appears, and inputs
//! whose problem, the screen's own or the API's, is shown under them and tied to them with
//! `aria-describedby`, so a screen reader reads it with the field.

use gatehouse_model::{ContactInput, EmailAddress};
use leptos::html::H2;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{InputProblem, ProblemAlert, focused_on_load, names_field};

/// A problem with one input: a sentence the screen says itself, or the API's problem.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldProblem {
    Own(String),
    Api(ApiError),
}

/// What the screen itself found wrong before asking the server: the field and the sentence.
pub type Invalid = Option<(&'static str, String)>;

/// The problem to show beside the input answering for the request field `name`: the screen's
/// own when it names that field, else the API's when it names it (`email` matches
/// `school_contact.email`).
pub fn field_problem(invalid: Invalid, error: Option<ApiError>, name: &str) -> Option<FieldProblem> {
    if let Some((_, sentence)) = invalid.filter(|(field, _)| *field == name) {
        return Some(FieldProblem::Own(sentence));
    }
    error.filter(|error| error.field().is_some_and(|field| names_field(field, name))).map(FieldProblem::Api)
}

/// What every step of a wizard needs besides the answers: where the wizard is (`S`, its steps),
/// what is wrong, and whether its call is under way.
#[derive(Clone, Copy)]
pub struct WizardFlow<S: 'static> {
    pub step: RwSignal<S>,
    pub invalid: RwSignal<Invalid>,
    pub error: Signal<Option<ApiError>>,
    pub pending: Signal<bool>,
    /// An answer changed: the problems about the old one go (`clear_problems_on_edit`).
    pub edited: Callback<()>,
}

impl<S: Send + Sync + 'static> WizardFlow<S> {
    /// The problem to show at the input answering for `name`, kept up to date.
    pub fn problem(&self, name: &'static str) -> Signal<Option<FieldProblem>> {
        let (invalid, error) = (self.invalid, self.error);
        Signal::derive(move || field_problem(invalid.get(), error.get(), name))
    }

    /// The problem with the email address of someone named as a school's contact: the address
    /// itself, or an address the server refuses as a partner's (`school_contact`, #12).
    pub fn contact_email_problem(&self) -> Signal<Option<FieldProblem>> {
        let (invalid, error) = (self.invalid, self.error);
        Signal::derive(move || {
            field_problem(invalid.get(), error.get(), "email")
                .or_else(|| field_problem(None, error.get(), "school_contact"))
        })
    }

    /// Moves to `step`, leaving the problems of the one before behind.
    pub fn go(&self, step: S) {
        self.invalid.set(None);
        self.step.set(step);
    }
}

/// What a form does when an answer changes: the problems about the old answer go, the screen's
/// own and the failed call's.
pub fn clear_problems_on_edit<P: Send + Sync + 'static, I: 'static, O: 'static>(
    invalid: RwSignal<Option<P>>,
    call: Action<I, Result<O, ApiError>>,
) -> Callback<()> {
    Callback::new(move |()| {
        invalid.set(None);
        if call.value().with_untracked(|value| matches!(value, Some(Err(_)))) {
            call.value().set(None);
        }
    })
}

/// The `aria-describedby` of an input: its hint and, while there is one, its problem.
pub fn described_by(hint: Option<&str>, problem: Option<&str>) -> Option<String> {
    let ids: Vec<&str> = hint.into_iter().chain(problem).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// An input's label and, under it, its hint, with the id `{id}-hint` for the input's
/// `aria-describedby`.
#[component]
pub fn LabelAndHint(id: &'static str, label: &'static str, hint: &'static str) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <p class="hint" id=format!("{id}-hint")>{hint}</p>
    }
}

/// The problem under an input, with the id its input's `aria-describedby` names.
#[component]
pub fn FieldError(#[prop(into)] id: String, problem: FieldProblem) -> impl IntoView {
    let body = match problem {
        FieldProblem::Own(detail) => view! { <InputProblem detail /> }.into_any(),
        FieldProblem::Api(error) => view! { <ProblemAlert error /> }.into_any(),
    };
    view! { <div class="field-problem" id=id>{body}</div> }
}

/// "Step 2 of 7" and what the step asks. It takes the focus when the step appears, so the
/// keyboard starts at the top of the new step and a screen reader announces where the user is.
#[component]
pub fn StepHeading(step: usize, of: usize, #[prop(into)] title: String) -> impl IntoView {
    let heading = focused_on_load::<H2>();
    view! {
        <h2 class="step-heading" tabindex="-1" node_ref=heading>
            <span class="step-count">{format!("Step {step} of {of}")}</span>
            " "
            <span class="step-title">{title}</span>
        </h2>
    }
}

/// The wizard's steps in order, the current one marked with `aria-current="step"`; `current` is
/// 1-based, and 0 or past the end marks none.
#[component]
pub fn StepList(names: &'static [&'static str], #[prop(into)] current: Signal<usize>) -> impl IntoView {
    let items = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let number = index + 1;
            let state = move || {
                let current = current.get();
                if number == current {
                    "current"
                } else if number < current {
                    "done"
                } else {
                    "to-do"
                }
            };
            view! {
                <li class=state aria-current=move || (state() == "current").then_some("step")>
                    <span class="step-number" aria-hidden="true">{number}</span>
                    <span>{*name}</span>
                    {move || (state() == "done").then(|| view! { <span class="visually-hidden">" (done)"</span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="step-list" aria-label="Steps">{items}</ol> }
}

/// A labelled text input with an optional hint and its problem underneath.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// `text`, `email`…
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "off")] autocomplete: &'static str,
    /// The most characters the input takes, when there is a limit.
    #[prop(optional)]
    maxlength: Option<u32>,
    value: RwSignal<String>,
    #[prop(into)] problem: Signal<Option<FieldProblem>>,
    /// Runs after each keystroke, e.g. to clear a problem the edit may have fixed.
    on_edit: Callback<()>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let hinted = hint.is_some();
        move || described_by(hinted.then_some(hint_id.as_str()), problem.read().as_ref().map(|_| error_id.as_str()))
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                maxlength=maxlength
                aria-describedby=described
                aria-invalid=move || problem.read().is_some().then_some("true")
                prop:value=move || value.get()
                on:input=move |event| {
                    value.set(event_target_value(&event));
                    on_edit.run(());
                }
            />
            {move || problem.get().map(|problem| view! { <FieldError id=error_id.clone() problem /> })}
        </div>
    }
}

/// The name, email address and role of someone a wizard names as a school's contact, as typed.
#[derive(Clone, Copy)]
pub struct ContactAnswers {
    pub name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub role: RwSignal<String>,
}

impl ContactAnswers {
    pub fn new() -> Self {
        ContactAnswers {
            name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            role: RwSignal::new(String::new()),
        }
    }

    /// `contact_input` of the answers as they stand.
    pub fn checked(&self, missing_name: &'static str) -> Result<ContactInput, (&'static str, &'static str)> {
        contact_input(&self.name.get_untracked(), &self.email.get_untracked(), &self.role.get_untracked(), missing_name)
    }
}

impl Default for ContactAnswers {
    fn default() -> Self {
        Self::new()
    }
}

/// The contact as a request takes it, trimmed and without an empty role, or the field at fault
/// and what to do: `missing_name` when there is no name.
pub fn contact_input(
    name: &str,
    email: &str,
    role: &str,
    missing_name: &'static str,
) -> Result<ContactInput, (&'static str, &'static str)> {
    let (name, email, role) = (name.trim(), email.trim(), role.trim());
    if name.is_empty() {
        return Err(("name", missing_name));
    }
    let email =
        EmailAddress::parse(email).map_err(|_| ("email", "Enter their email address, like name@school.org.uk."))?;
    let role = Some(role.to_owned()).filter(|role| !role.is_empty());
    Ok(ContactInput { name: name.to_owned(), email, role })
}

/// The inputs of `ContactAnswers`: `{prefix}-name`, `{prefix}-email` and `{prefix}-role`,
/// answering for the request's `name`, `email` (or `school_contact`) and `role`.
#[component]
pub fn ContactFields<S: Copy + Send + Sync + 'static>(
    flow: WizardFlow<S>,
    answers: ContactAnswers,
    prefix: &'static str,
    /// Labels the inputs "Their name"…, for someone other than the user.
    #[prop(optional)]
    their: bool,
    role_hint: &'static str,
) -> impl IntoView {
    let [name, email, role] = if their {
        ["Their name", "Their email address", "Their role (optional)"]
    } else {
        ["Name", "Email address", "Role (optional)"]
    };
    view! {
        <TextField
            id=format!("{prefix}-name")
            label=name
            value=answers.name
            problem=flow.problem("name")
            on_edit=flow.edited
        />
        <TextField
            id=format!("{prefix}-email")
            label=email
            kind="email"
            value=answers.email
            problem=flow.contact_email_problem()
            on_edit=flow.edited
        />
        <TextField
            id=format!("{prefix}-role")
            label=role
            hint=role_hint
            value=answers.role
            problem=flow.problem("role")
            on_edit=flow.edited
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Problem;

    fn api_problem(field: &str) -> ApiError {
        ApiError::Problem(Box::new(Problem {
            problem_type: "/problems/invalid".to_owned(),
            title: "Invalid input".to_owned(),
            status: 400,
            detail: "Enter an email address like name@school.org.uk.".to_owned(),
            code: "invalid".to_owned(),
            field: Some(field.to_owned()),
            request_id: None,
        }))
    }

    #[test]
    fn the_screens_own_problem_comes_first_then_the_apis_for_the_field_it_names() {
        let own = Some(("name", "Enter their name.".to_owned()));
        assert_eq!(field_problem(own.clone(), None, "name"), Some(FieldProblem::Own("Enter their name.".to_owned())));
        assert_eq!(field_problem(own, None, "email"), None);
        let error = Some(api_problem("school_contact.email"));
        assert_eq!(field_problem(None, error.clone(), "email"), error.clone().map(FieldProblem::Api));
        assert_eq!(field_problem(None, error, "name"), None);
    }

    #[test]
    fn a_contact_is_trimmed_and_needs_a_name_and_an_address() {
        assert_eq!(contact_input(" ", "a@b.example", "", "Enter their name."), Err(("name", "Enter their name.")));
        assert_eq!(contact_input("Bea", "bea@school", "", "Enter their name.").unwrap_err().0, "email");
        let contact = contact_input(" Bea ", " bea@school.example ", " ", "Enter their name.").unwrap();
        assert_eq!((contact.name.as_str(), contact.email.as_str(), contact.role), ("Bea", "bea@school.example", None));
    }

    #[test]
    fn an_input_is_described_by_its_hint_and_its_problem() {
        assert_eq!(described_by(None, None), None);
        assert_eq!(described_by(Some("role-hint"), None).as_deref(), Some("role-hint"));
        assert_eq!(described_by(Some("role-hint"), Some("role-error")).as_deref(), Some("role-hint role-error"));
        assert_eq!(described_by(None, Some("role-error")).as_deref(), Some("role-error"));
    }
}
