//! P7, `/schools/invite`: a partner invites a school from the register of schools in England
//! and Wales in three steps: find the school, say who there receives the invitation, then review
//! and send. The answer says what was sent and links to the school's tile in Pending
//! Authorisations. `?app=` picks the app the invitation is for; the partner's first otherwise.
//! Needs a session; without one the user is sent to sign in.
//!
//! This module holds what the steps share: the answers, the flow between steps and the send.
//! Each step has its own file (`find`, `contact`, `review`), and `sent` is the answer.

mod contact;
mod find;
mod review;
mod sent;

use gatehouse_model::{DirectorySchool, InviteSchoolRequest, Me, endpoint};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError};
use crate::app::{INTERNATIONAL_REQUEST, PENDING_AUTHORISATIONS, set_title};
use crate::components::{
    ContactAnswers, Invalid, PartnerFrame, PartnerSession, StepList, WizardFlow, clear_problems_on_edit, names_field,
};
use contact::ContactStep;
use find::FindStep;
use review::ReviewStep;
use sent::InviteSent;

/// The steps, as the step list names them.
const STEPS: [&str; 3] = ["Find the school", "School contact", "Review and send"];

/// The request fields the contact step answers for.
/// `school_contact` is the address refused as a partner's own (#12), said at the email field.
const CONTACT_FIELDS: [&str; 7] =
    ["name", "email", "school_contact", "role", "contact_may_authorise", "partner_contact", "new_contact"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Find,
    Contact,
    Review,
}

impl Step {
    fn number(self) -> usize {
        match self {
            Step::Find => 1,
            Step::Contact => 2,
            Step::Review => 3,
        }
    }
}

/// Whether a problem from sending is about the school chosen: invited already, not in the
/// register, or closed.
fn about_the_school(error: &ApiError) -> bool {
    matches!(error.code(), Some("already_invited" | "not_found"))
        || error.field().is_some_and(|f| names_field(f, "urn"))
}

/// The step whose answer a problem from sending is about, where the wizard shows it.
fn step_for(error: &ApiError) -> Step {
    if about_the_school(error) {
        Step::Find
    } else if error.field().is_some_and(|field| CONTACT_FIELDS.iter().any(|name| names_field(field, name))) {
        Step::Contact
    } else {
        Step::Review
    }
}

/// Everything the steps ask, kept while the user moves between them.
#[derive(Clone, Copy)]
struct Answers {
    typed: RwSignal<String>,
    school: RwSignal<Option<DirectorySchool>>,
    contact: ContactAnswers,
    may_authorise: RwSignal<bool>,
    partner: RwSignal<String>,
    /// The app chosen; `None` for the partner's first.
    app: RwSignal<Option<String>>,
}

impl Answers {
    fn new(app: Option<String>) -> Answers {
        Answers {
            typed: RwSignal::new(String::new()),
            school: RwSignal::new(None),
            contact: ContactAnswers::new(),
            may_authorise: RwSignal::new(false),
            partner: RwSignal::new(String::new()),
            app: RwSignal::new(app),
        }
    }

    fn clear(&self) {
        self.typed.set(String::new());
        self.school.set(None);
        for text in [self.contact.name, self.contact.email, self.contact.role, self.partner] {
            text.set(String::new());
        }
        self.may_authorise.set(false);
    }
}

/// What every step needs besides the answers: the wizard's state, the send, and who is signed in.
#[derive(Clone, Copy)]
struct Flow {
    wizard: WizardFlow<Step>,
    send: Callback<InviteSchoolRequest>,
    me: Signal<Option<Me>>,
}

impl std::ops::Deref for Flow {
    type Target = WizardFlow<Step>;

    fn deref(&self) -> &WizardFlow<Step> {
        &self.wizard
    }
}

#[component]
pub fn InviteSchoolScreen() -> impl IntoView {
    set_title("Invite a school");
    let me = PartnerSession::of_page().me();
    let params = use_query_map();
    let answers = Answers::new(params.read_untracked().get("app").filter(|app| !app.is_empty()));
    let step = RwSignal::new(Step::Find);
    let invalid = RwSignal::new(None as Invalid);
    let send = Action::new_local(move |request: &InviteSchoolRequest| {
        let (app, request) = (answers.app.get_untracked(), request.clone());
        async move { api::call::<endpoint::InviteSchool>(&[], &api::app_query(app.as_deref()), &request).await }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    // A problem the server found with an earlier step's answer takes the user back to it.
    Effect::new(move || {
        if let Some(error) = error.get() {
            step.set(step_for(&error));
        }
    });
    let sent = Memo::new(move |_| send.value().get().and_then(Result::ok));
    let wizard = WizardFlow {
        step,
        invalid,
        error,
        pending: send.pending().into(),
        edited: clear_problems_on_edit(invalid, send),
    };
    let flow = Flow {
        wizard,
        send: Callback::new(move |request| {
            send.dispatch(request);
        }),
        me,
    };
    let again = Callback::new(move |()| {
        answers.clear();
        invalid.set(None);
        send.value().set(None);
        step.set(Step::Find);
    });
    let wizard = move || {
        view! {
            <p class="lead">
                "Find the school in the register of schools in England and Wales and say who there should \
                 receive the invitation. They get an email with a Begin Authorisation link, and choose what \
                 the school shares."
            </p>
            <p class="hint">
                <a href=INTERNATIONAL_REQUEST>"My school is not in England or Wales"</a>
                " – ask the operations team to add it."
            </p>
            <StepList names=&STEPS current=Signal::derive(move || step.get().number()) />
            {move || match step.get() {
                Step::Find => view! { <FindStep answers flow /> }.into_any(),
                Step::Contact => view! { <ContactStep answers flow /> }.into_any(),
                Step::Review => view! { <ReviewStep answers flow /> }.into_any(),
            }}
        }
    };
    view! {
        <PartnerFrame failed=error class="wizard">
            <p class="back-link">
                <a href=PENDING_AUTHORISATIONS>"Back to Pending Authorisations"</a>
            </p>
            <h1>"Invite a school"</h1>
            {move || match sent.get() {
                Some(outcome) => view! { <InviteSent outcome app=answers.app.get_untracked() on_again=again /> }
                    .into_any(),
                None => wizard().into_any(),
            }}
        </PartnerFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Problem;

    fn problem(code: &str, field: Option<&str>) -> ApiError {
        ApiError::Problem(Box::new(Problem {
            problem_type: format!("/problems/{code}"),
            title: "Problem".to_owned(),
            status: 400,
            detail: "Something is wrong.".to_owned(),
            code: code.to_owned(),
            field: field.map(str::to_owned),
            request_id: None,
        }))
    }

    #[test]
    fn a_problem_from_sending_goes_back_to_the_step_it_is_about() {
        assert_eq!(step_for(&problem("already_invited", None)), Step::Find);
        assert_eq!(step_for(&problem("invalid", Some("urn"))), Step::Find);
        assert_eq!(step_for(&problem("invalid", Some("email"))), Step::Contact);
        assert_eq!(step_for(&problem("invalid", Some("contact_may_authorise"))), Step::Contact);
        assert_eq!(step_for(&problem("invalid", Some("school_contact"))), Step::Contact);
        assert_eq!(step_for(&problem("unavailable", None)), Step::Review);
        assert_eq!(step_for(&ApiError::Unreachable), Step::Review);
    }
}
