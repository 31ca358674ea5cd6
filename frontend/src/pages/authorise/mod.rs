//! S2, `/authorise#token=…`: where a school's Begin Authorisation link lands. Public: the link
//! is the credential, so there is no sign-in. The token travels in the fragment, which never
//! reaches a server log, and leaves the address bar at once, as on the sign-in landing.
//!
//! The link opens the invitation (`POST /api/invitations/open`). A used link shows its receipt,
//! or, when the authorisation waits for verification or for the school's admins (#12), what
//! happens next; an expired or replaced one says so. Otherwise a seven-step wizard: authority (or forward the
//! invitation to the right person), the MIS, the data areas, the GDPR mode, pausing the feed,
//! the answers to check, and Authorise Sharing, which answers with the receipt. A
//! re-authorisation shows what is requested against what was granted and asks only about the
//! new scopes. Every step works from the keyboard, and its heading takes the focus.
//!
//! This module holds the screen, the answers and the flow between steps; each step has its own
//! file, named after it. `opening` says why a link cannot be used, `outcome` how it ended.

mod authority;
mod check;
mod confirm;
mod feed;
mod gdpr;
mod mis;
mod opening;
mod outcome;
mod scopes;

use gatehouse_model::{
    AuthoriseRequest, ContactInput, FeedStatus, ForwardInvitationRequest, GdprMode, InvitationState, InvitationSummary,
    NoQuery, OpenInvitationRequest, ScopeSet, endpoint,
};
use leptos::html::H1;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{
    ContactAnswers, FieldError, FieldProblem, Invalid, StepHeading, StepList, WizardFlow, clear_problems_on_edit,
    focused_on_load, names_field, take_token_from_address_bar,
};
use crate::dates::local_time;
use authority::AuthorityStep;
use check::CheckStep;
use confirm::ConfirmStep;
use feed::FeedStep;
use gdpr::GdprStep;
use mis::{MisStep, preselected_mis};
use opening::{Expired, OpenProblem, Superseded};
use outcome::{Forwarded, ReceiptPage, WaitingPage};
use scopes::{ScopesStep, new_scopes};

/// The steps, as the step list names them.
const STEPS: [&str; 7] = ["Authority", "MIS", "Data areas", "GDPR mode", "Feed", "Check answers", "Authorise"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Authority,
    Mis,
    Scopes,
    Gdpr,
    Feed,
    Check,
    Confirm,
}

impl Step {
    fn number(self) -> usize {
        match self {
            Step::Authority => 1,
            Step::Mis => 2,
            Step::Scopes => 3,
            Step::Gdpr => 4,
            Step::Feed => 5,
            Step::Check => 6,
            Step::Confirm => 7,
        }
    }
}

/// The request fields the first step answers for.
const AUTHORITY_FIELDS: [&str; 3] = ["has_authority", "approver_name", "approver_role"];

/// The step whose answer a problem from authorising is about.
fn step_for(error: &ApiError) -> Step {
    match error.field() {
        Some(field) if AUTHORITY_FIELDS.iter().any(|name| names_field(field, name)) => Step::Authority,
        Some(field) if names_field(field, "mis") => Step::Mis,
        Some(field) if names_field(field, "approved_scopes") => Step::Scopes,
        _ => Step::Confirm,
    }
}

/// "Dev Head (Headteacher)", or the name alone without a role.
fn person(name: &str, role: Option<&str>) -> String {
    match role.map(str::trim).filter(|role| !role.is_empty()) {
        Some(role) => format!("{} ({role})", name.trim()),
        None => name.trim().to_owned(),
    }
}

/// How the page ended up, once the wizard is done with the link.
#[derive(Debug, Clone, PartialEq)]
enum Done {
    /// Authorised just now: the summary carries the receipt (boxed: it is
    /// by far the largest way to end).
    Authorised(Box<InvitationSummary>),
    /// Forwarded to someone else; this link no longer works.
    Forwarded(ContactInput),
    /// The link died while the wizard was open (replaced, or expired).
    Expired,
    /// The school's sharing changed after the link was sent: the problem says so.
    Superseded(ApiError),
}

/// The problem code of a link made useless by a later change to the school's sharing (#12).
const LINK_SUPERSEDED: &str = "link_superseded";

/// Whether an answer to authorising is waiting for someone else rather than in force.
fn waits(state: InvitationState) -> bool {
    matches!(state, InvitationState::AwaitingVerification | InvitationState::AwaitingSchoolApproval)
}

#[component]
pub fn AuthoriseScreen() -> impl IntoView {
    set_title("Authorise data sharing");
    let body = match take_token_from_address_bar() {
        Some(token) => view! { <OpenInvitation token /> }.into_any(),
        None => view! {
            <LinkProblem title="This invitation link can't be used">
                <p role="alert">
                    "This address has no invitation in it. Open the Begin Authorisation link from the email in full."
                </p>
            </LinkProblem>
        }
        .into_any(),
    };
    view! {
        // A school has no session: the banner names the product only.
        <header class="banner">
            <div class="banner-group">
                <span class="brand">"Gatehouse"</span>
            </div>
        </header>
        <main class="wizard">{body}</main>
    }
}

#[component]
fn OpenInvitation(token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    // Opened once per visit; Try Again opens it again.
    let opened = LocalResource::new(move || {
        api::call::<endpoint::OpenInvitation>(&[], &NoQuery, &OpenInvitationRequest { token: token.get_value() })
    });
    let done = RwSignal::new(None::<Done>);
    move || match (done.get(), opened.get()) {
        (Some(Done::Authorised(summary)), _) if waits(summary.state) => {
            view! { <WaitingPage summary=*summary fresh=true /> }.into_any()
        }
        (Some(Done::Authorised(summary)), _) => view! { <ReceiptPage summary=*summary fresh=true /> }.into_any(),
        (Some(Done::Forwarded(to)), _) => view! { <Forwarded to /> }.into_any(),
        (Some(Done::Expired), _) => view! { <Expired /> }.into_any(),
        (Some(Done::Superseded(error)), _) => view! { <Superseded error /> }.into_any(),
        (None, None) => view! { <h1>"Opening your invitation…"</h1> }.into_any(),
        (None, Some(Err(error))) => {
            view! { <OpenProblem error on_retry=Callback::new(move |()| opened.refetch()) /> }.into_any()
        }
        (None, Some(Ok(summary))) if summary.state == InvitationState::Authorised => {
            view! { <ReceiptPage summary fresh=false /> }.into_any()
        }
        (None, Some(Ok(summary))) if waits(summary.state) => view! { <WaitingPage summary fresh=false /> }.into_any(),
        (None, Some(Ok(summary))) => view! { <Wizard summary token done /> }.into_any(),
    }
}

/// A page saying why the link cannot be used, headed `title`.
#[component]
fn LinkProblem(#[prop(into)] title: String, children: Children) -> impl IntoView {
    let heading = focused_on_load::<H1>();
    view! {
        <div class="link-problem">
            <h1 tabindex="-1" node_ref=heading>{title}</h1>
            {children()}
        </div>
    }
}

/// The answers, kept while the user moves between the steps.
#[derive(Clone, Copy)]
struct Answers {
    has_authority: RwSignal<Option<bool>>,
    approver_name: RwSignal<String>,
    approver_role: RwSignal<String>,
    /// Who should decide instead, when the user may not.
    forward: ContactAnswers,
    from_name: RwSignal<String>,
    mis: RwSignal<Option<String>>,
    /// The new scopes approved; what was granted before stays granted.
    approved: RwSignal<ScopeSet>,
    gdpr: RwSignal<Option<GdprMode>>,
    pause: RwSignal<bool>,
}

/// What every step needs besides the answers.
type Flow = WizardFlow<Step>;

/// A call the wizard makes with the link.
#[derive(Debug, Clone)]
enum Call {
    Forward(ForwardInvitationRequest),
    Authorise(AuthoriseRequest),
}

#[component]
fn Wizard(summary: InvitationSummary, token: StoredValue<String>, done: RwSignal<Option<Done>>) -> impl IntoView {
    set_title(&format!("Authorise {}", summary.app_name));
    let answers = Answers {
        has_authority: RwSignal::new(None),
        approver_name: RwSignal::new(summary.contact_name.clone()),
        approver_role: RwSignal::new(String::new()),
        forward: ContactAnswers::new(),
        from_name: RwSignal::new(summary.contact_name.clone()),
        mis: RwSignal::new(preselected_mis(summary.mis.as_deref())),
        approved: RwSignal::new(new_scopes(&summary)),
        gdpr: RwSignal::new(None),
        pause: RwSignal::new(false),
    };
    let step = RwSignal::new(Step::Authority);
    let invalid = RwSignal::new(None as Invalid);
    let call = Action::new_local(|call: &Call| {
        let call = call.clone();
        async move {
            match call {
                Call::Forward(request) => {
                    let to = request.to.clone();
                    api::call::<endpoint::ForwardInvitation>(&[], &NoQuery, &request).await.map(|_| Done::Forwarded(to))
                }
                Call::Authorise(request) => api::call::<endpoint::AuthoriseInvitation>(&[], &NoQuery, &request)
                    .await
                    .map(|summary| Done::Authorised(Box::new(summary))),
            }
        }
    });
    let error = Signal::derive(move || call.value().get().and_then(Result::err));
    Effect::new(move || match call.value().get() {
        Some(Ok(finished)) => done.set(Some(finished)),
        Some(Err(error)) if error.code() == Some("invitation_expired") => done.set(Some(Done::Expired)),
        Some(Err(error)) if error.code() == Some(LINK_SUPERSEDED) => done.set(Some(Done::Superseded(error))),
        // Forwarding problems belong to the first step, which is where the form is.
        Some(Err(error)) if step.get_untracked() != Step::Authority => step.set(step_for(&error)),
        _ => {}
    });
    let flow =
        Flow { step, invalid, error, pending: call.pending().into(), edited: clear_problems_on_edit(invalid, call) };
    let forward = Callback::new(move |request| {
        call.dispatch(Call::Forward(request));
    });
    let authorise = Callback::new(move |()| {
        let request = AuthoriseRequest {
            token: token.get_value(),
            has_authority: answers.has_authority.get_untracked() == Some(true),
            approver_name: answers.approver_name.get_untracked().trim().to_owned(),
            approver_role: answers.approver_role.get_untracked().trim().to_owned(),
            mis: answers.mis.get_untracked().unwrap_or_default(),
            approved_scopes: answers.approved.get_untracked(),
            gdpr_mode: answers.gdpr.get_untracked().unwrap_or(GdprMode::IncludeAll),
            feed_status: if answers.pause.get_untracked() { FeedStatus::Paused } else { FeedStatus::Enabled },
        };
        call.dispatch(Call::Authorise(request));
    });
    let summary = StoredValue::new(summary);
    let (school, app, partner) =
        summary.with_value(|s| (s.school_name.clone(), s.app_name.clone(), s.partner_name.clone()));
    let until = summary.with_value(|s| local_time(&s.expires_at));
    let reauthorising = summary.with_value(|s| !s.granted_scopes.is_empty());
    let lead = if reauthorising {
        format!(
            "{partner} asks {school} to share more data with {app}. What you shared before stays shared; \
             you choose whether to add the new data areas. This link works until {until}."
        )
    } else {
        format!(
            "{partner} asks {school} to share data with {app} through Gatehouse. You choose what is shared, \
             and can pause or revoke it at any time. This link works until {until}."
        )
    };
    let title = if reauthorising { format!("Review {app}'s new requests") } else { format!("Share data with {app}") };
    view! {
        <h1>{title}</h1>
        <p class="lead">{lead}</p>
        <StepList names=&STEPS current=Signal::derive(move || step.get().number()) />
        {move || match step.get() {
            Step::Authority => view! { <AuthorityStep summary answers flow forward token /> }.into_any(),
            Step::Mis => view! { <MisStep summary answers flow /> }.into_any(),
            Step::Scopes => view! { <ScopesStep summary answers flow /> }.into_any(),
            Step::Gdpr => view! { <GdprStep answers flow /> }.into_any(),
            Step::Feed => view! { <FeedStep summary answers flow /> }.into_any(),
            Step::Check => view! { <CheckStep summary answers flow /> }.into_any(),
            Step::Confirm => view! { <ConfirmStep summary answers flow authorise /> }.into_any(),
        }}
    }
}

/// The Back button of every step but the first.
#[component]
fn BackButton(flow: Flow, to: Step) -> impl IntoView {
    view! {
        <button type="button" class="secondary" on:click=move |_| flow.go(to)>
            "Back"
        </button>
    }
}

/// The form of a step between the first and the last: `children`, then Next, which runs `next`
/// (check the answer, then go on), and Back to the step `back`.
#[component]
fn StepForm(flow: Flow, back: Step, next: impl Fn() + 'static, children: Children) -> impl IntoView {
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        next();
    };
    view! {
        <form class="wizard-step" novalidate on:submit=submit>
            {children()}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=back />
            </div>
        </form>
    }
}

/// Next of a step whose question must be answered: goes on to `step` once `answer` has one, or
/// else says what to do (`problem`: the question's request field and the sentence).
fn once_answered<T: Send + Sync + 'static>(
    flow: Flow,
    answer: RwSignal<Option<T>>,
    step: Step,
    problem: (&'static str, &'static str),
) -> impl Fn() + Copy {
    move || {
        if answer.read_untracked().is_none() {
            flow.invalid.set(Some((problem.0, problem.1.to_owned())));
        } else {
            flow.go(step);
        }
    }
}

/// The question of a step answered with radio buttons (`children`): its fieldset, headed by the
/// step's heading, and under it the problem with the answer to the request field `field`, with
/// the id `error_id` the fieldset is described by.
#[component]
fn Question(
    flow: Flow,
    step: Step,
    #[prop(into)] title: String,
    /// The fieldset's classes.
    #[prop(default = "question")]
    class: &'static str,
    field: &'static str,
    error_id: &'static str,
    children: Children,
) -> impl IntoView {
    let problem = flow.problem(field);
    let (described, invalid) = group_problem_attrs(problem, error_id);
    view! {
        <fieldset class=class aria-describedby=described aria-invalid=invalid>
            <legend>
                <StepHeading step=step.number() of=STEPS.len() title />
            </legend>
            {children()}
        </fieldset>
        {move || problem.get().map(|problem| view! { <FieldError id=error_id problem /> })}
    }
}

/// A radio button that answers `answer` with `value`, with its label and, optionally, a
/// sentence explaining it. Choosing it clears the problems about the answer before.
#[component]
fn Radio<T: Clone + PartialEq + Send + Sync + 'static>(
    id: String,
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] explanation: Option<String>,
    answer: RwSignal<Option<T>>,
    value: T,
    flow: Flow,
) -> impl IntoView {
    let explanation_id = format!("{id}-explanation");
    let chosen = value.clone();
    view! {
        <div class="choice-explained">
            <div class="choice">
                <input
                    type="radio"
                    id=id.clone()
                    name=name
                    aria-describedby=explanation.as_ref().map(|_| explanation_id.clone())
                    prop:checked=move || answer.read().as_ref() == Some(&chosen)
                    on:change=move |_| {
                        answer.set(Some(value.clone()));
                        flow.edited.run(());
                    }
                />
                <label for=id>{label}</label>
            </div>
            {explanation.map(|text| view! { <p class="hint" id=explanation_id>{text}</p> })}
        </div>
    }
}

/// `aria-describedby` and `aria-invalid` of a radio group whose problem has the id `error_id`.
fn group_problem_attrs(
    problem: Signal<Option<FieldProblem>>,
    error_id: &'static str,
) -> (impl Fn() -> Option<&'static str> + Copy, impl Fn() -> Option<&'static str> + Copy) {
    (move || problem.read().as_ref().map(|_| error_id), move || problem.read().is_some().then_some("true"))
}

#[cfg(test)]
mod tests {
    use gatehouse_model::{Problem, Scope};

    use super::check::scope_names;
    use super::gdpr::gdpr_explanation;
    use super::*;

    fn invalid(field: &str) -> ApiError {
        ApiError::Problem(Box::new(Problem {
            problem_type: "/problems/invalid".to_owned(),
            title: "Invalid input".to_owned(),
            status: 400,
            detail: "Give your name.".to_owned(),
            code: "invalid".to_owned(),
            field: Some(field.to_owned()),
            request_id: None,
        }))
    }

    #[test]
    fn a_problem_goes_back_to_the_step_of_its_field() {
        assert_eq!(step_for(&invalid("approver_role")), Step::Authority);
        assert_eq!(step_for(&invalid("mis")), Step::Mis);
        assert_eq!(step_for(&invalid("approved_scopes")), Step::Scopes);
        assert_eq!(step_for(&ApiError::Unreachable), Step::Confirm);
    }

    #[test]
    fn both_gdpr_modes_are_explained_and_people_read_with_their_role() {
        assert!(gdpr_explanation(GdprMode::IncludeAll).contains("except the individuals you choose to exclude"));
        assert!(gdpr_explanation(GdprMode::ExcludeAll).starts_with("Only the people you explicitly select"));
        assert_eq!(person("Dev Head", Some("Headteacher")), "Dev Head (Headteacher)");
        assert_eq!(person("Dev Head", Some(" ")), "Dev Head");
        let scopes: ScopeSet = [Scope::Students, Scope::Traveller].into_iter().collect();
        assert_eq!(scope_names(&scopes), "Students, Traveller");
        assert_eq!(scope_names(&ScopeSet::new()), "none");
    }

    #[test]
    fn only_the_two_waiting_states_wait() {
        assert!(waits(InvitationState::AwaitingVerification) && waits(InvitationState::AwaitingSchoolApproval));
        assert!(!waits(InvitationState::Authorised) && !waits(InvitationState::Open));
    }
}
