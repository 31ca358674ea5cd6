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

use gatehouse_model::{
    AuthorisationReceipt, AuthoriseRequest, ContactInput, FeedStatus, ForwardInvitationRequest, GdprMode,
    InvitationState, InvitationSummary, MIS_CHOICES, Scope, ScopeKind, ScopeSet,
};
use leptos::html::H1;
use leptos::prelude::*;

use super::auth_landing::take_token_from_address_bar;
use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{
    FieldError, FieldProblem, Invalid, ProblemAlert, StepHeading, StepList, TextField, field_problem, names_field,
    problem_unclaimed,
};
use crate::dates::local_time;

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

/// What Include All and Exclude All mean, in words a school office understands.
fn gdpr_explanation(mode: GdprMode) -> &'static str {
    match mode {
        GdprMode::IncludeAll => {
            "Everyone in the data areas you approve is shared, except the individuals you choose to exclude."
        }
        GdprMode::ExcludeAll => {
            "Only the people you explicitly select are shared. Nobody is shared until you select them."
        }
    }
}

/// The MIS to preselect: the one the invitation names, spelt as in the choices.
fn preselected_mis(mis: Option<&str>) -> Option<String> {
    let mis = mis?.trim();
    MIS_CHOICES.iter().find(|choice| choice.eq_ignore_ascii_case(mis)).map(|choice| (*choice).to_owned())
}

/// The requested scopes the school has not granted yet: what the data-areas step asks about.
fn new_scopes(summary: &InvitationSummary) -> ScopeSet {
    summary.requested_scopes.difference(&summary.granted_scopes).copied().collect()
}

/// A first authorisation must share at least one whole data area, if the app asks for one.
fn check_scopes(requested: &ScopeSet, granted: &ScopeSet, approved: &ScopeSet) -> Result<(), &'static str> {
    let asks_for_area = requested.iter().any(|scope| scope.kind() == ScopeKind::Resource);
    let shares_area = approved.union(granted).any(|scope| scope.kind() == ScopeKind::Resource);
    if granted.is_empty() && asks_for_area && !shares_area {
        return Err("Approve at least one data area: Students, Staff, Contacts or Groups.");
    }
    Ok(())
}

fn scope_names<'a>(scopes: impl IntoIterator<Item = &'a Scope>) -> String {
    let names: Vec<&str> = scopes.into_iter().map(|scope| scope.label()).collect();
    if names.is_empty() { "none".to_owned() } else { names.join(", ") }
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
    /// Authorised just now: the summary carries the receipt.
    Authorised(InvitationSummary),
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
    let opened = LocalResource::new(move || api::open_invitation(token.get_value()));
    let done = RwSignal::new(None::<Done>);
    move || match (done.get(), opened.get()) {
        (Some(Done::Authorised(summary)), _) if waits(summary.state) => {
            view! { <WaitingPage summary fresh=true /> }.into_any()
        }
        (Some(Done::Authorised(summary)), _) => view! { <ReceiptPage summary fresh=true /> }.into_any(),
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
    let heading = NodeRef::<H1>::new();
    heading.on_load(|heading| {
        let _ = heading.focus();
    });
    view! {
        <div class="link-problem">
            <h1 tabindex="-1" node_ref=heading>{title}</h1>
            {children()}
        </div>
    }
}

#[component]
fn Expired() -> impl IntoView {
    set_title("Invitation link expired");
    view! {
        <LinkProblem title="This invitation link no longer works">
            <p role="alert">"This invitation link has expired or was replaced by a newer one."</p>
            <p>
                "If the invitation was forwarded or sent again, only the link in the newest email works. \
                 Otherwise ask whoever invited your school to send it again."
            </p>
        </LinkProblem>
    }
}

/// A link that was replaced because the school's sharing changed after it was sent (410
/// `link_superseded`): the problem's detail says what to do.
#[component]
fn Superseded(error: ApiError) -> impl IntoView {
    set_title("Invitation link replaced");
    view! {
        <LinkProblem title="This invitation link no longer works">
            <ProblemAlert error />
            <p>
                "Nothing was changed with this link. If someone at your school already decides about \
                 sharing, they can do it in the school portal."
            </p>
            <p><a href="/school/signin">"Sign in to the school portal"</a></p>
        </LinkProblem>
    }
}

/// Why a link could not be opened, as the page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenFailure {
    /// 410: expired, or replaced by a newer invitation.
    Expired,
    /// 410 `link_superseded`: the school's sharing changed after the link was sent.
    Superseded,
    /// 429: too many requests from this network; try again later.
    TooManyAttempts,
    /// The token is not one Gatehouse issued: a link copied in part, say.
    NotALink,
    /// Gatehouse out of reach or failing: trying again may work.
    Other,
}

fn open_failure(error: &ApiError) -> OpenFailure {
    if error.code() == Some("invitation_expired") {
        OpenFailure::Expired
    } else if error.code() == Some(LINK_SUPERSEDED) {
        OpenFailure::Superseded
    } else if error.status() == Some(429) {
        OpenFailure::TooManyAttempts
    } else if error.field().is_some_and(|field| names_field(field, "token")) {
        OpenFailure::NotALink
    } else {
        OpenFailure::Other
    }
}

/// Why the link could not be opened: expired, too many tries, not a link Gatehouse sent, or
/// Gatehouse out of reach.
#[component]
fn OpenProblem(error: ApiError, on_retry: Callback<()>) -> impl IntoView {
    let failure = open_failure(&error);
    if failure == OpenFailure::Expired {
        return view! { <Expired /> }.into_any();
    }
    if failure == OpenFailure::Superseded {
        return view! { <Superseded error /> }.into_any();
    }
    let retry = move || {
        view! {
            <div class="form-buttons">
                <button type="button" on:click=move |_| on_retry.run(())>"Try again"</button>
            </div>
        }
    };
    if failure == OpenFailure::TooManyAttempts {
        return view! {
            <LinkProblem title="Too many attempts">
                <p>"Gatehouse had too many requests from your network in a short time. Please try again later."</p>
                <ProblemAlert error />
                {retry()}
            </LinkProblem>
        }
        .into_any();
    }
    if failure == OpenFailure::NotALink {
        return view! {
            <LinkProblem title="This invitation link can't be used">
                <ProblemAlert error />
                <p>"Open the Begin Authorisation link from the email in full, or ask whoever invited your school to send it again."</p>
            </LinkProblem>
        }
        .into_any();
    }
    view! {
        <LinkProblem title="Your invitation could not be opened">
            <ProblemAlert error />
            {retry()}
        </LinkProblem>
    }
    .into_any()
}

/// The answers, kept while the user moves between the steps.
#[derive(Clone, Copy)]
struct Answers {
    has_authority: RwSignal<Option<bool>>,
    approver_name: RwSignal<String>,
    approver_role: RwSignal<String>,
    forward_name: RwSignal<String>,
    forward_email: RwSignal<String>,
    forward_role: RwSignal<String>,
    from_name: RwSignal<String>,
    mis: RwSignal<Option<String>>,
    /// The new scopes approved; what was granted before stays granted.
    approved: RwSignal<ScopeSet>,
    gdpr: RwSignal<Option<GdprMode>>,
    pause: RwSignal<bool>,
}

/// What every step needs besides the answers.
#[derive(Clone, Copy)]
struct Flow {
    step: RwSignal<Step>,
    invalid: RwSignal<Invalid>,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    edited: Callback<()>,
}

impl Flow {
    fn problem(&self, name: &'static str) -> Signal<Option<FieldProblem>> {
        let (invalid, error) = (self.invalid, self.error);
        Signal::derive(move || field_problem(invalid.get(), error.get(), name))
    }

    /// The problem with the email address of someone named as the school's contact: the
    /// address itself, or an address the server refuses as a partner's (`school_contact`, #12).
    fn contact_email_problem(&self) -> Signal<Option<FieldProblem>> {
        let (invalid, error) = (self.invalid, self.error);
        Signal::derive(move || {
            field_problem(invalid.get(), error.get(), "email")
                .or_else(|| field_problem(None, error.get(), "school_contact"))
        })
    }

    fn go(&self, step: Step) {
        self.invalid.set(None);
        self.step.set(step);
    }
}

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
        forward_name: RwSignal::new(String::new()),
        forward_email: RwSignal::new(String::new()),
        forward_role: RwSignal::new(String::new()),
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
                    api::forward_invitation(request).await.map(|_| Done::Forwarded(to))
                }
                Call::Authorise(request) => api::authorise_invitation(request).await.map(Done::Authorised),
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
    let flow = Flow {
        step,
        invalid,
        error,
        pending: call.pending().into(),
        edited: Callback::new(move |()| {
            invalid.set(None);
            if call.value().with_untracked(|value| matches!(value, Some(Err(_)))) {
                call.value().set(None);
            }
        }),
    };
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

/// A radio button with its label and, optionally, a sentence explaining it.
#[component]
fn Radio(
    id: String,
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] explanation: Option<String>,
    #[prop(into)] checked: Signal<bool>,
    on_choose: Callback<()>,
) -> impl IntoView {
    let explanation_id = format!("{id}-explanation");
    view! {
        <div class="choice-explained">
            <div class="choice">
                <input
                    type="radio"
                    id=id.clone()
                    name=name
                    aria-describedby=explanation.as_ref().map(|_| explanation_id.clone())
                    prop:checked=move || checked.get()
                    on:change=move |_| on_choose.run(())
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

/// Step 1: does this person decide for the school? Yes: their name and role. No: who does, and
/// the invitation goes to them.
#[component]
fn AuthorityStep(
    summary: StoredValue<InvitationSummary>,
    answers: Answers,
    flow: Flow,
    forward: Callback<ForwardInvitationRequest>,
    token: StoredValue<String>,
) -> impl IntoView {
    let school = summary.with_value(|s| s.school_name.clone());
    let contact = summary.with_value(|s| s.contact_name.clone());
    let choice_problem = flow.problem("has_authority");
    let (described, invalid) = group_problem_attrs(choice_problem, "has-authority-error");
    let choose = move |yes: bool| {
        answers.has_authority.set(Some(yes));
        flow.edited.run(());
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match answers.has_authority.get_untracked() {
            None => flow.invalid.set(Some(("has_authority", "Choose Yes or No.".to_owned()))),
            Some(true) => {
                if answers.approver_name.get_untracked().trim().is_empty() {
                    flow.invalid.set(Some(("approver_name", "Enter your name.".to_owned())));
                } else if answers.approver_role.get_untracked().trim().is_empty() {
                    flow.invalid.set(Some(("approver_role", "Enter your role at the school.".to_owned())));
                } else {
                    flow.go(Step::Mis);
                }
            }
            Some(false) => {
                let (name, email) = (answers.forward_name.get_untracked(), answers.forward_email.get_untracked());
                let (name, email) = (name.trim(), email.trim());
                if name.is_empty() {
                    flow.invalid.set(Some(("name", "Enter the name of the person who should decide.".to_owned())));
                } else if !email
                    .split_once('@')
                    .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
                {
                    flow.invalid.set(Some(("email", "Enter their email address, like name@school.org.uk.".to_owned())));
                } else {
                    flow.invalid.set(None);
                    let role = answers.forward_role.get_untracked().trim().to_owned();
                    let from = answers.from_name.get_untracked().trim().to_owned();
                    forward.run(ForwardInvitationRequest {
                        token: token.get_value(),
                        to: ContactInput {
                            name: name.to_owned(),
                            email: email.to_owned(),
                            role: Some(role).filter(|role| !role.is_empty()),
                        },
                        from_name: Some(from).filter(|from| !from.is_empty()),
                    });
                }
            }
        }
    };
    view! {
        <form class="wizard-step" novalidate on:submit=submit>
            <fieldset class="question" aria-describedby=described aria-invalid=invalid>
                <legend>
                    <StepHeading
                        step=1
                        of=STEPS.len()
                        title=format!("Do you have authority to share data on {school}'s behalf?")
                    />
                </legend>
                <p class="hint">
                    {format!(
                        "The invitation was sent to {contact}. Whoever authorises decides for the whole school, \
                         for example as headteacher, business manager or data protection lead."
                    )}
                </p>
                <Radio
                    id="authority-yes".to_owned()
                    name="has-authority"
                    label="Yes, I can decide this for the school"
                    checked=Signal::derive(move || answers.has_authority.get() == Some(true))
                    on_choose=Callback::new(move |()| choose(true))
                />
                <Radio
                    id="authority-no".to_owned()
                    name="has-authority"
                    label="No, someone else should decide"
                    explanation="We send them the invitation, and this link stops working."
                    checked=Signal::derive(move || answers.has_authority.get() == Some(false))
                    on_choose=Callback::new(move |()| choose(false))
                />
            </fieldset>
            {move || choice_problem.get().map(|problem| view! { <FieldError id="has-authority-error" problem /> })}
            <Show when=move || answers.has_authority.get() == Some(true)>
                <TextField
                    id="approver-name"
                    label="Your name"
                    autocomplete="name"
                    value=answers.approver_name
                    problem=flow.problem("approver_name")
                    on_edit=flow.edited
                />
                <TextField
                    id="approver-role"
                    label="Your role"
                    hint="For example Headteacher, Business Manager or Data Protection Lead."
                    autocomplete="organization-title"
                    value=answers.approver_role
                    problem=flow.problem("approver_role")
                    on_edit=flow.edited
                />
                <div class="form-buttons">
                    <button type="submit">"Next"</button>
                </div>
            </Show>
            <Show when=move || answers.has_authority.get() == Some(false)>
                <fieldset class="forward">
                    <legend>"Who should decide for the school?"</legend>
                    <TextField
                        id="forward-name"
                        label="Their name"
                        value=answers.forward_name
                        problem=flow.problem("name")
                        on_edit=flow.edited
                    />
                    <TextField
                        id="forward-email"
                        label="Their email address"
                        kind="email"
                        value=answers.forward_email
                        problem=flow.contact_email_problem()
                        on_edit=flow.edited
                    />
                    <TextField
                        id="forward-role"
                        label="Their role (optional)"
                        hint="For example Headteacher."
                        value=answers.forward_role
                        problem=flow.problem("role")
                        on_edit=flow.edited
                    />
                    <TextField
                        id="forward-from"
                        label="Your name (optional)"
                        hint="So they know who sent it on."
                        autocomplete="name"
                        value=answers.from_name
                        problem=flow.problem("from_name")
                        on_edit=flow.edited
                    />
                </fieldset>
                {move || {
                    let claimed = ["has_authority", "name", "email", "school_contact", "role", "from_name"];
                    problem_unclaimed(flow.error.get(), &claimed).map(|error| view! { <ProblemAlert error /> })
                }}
                <div class="form-buttons">
                    <button type="submit" disabled=move || flow.pending.get()>"Send the invitation to them"</button>
                </div>
            </Show>
            {move || {
                (answers.has_authority.get().is_none())
                    .then(|| view! {
                        <div class="form-buttons">
                            <button type="submit">"Next"</button>
                        </div>
                    })
            }}
        </form>
    }
}

/// Step 2: the school's MIS, preselected when the invitation names it.
#[component]
fn MisStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
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

/// One scope's checkbox, with its name and what sharing it means.
#[component]
fn ScopeCheckbox(scope: Scope, approved: RwSignal<ScopeSet>, edited: Callback<()>) -> impl IntoView {
    let id = format!("scope-{}", scope.as_str());
    let description_id = format!("{id}-description");
    view! {
        <div class="scope-choice">
            <input
                type="checkbox"
                id=id.clone()
                aria-describedby=description_id.clone()
                prop:checked=move || approved.read().contains(&scope)
                on:change=move |event| {
                    let ticked = event_target_checked(&event);
                    approved.update(|set| {
                        if ticked {
                            set.insert(scope);
                        } else {
                            set.remove(&scope);
                        }
                    });
                    edited.run(());
                }
            />
            <div>
                <label for=id>{scope.label()}</label>
                <p class="hint" id=description_id>{scope.description()}</p>
            </div>
        </div>
    }
}

/// Step 3: the data areas. A first authorisation ticks every requested scope to start with; a
/// re-authorisation shows requested against granted and asks only about the new scopes.
#[component]
fn ScopesStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let (app, requested, granted) =
        summary.with_value(|s| (s.app_name.clone(), s.requested_scopes.clone(), s.granted_scopes.clone()));
    let asked: ScopeSet = requested.difference(&granted).copied().collect();
    let reauthorising = !granted.is_empty();
    let problem = flow.problem("approved_scopes");
    let (described, invalid) = group_problem_attrs(problem, "approved-scopes-error");
    let boxes = asked
        .iter()
        .map(|&scope| view! { <ScopeCheckbox scope approved=answers.approved edited=flow.edited /> })
        .collect_view();
    let next = {
        let (requested, granted) = (requested.clone(), granted.clone());
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            match check_scopes(&requested, &granted, &answers.approved.get_untracked()) {
                Ok(()) => flow.go(Step::Gdpr),
                Err(text) => flow.invalid.set(Some(("approved_scopes", text.to_owned()))),
            }
        }
    };
    let heading = if reauthorising {
        format!("{app} asks for more data: approve all, some or none")
    } else {
        format!("Which data may {app} read?")
    };
    let intro = if reauthorising {
        format!(
            "What {app} requests, against what your school granted before. What was granted stays granted; \
             tick the new requests you approve, or none."
        )
    } else {
        format!(
            "{app} asks for the data areas below. Untick any you do not want to share; at least one of \
             Students, Staff, Contacts or Groups is needed."
        )
    };
    let comparison = reauthorising.then(|| view! { <ScopeComparison app=app.clone() requested granted /> });
    let legend = if reauthorising { "New requests" } else { "Data areas requested" };
    let nothing_new = asked.is_empty().then(|| view! { <p>"Nothing new is requested."</p> });
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <StepHeading step=3 of=STEPS.len() title=heading />
            <p class="hint">{intro}</p>
            {comparison}
            <fieldset class="scopes-asked" aria-describedby=described aria-invalid=invalid>
                <legend>{legend}</legend>
                {nothing_new}
                <div class="scope-grid">{boxes}</div>
            </fieldset>
            {move || problem.get().map(|problem| view! { <FieldError id="approved-scopes-error" problem /> })}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=Step::Mis />
            </div>
        </form>
    }
}

/// Requested against granted, side by side, for a re-authorisation.
#[component]
fn ScopeComparison(app: String, requested: ScopeSet, granted: ScopeSet) -> impl IntoView {
    let rows = requested
        .union(&granted)
        .map(|&scope| {
            let (asked, has) = (requested.contains(&scope), granted.contains(&scope));
            let status = match (asked, has) {
                (_, true) => ("grant granted", "Granted"),
                (true, false) => ("grant awaiting", "New request"),
                (false, false) => ("grant", "–"),
            };
            view! {
                <tr>
                    <th scope="row">
                        <span class="scope-label">{scope.label()}</span>
                        " "
                        <span class="scope-description">{scope.description()}</span>
                    </th>
                    <td>{if asked { "Requested" } else { "No longer requested" }}</td>
                    <td class=status.0>{status.1}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="scopes compare">
            <caption class="visually-hidden">{format!("What {app} requests and what your school granted")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Data area"</th>
                    <th scope="col">{format!("Requested by {app}")}</th>
                    <th scope="col">"Granted now"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Step 4: Include All or Exclude All, each explained.
#[component]
fn GdprStep(answers: Answers, flow: Flow) -> impl IntoView {
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

/// Step 5: optionally pause the feed until the people to share are chosen.
#[component]
fn FeedStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let app = summary.with_value(|s| s.app_name.clone());
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        flow.go(Step::Check);
    };
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <StepHeading step=5 of=STEPS.len() title="Start sharing now, or pause the feed?" />
            <p class="hint">
                {format!("Unless you pause it, {app} can read the approved data as soon as you authorise.")}
            </p>
            <div class="field">
                <div class="choice">
                    <input
                        type="checkbox"
                        id="feed-pause"
                        aria-describedby="feed-pause-hint"
                        prop:checked=move || answers.pause.get()
                        on:change=move |event| answers.pause.set(event_target_checked(&event))
                    />
                    <label for="feed-pause">"Pause until I have chosen who to share"</label>
                </div>
                <p class="hint" id="feed-pause-hint">
                    {format!(
                        "{app} reads nothing until you enable the feed. Useful with Exclude All, while you \
                         select the people to share."
                    )}
                </p>
            </div>
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=Step::Gdpr />
            </div>
        </form>
    }
}

/// Step 6: every answer, each with a way back to change it.
#[component]
fn CheckStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let (app, granted) = summary.with_value(|s| (s.app_name.clone(), s.granted_scopes.clone()));
    let requested = summary.with_value(|s| s.requested_scopes.clone());
    let approved = answers.approved.get_untracked();
    let scopes_text = if granted.is_empty() {
        scope_names(&approved)
    } else {
        let asked: ScopeSet = requested.difference(&granted).copied().collect();
        let declined: ScopeSet = asked.difference(&approved).copied().collect();
        let kept: ScopeSet = granted.intersection(&requested).copied().collect();
        format!(
            "Already shared: {}. Newly approved: {}. Not approved: {}.",
            scope_names(&kept),
            scope_names(&approved),
            scope_names(&declined)
        )
    };
    let gdpr = answers.gdpr.get_untracked().unwrap_or(GdprMode::IncludeAll);
    let feed = if answers.pause.get_untracked() {
        format!("Paused: {app} reads nothing until you enable the feed.")
    } else {
        format!("Enabled: {app} can read the approved data at once.")
    };
    let rows: Vec<(&'static str, String, Step)> = vec![
        (
            "You",
            person(&answers.approver_name.get_untracked(), Some(&answers.approver_role.get_untracked())),
            Step::Authority,
        ),
        ("MIS", answers.mis.get_untracked().unwrap_or_default(), Step::Mis),
        ("Data areas", scopes_text, Step::Scopes),
        ("GDPR mode", format!("{}: {}", gdpr.label(), gdpr_explanation(gdpr)), Step::Gdpr),
        ("Feed", feed, Step::Feed),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, value, step)| {
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                    <dd class="change">
                        <button type="button" class="link-button" on:click=move |_| flow.go(step)>
                            "Change"
                            <span class="visually-hidden">{format!(" {label}")}</span>
                        </button>
                    </dd>
                </div>
            }
        })
        .collect_view();
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        flow.go(Step::Confirm);
    };
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <StepHeading step=6 of=STEPS.len() title="Check your answers" />
            <dl class="review answers">{rows}</dl>
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <BackButton flow to=Step::Feed />
            </div>
        </form>
    }
}

/// Step 7: what authorising means, and Authorise Sharing.
#[component]
fn ConfirmStep(
    summary: StoredValue<InvitationSummary>,
    answers: Answers,
    flow: Flow,
    authorise: Callback<()>,
) -> impl IntoView {
    let (school, app, partner) =
        summary.with_value(|s| (s.school_name.clone(), s.app_name.clone(), s.partner_name.clone()));
    let who = person(&answers.approver_name.get_untracked(), Some(&answers.approver_role.get_untracked()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        authorise.run(());
    };
    view! {
        <form class="wizard-step" novalidate on:submit=submit>
            <StepHeading step=7 of=STEPS.len() title="Authorise sharing" />
            <div class="summary declaration">
                <p class="summary-lead">
                    {format!(
                        "By authorising, you, {who}, confirm that you may share {school}'s data, and allow {app} \
                         from {partner} to read it as your answers say."
                    )}
                </p>
                <p>"Gatehouse keeps a record of this in the school's Authorisation Log and emails you a receipt."</p>
            </div>
            {move || {
                problem_unclaimed(flow.error.get(), &["has_authority", "approver_name", "approver_role", "mis", "approved_scopes"])
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div class="form-buttons">
                <button type="submit" disabled=move || flow.pending.get()>"Authorise Sharing"</button>
                <BackButton flow to=Step::Check />
            </div>
        </form>
    }
}

/// Sent on to the right person: this link is dead now.
#[component]
fn Forwarded(to: ContactInput) -> impl IntoView {
    set_title("Invitation forwarded");
    let sentence =
        format!("We sent the invitation to {}; this link no longer works.", person(&to.name, Some(&to.email)));
    view! {
        <LinkProblem title="Invitation forwarded">
            <p class="action-message" role="status">{sentence}</p>
            <p>"They get an email with their own Begin Authorisation link. You can close this page."</p>
        </LinkProblem>
    }
}

/// The receipt: who authorised what, when, with which settings. `fresh` when authorised just
/// now; otherwise the link was opened again after use.
#[component]
fn ReceiptPage(summary: InvitationSummary, fresh: bool) -> impl IntoView {
    set_title(if fresh { "Sharing authorised" } else { "Invitation already used" });
    let (title, lead) = if fresh {
        (
            "Sharing authorised".to_owned(),
            format!(
                "Thank you. {} may now read {}'s data as set out below. A copy of this receipt has been emailed.",
                summary.app_name, summary.school_name
            ),
        )
    } else {
        (
            "This invitation was already used".to_owned(),
            "It was used to authorise sharing, as this receipt shows. The link cannot be used again.".to_owned(),
        )
    };
    let details = summary.receipt.map(|receipt| view! { <ReceiptDetails receipt /> });
    view! {
        <LinkProblem title>
            <p class="lead">{lead}</p>
            {details}
            <NextStep />
        </LinkProblem>
    }
}

/// What an authorisation that waits says (#12): nothing is shared yet, and who decides next:
/// Gatehouse operations verifying the authoriser's authority, or an admin of the school, who
/// has been emailed. `fresh` when authorised just now; otherwise the link was opened again.
#[component]
fn WaitingPage(summary: InvitationSummary, fresh: bool) -> impl IntoView {
    let verifying = summary.state == InvitationState::AwaitingVerification;
    let title = if verifying { "Waiting for verification" } else { "Waiting for your school's approval" };
    set_title(title);
    let (school, app) = (&summary.school_name, &summary.app_name);
    let used = if fresh {
        "Thank you: your answers are recorded.".to_owned()
    } else {
        "This invitation was already used; the link cannot be used again.".to_owned()
    };
    let who_decides = if verifying {
        format!(
            "Gatehouse operations are verifying that you have authority to share {school}'s data. We will \
             email you once they have; {app} reads nothing until then."
        )
    } else {
        format!(
            "{school} already has admins in Gatehouse, and one of them must approve this. They have been \
             emailed, and approve or decline it in the school portal; {app} reads nothing until one approves."
        )
    };
    view! {
        <LinkProblem title>
            <p class="lead">{used}</p>
            <p class="notice" role="status"><strong>"Nothing is shared yet. "</strong>{who_decides}</p>
        </LinkProblem>
    }
}

/// S4: after authorising, the school contact (now a school portal user) chooses how the MIS
/// agent is installed, in the school portal.
#[component]
fn NextStep() -> impl IntoView {
    view! {
        <section class="next-step" aria-labelledby="next-step-heading">
            <h2 id="next-step-heading">"Next step: install the MIS agent"</h2>
            <p>
                "Data flows once the MIS agent is installed at your school. You can now sign in to the \
                 school portal with this email address to choose how: install it yourself, or book a \
                 slot with our support team. The portal is also where you change or revoke this sharing."
            </p>
            <p><a class="button" href="/school/signin">"Sign in to the school portal"</a></p>
        </section>
    }
}

#[component]
fn ReceiptDetails(receipt: AuthorisationReceipt) -> impl IntoView {
    let scopes = receipt
        .granted_scopes
        .iter()
        .map(|scope| {
            view! {
                <li>
                    <span class="scope-label">{scope.label()}</span>
                    " "
                    <span class="scope-description">{scope.description()}</span>
                </li>
            }
        })
        .collect_view();
    let facts: [(&str, String); 6] = [
        ("School", receipt.school_name.clone()),
        ("App", format!("{} from {}", receipt.app_name, receipt.partner_name)),
        ("Authorised by", person(&receipt.approver_name, Some(&receipt.approver_role))),
        ("Authorised at", local_time(&receipt.authorised_at)),
        ("GDPR mode", receipt.gdpr_mode.label().to_owned()),
        ("Feed status", receipt.feed_status.label().to_owned()),
    ];
    let facts = facts
        .into_iter()
        .map(|(label, value)| {
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="receipt" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">"Receipt"</h2>
            <dl class="facts wide">{facts}</dl>
            <h3>"Data areas shared"</h3>
            <ul class="receipt-scopes">{scopes}</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Problem;

    fn set(scopes: &[Scope]) -> ScopeSet {
        scopes.iter().copied().collect()
    }

    fn invalid(field: &str) -> ApiError {
        ApiError::Problem(Problem {
            problem_type: "/problems/invalid".to_owned(),
            title: "Invalid input".to_owned(),
            status: 400,
            detail: "Give your name.".to_owned(),
            code: "invalid".to_owned(),
            field: Some(field.to_owned()),
            request_id: None,
        })
    }

    fn problem(status: u16, code: &str, field: Option<&str>) -> ApiError {
        ApiError::Problem(Problem {
            problem_type: format!("/problems/{code}"),
            title: "Problem".to_owned(),
            status,
            detail: "Something is wrong.".to_owned(),
            code: code.to_owned(),
            field: field.map(str::to_owned),
            request_id: None,
        })
    }

    #[test]
    fn a_link_that_cannot_be_opened_says_why() {
        assert_eq!(open_failure(&problem(410, "invitation_expired", None)), OpenFailure::Expired);
        assert_eq!(open_failure(&problem(410, "link_superseded", None)), OpenFailure::Superseded);
        assert_eq!(open_failure(&problem(429, "rate_limited", None)), OpenFailure::TooManyAttempts);
        assert_eq!(open_failure(&problem(400, "invalid", Some("token"))), OpenFailure::NotALink);
        assert_eq!(open_failure(&problem(503, "unavailable", None)), OpenFailure::Other);
        assert_eq!(open_failure(&ApiError::Unreachable), OpenFailure::Other);
    }

    #[test]
    fn a_first_authorisation_shares_at_least_one_data_area() {
        let requested = set(&[Scope::Students, Scope::Groups, Scope::Traveller]);
        let none = ScopeSet::new();
        assert!(check_scopes(&requested, &none, &set(&[Scope::Traveller])).is_err());
        assert!(check_scopes(&requested, &none, &none).is_err());
        assert!(check_scopes(&requested, &none, &set(&[Scope::Groups])).is_ok());
    }

    #[test]
    fn a_re_authorisation_may_approve_none_of_the_new_scopes() {
        let requested = set(&[Scope::Students, Scope::Traveller]);
        assert!(check_scopes(&requested, &set(&[Scope::Students]), &ScopeSet::new()).is_ok());
    }

    #[test]
    fn the_mis_is_preselected_only_when_it_is_one_of_the_choices() {
        assert_eq!(preselected_mis(Some("arbor")).as_deref(), Some("Arbor"));
        assert_eq!(preselected_mis(Some(" SIMS ")).as_deref(), Some("SIMS"));
        assert_eq!(preselected_mis(Some("Not detected")), None);
        assert_eq!(preselected_mis(None), None);
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
        assert_eq!(scope_names(&set(&[Scope::Students, Scope::Traveller])), "Students, Traveller");
        assert_eq!(scope_names(&ScopeSet::new()), "none");
    }

    #[test]
    fn only_the_two_waiting_states_wait() {
        assert!(waits(InvitationState::AwaitingVerification) && waits(InvitationState::AwaitingSchoolApproval));
        assert!(!waits(InvitationState::Authorised) && !waits(InvitationState::Open));
    }

    #[test]
    fn the_new_scopes_are_those_requested_and_not_granted() {
        let summary = InvitationSummary {
            school_name: "Brookside Infant School".to_owned(),
            partner_name: "Demo Partner Ltd".to_owned(),
            app_name: "Demo Timetabler".to_owned(),
            contact_name: "Bea Bursar".to_owned(),
            requested_scopes: set(&[Scope::Students, Scope::Traveller]),
            granted_scopes: set(&[Scope::Students, Scope::Groups]),
            mis: None,
            state: InvitationState::Open,
            receipt: None,
            expires_at: "2026-01-01T00:00:00Z".to_owned(),
        };
        assert_eq!(new_scopes(&summary), set(&[Scope::Traveller]));
    }
}
