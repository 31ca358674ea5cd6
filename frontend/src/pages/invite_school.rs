//! P7, `/schools/invite`: a partner invites a school from the register of schools in England
//! and Wales in three steps: find the school, say who there receives the invitation, then review
//! and send. The answer says what was sent and links to the school's tile in Pending
//! Authorisations. `?app=` picks the app the invitation is for; the partner's first otherwise.
//! Needs a session; without one the user is sent to sign in.

use std::time::Duration;

use gatehouse_model::{
    ActionOutcome, AppSummary, ContactInput, DirectoryResults, DirectorySchool, EstablishmentStatus,
    InviteSchoolRequest, Me, SchoolView,
};
use leptos::html::H2;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::{self, ApiError};
use crate::app::{PENDING_AUTHORISATIONS, school_list_page, set_title, sign_in_when};
use crate::components::{
    FieldError, FieldProblem, Header, Invalid, ProblemAlert, StepHeading, StepList, TextField, described_by,
    field_problem, names_field, problem_unclaimed,
};

/// The steps, as the step list names them.
const STEPS: [&str; 3] = ["Find the school", "School contact", "Review and send"];

/// How long typing must pause before the directory is searched.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

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

/// Whether the directory will search for `text`: it needs a word of two letters or digits.
fn searchable(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| word.chars().count() >= 2)
}

/// "URN 140004 · Birmingham · B2 1BE · Primary": what tells two schools of one name apart.
fn school_facts(school: &DirectorySchool) -> String {
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

/// Whether `text` has the shape of an email address; the server checks it properly.
fn looks_like_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// The contact step's answers as the request takes them, or the first thing missing.
fn check_contact(
    name: &str,
    email: &str,
    role: &str,
    may_authorise: bool,
    partner: &str,
) -> Result<(ContactInput, Option<String>), (&'static str, &'static str)> {
    let (name, email, role, partner) = (name.trim(), email.trim(), role.trim(), partner.trim());
    if name.is_empty() {
        return Err(("name", "Enter the name of the person at the school."));
    }
    if !looks_like_email(email) {
        return Err(("email", "Enter their email address, like name@school.org.uk."));
    }
    if !may_authorise {
        return Err((
            "contact_may_authorise",
            "Confirm that this person may share data for the school, or invite someone who may.",
        ));
    }
    if !partner.is_empty() && !looks_like_email(partner) {
        return Err((
            "partner_contact",
            "Enter a colleague's email address, or leave it empty to be the contact yourself.",
        ));
    }
    let role = Some(role.to_owned()).filter(|role| !role.is_empty());
    let partner = Some(partner.to_owned()).filter(|partner| !partner.is_empty());
    Ok((ContactInput { name: name.to_owned(), email: email.to_owned(), role }, partner))
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
    name: RwSignal<String>,
    email: RwSignal<String>,
    role: RwSignal<String>,
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
            name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            role: RwSignal::new(String::new()),
            may_authorise: RwSignal::new(false),
            partner: RwSignal::new(String::new()),
            app: RwSignal::new(app),
        }
    }

    fn clear(&self) {
        self.typed.set(String::new());
        self.school.set(None);
        for text in [self.name, self.email, self.role, self.partner] {
            text.set(String::new());
        }
        self.may_authorise.set(false);
    }
}

/// What every step needs besides the answers: where the wizard is, what is wrong, and the send.
#[derive(Clone, Copy)]
struct Flow {
    step: RwSignal<Step>,
    invalid: RwSignal<Invalid>,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    /// An answer changed: the problems about the old one go.
    edited: Callback<()>,
    send: Callback<InviteSchoolRequest>,
    me: Signal<Option<Me>>,
}

impl Flow {
    fn problem(&self, name: &'static str) -> Signal<Option<FieldProblem>> {
        let (invalid, error) = (self.invalid, self.error);
        Signal::derive(move || field_problem(invalid.get(), error.get(), name))
    }

    /// The contact's email address: its own problem, or the server refusing it as a partner's
    /// address (`school_contact`).
    fn contact_email_problem(&self) -> Signal<Option<FieldProblem>> {
        let (invalid, error) = (self.invalid, self.error);
        Signal::derive(move || {
            field_problem(invalid.get(), error.get(), "email")
                .or_else(|| field_problem(None, error.get(), "school_contact"))
        })
    }
}

#[component]
pub fn InviteSchoolScreen() -> impl IntoView {
    set_title("Invite a school");
    let me = LocalResource::new(api::me);
    let params = use_query_map();
    let answers = Answers::new(params.read_untracked().get("app").filter(|app| !app.is_empty()));
    let step = RwSignal::new(Step::Find);
    let invalid = RwSignal::new(None as Invalid);
    let send = Action::new_local(move |request: &InviteSchoolRequest| {
        let (app, request) = (answers.app.get_untracked(), request.clone());
        async move { api::invite_school(app.as_deref(), request).await }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    sign_in_when(move || {
        let me_failed = me.get().and_then(Result::err);
        me_failed.iter().chain(&error.get()).any(ApiError::requires_sign_in)
    });
    // A problem the server found with an earlier step's answer takes the user back to it.
    Effect::new(move || {
        if let Some(error) = error.get() {
            step.set(step_for(&error));
        }
    });
    let sent = Memo::new(move |_| send.value().get().and_then(Result::ok));
    let flow = Flow {
        step,
        invalid,
        error,
        pending: send.pending().into(),
        edited: Callback::new(move |()| {
            invalid.set(None);
            if send.value().with_untracked(|value| matches!(value, Some(Err(_)))) {
                send.value().set(None);
            }
        }),
        send: Callback::new(move |request| {
            send.dispatch(request);
        }),
        me: Signal::derive(move || me.get().and_then(Result::ok)),
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
                <a href=crate::app::INTERNATIONAL_REQUEST>"My school is not in England or Wales"</a>
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
        <Header me=flow.me />
        <main class="wizard">
            <p class="back-link">
                <a href=PENDING_AUTHORISATIONS>"Back to Pending Authorisations"</a>
            </p>
            <h1>"Invite a school"</h1>
            {move || match sent.get() {
                Some(outcome) => view! { <InviteSent outcome app=answers.app.get_untracked() on_again=again /> }
                    .into_any(),
                None => wizard().into_any(),
            }}
        </main>
    }
}

/// Step 1: search the directory as the user types, then choose one open school.
#[component]
fn FindStep(answers: Answers, flow: Flow) -> impl IntoView {
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
                let answer = api::search_directory(text.clone()).await;
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
                <label for="school-search">"School name, URN, local authority or postcode"</label>
                <p class="hint" id="school-search-hint">
                    "Type at least 2 letters or digits, for example \u{201c}brookside infant\u{201d} or B2 1BE."
                </p>
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

/// Step 2: who at the school receives the invitation, and who at the partner follows it.
#[component]
fn ContactStep(answers: Answers, flow: Flow) -> impl IntoView {
    let school = answers.school.get_untracked().map(|school| school.name).unwrap_or_default();
    let next = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let checked = check_contact(
            &answers.name.get_untracked(),
            &answers.email.get_untracked(),
            &answers.role.get_untracked(),
            answers.may_authorise.get_untracked(),
            &answers.partner.get_untracked(),
        );
        match checked {
            Ok(_) => {
                flow.invalid.set(None);
                flow.step.set(Step::Review);
            }
            Err((field, text)) => flow.invalid.set(Some((field, text.to_owned()))),
        }
    };
    let may_authorise_problem = flow.problem("contact_may_authorise");
    let partner_hint = move || match flow.me.get() {
        Some(me) => format!(
            "A colleague at {} who follows this invitation. Leave it empty to follow it yourself ({}).",
            me.partner_name, me.email
        ),
        None => "A colleague who follows this invitation. Leave it empty to follow it yourself.".to_owned(),
    };
    let apps = move || flow.me.get().map(|me| me.apps).filter(|apps| apps.len() > 1);
    view! {
        <form class="wizard-step" novalidate on:submit=next>
            <StepHeading step=2 of=STEPS.len() title=format!("Who at {school} should receive the invitation?") />
            <p class="hint">
                "They get the Begin Authorisation link. If they are not the right person to decide, they can \
                 forward it to whoever is."
            </p>
            <TextField
                id="contact-name"
                label="Name"
                value=answers.name
                problem=flow.problem("name")
                on_edit=flow.edited
            />
            <TextField
                id="contact-email"
                label="Email address"
                kind="email"
                value=answers.email
                problem=flow.contact_email_problem()
                on_edit=flow.edited
            />
            <TextField
                id="contact-role"
                label="Role (optional)"
                hint="For example Headteacher, Business Manager or Data Manager."
                value=answers.role
                problem=flow.problem("role")
                on_edit=flow.edited
            />
            <div class="field">
                <div class="choice">
                    <input
                        type="checkbox"
                        id="contact-may-authorise"
                        aria-describedby=move || {
                            described_by(
                                Some("contact-may-authorise-hint"),
                                may_authorise_problem.read().as_ref().map(|_| "contact-may-authorise-error"),
                            )
                        }
                        aria-invalid=move || may_authorise_problem.read().is_some().then_some("true")
                        prop:checked=move || answers.may_authorise.get()
                        on:change=move |event| {
                            answers.may_authorise.set(event_target_checked(&event));
                            flow.edited.run(());
                        }
                    />
                    <label for="contact-may-authorise">
                        "This person is authorised to share data on the school's behalf"
                    </label>
                </div>
                <p class="hint" id="contact-may-authorise-hint">
                    "Required: for example the headteacher, business manager or data protection lead."
                </p>
                {move || {
                    may_authorise_problem.get().map(|problem| view! { <FieldError id="contact-may-authorise-error" problem /> })
                }}
            </div>
            {move || {
                let hint = partner_hint();
                view! {
                    <TextField
                        id="partner-contact"
                        label="Partner contact email (optional)"
                        kind="email"
                        hint
                        value=answers.partner
                        problem=flow.problem("partner_contact")
                        on_edit=flow.edited
                    />
                }
            }}
            {move || apps().map(|apps| view! { <AppChoice apps chosen=answers.app /> })}
            <div class="form-buttons">
                <button type="submit">"Next"</button>
                <button type="button" class="secondary" on:click=move |_| flow.step.set(Step::Find)>"Back"</button>
            </div>
        </form>
    }
}

/// Which of the partner's apps the school is invited to, for a partner with more than one.
#[component]
fn AppChoice(apps: Vec<AppSummary>, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let first = apps.first().map(|app| app.app_id.clone());
    let current = chosen.get_untracked().or(first);
    let options = apps
        .into_iter()
        .map(|app| {
            let selected = Some(&app.app_id) == current.as_ref();
            view! { <option value=app.app_id selected=selected>{app.name}</option> }
        })
        .collect_view();
    view! {
        <div class="field app-choice">
            <label for="invite-app">"App"</label>
            <select id="invite-app" on:change=move |event| chosen.set(Some(event_target_value(&event)))>
                {options}
            </select>
        </div>
    }
}

/// Step 3: everything that will be sent, then Send.
#[component]
fn ReviewStep(answers: Answers, flow: Flow) -> impl IntoView {
    let school = answers.school.get_untracked();
    let checked = check_contact(
        &answers.name.get_untracked(),
        &answers.email.get_untracked(),
        &answers.role.get_untracked(),
        answers.may_authorise.get_untracked(),
        &answers.partner.get_untracked(),
    );
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(school) = answers.school.get_untracked() else { return flow.step.set(Step::Find) };
        // The request names its app (`?app=`) even when the partner has only one.
        if answers.app.get_untracked().is_none() {
            answers.app.set(flow.me.get_untracked().and_then(|me| me.apps.first().map(|app| app.app_id.clone())));
        }
        match check_contact(
            &answers.name.get_untracked(),
            &answers.email.get_untracked(),
            &answers.role.get_untracked(),
            answers.may_authorise.get_untracked(),
            &answers.partner.get_untracked(),
        ) {
            Ok((school_contact, partner_contact)) => flow.send.run(InviteSchoolRequest {
                urn: school.urn,
                school_contact,
                contact_may_authorise: true,
                partner_contact,
            }),
            Err(_) => flow.step.set(Step::Contact),
        }
    };
    let school_text = school.as_ref().map(|school| (school.name.clone(), school_facts(school))).unwrap_or_default();
    let (contact, partner) = match checked {
        Ok((contact, partner)) => (contact, partner),
        Err(_) => (ContactInput { name: String::new(), email: String::new(), role: None }, None),
    };
    let contact_text = match &contact.role {
        Some(role) => format!("{}, {role}", contact.name),
        None => contact.name.clone(),
    };
    let partner_text = move || match (&partner, flow.me.get()) {
        (Some(partner), _) => partner.clone(),
        (None, Some(me)) => format!("You ({})", me.email),
        (None, None) => "You".to_owned(),
    };
    let app_text = move || {
        let me = flow.me.get()?;
        let chosen = answers.app.get();
        let app = me.apps.iter().find(|app| Some(&app.app_id) == chosen.as_ref()).or(me.apps.first())?;
        Some(app.name.clone())
    };
    view! {
        <form class="wizard-step" novalidate on:submit=send>
            <StepHeading step=3 of=STEPS.len() title="Review and send" />
            <dl class="review">
                <div>
                    <dt>"School"</dt>
                    <dd>
                        <span class="review-main">{school_text.0}</span>
                        " "
                        <span class="hint">{school_text.1}</span>
                    </dd>
                </div>
                <div>
                    <dt>"School contact"</dt>
                    <dd>
                        <span class="review-main">{contact_text}</span>
                        " "
                        <span>{contact.email.clone()}</span>
                    </dd>
                </div>
                <div>
                    <dt>"May share data for the school"</dt>
                    <dd>"Yes, you confirmed it"</dd>
                </div>
                <div>
                    <dt>"Partner contact"</dt>
                    <dd>{partner_text}</dd>
                </div>
                {move || app_text().map(|app| view! {
                    <div>
                        <dt>"App"</dt>
                        <dd>{app}</dd>
                    </div>
                })}
            </dl>
            <p>
                {format!(
                    "Gatehouse emails {} a Begin Authorisation link that works for 30 days. Until the school \
                     authorises, you find it in Pending Authorisations.",
                    contact.name
                )}
            </p>
            {move || {
                problem_unclaimed(flow.error.get(), &CONTACT_FIELDS)
                    .filter(|error| !about_the_school(error))
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div class="form-buttons">
                <button type="submit" disabled=move || flow.pending.get()>"Send invitation"</button>
                <button type="button" class="secondary" on:click=move |_| flow.step.set(Step::Contact)>"Back"</button>
            </div>
        </form>
    }
}

/// What sending did, and the way to the school's tile.
#[component]
fn InviteSent(outcome: ActionOutcome, app: Option<String>, on_again: Callback<()>) -> impl IntoView {
    let heading = NodeRef::<H2>::new();
    heading.on_load(|heading| {
        let _ = heading.focus();
    });
    let school = outcome.school;
    let (path, list) = school_list_page(school.view.unwrap_or(SchoolView::Pending));
    let mut params = vec![("school", school.row.school_id.clone())];
    params.extend(app.map(|app| ("app", app)));
    let href = format!("{path}{}", ParamsMap::from_iter(params).to_query_string());
    let name = school.row.name.clone();
    view! {
        <section class="wizard-done" aria-labelledby="invite-sent-heading">
            <h2 id="invite-sent-heading" class="step-heading" tabindex="-1" node_ref=heading>
                "Invitation sent"
            </h2>
            <p class="action-message">{outcome.message}</p>
            <p>
                <a href=href>{format!("Open {name} in {list}")}</a>
            </p>
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=move |_| on_again.run(())>
                    "Invite another school"
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Problem;

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

    fn problem(code: &str, field: Option<&str>) -> ApiError {
        ApiError::Problem(Problem {
            problem_type: format!("/problems/{code}"),
            title: "Problem".to_owned(),
            status: 400,
            detail: "Something is wrong.".to_owned(),
            code: code.to_owned(),
            field: field.map(str::to_owned),
            request_id: None,
        })
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

    #[test]
    fn the_contact_needs_a_name_an_address_and_the_confirmation() {
        assert_eq!(check_contact("", "a@b.example", "", true, "").unwrap_err().0, "name");
        assert_eq!(check_contact("Bea", "bea", "", true, "").unwrap_err().0, "email");
        assert_eq!(check_contact("Bea", "bea@school.example", "", false, "").unwrap_err().0, "contact_may_authorise");
        assert_eq!(check_contact("Bea", "bea@school.example", "", true, "sam").unwrap_err().0, "partner_contact");
        let (contact, partner) =
            check_contact(" Bea Bursar ", " bea@school.example ", " Business Manager ", true, " ").unwrap();
        assert_eq!(
            contact,
            ContactInput {
                name: "Bea Bursar".to_owned(),
                email: "bea@school.example".to_owned(),
                role: Some("Business Manager".to_owned())
            }
        );
        assert_eq!(partner, None);
        let (_, partner) = check_contact("Bea", "bea@school.example", "", true, "sam@partner.example").unwrap();
        assert_eq!(partner.as_deref(), Some("sam@partner.example"));
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
