//! P6, the tile's actions: a button for each action the API says applies to the school, and
//! the form each opens in the tile's place: the three-step revoke wizard, a confirmation for
//! what cannot be undone, and the invitation's recipient. Priority needs no form. Escape or
//! Cancel closes a form and gives the focus back to the button that opened it.

use gatehouse_model::{
    ActionOutcome, ContactInput, InviteRequest, RevokeReason, RevokeRequest, SchoolAction, SchoolDetail,
};
use leptos::html::H4;
use leptos::prelude::*;

use crate::api::{self, ApiError, SchoolCommand};
use crate::components::{InputProblem, ProblemAlert, focus_first, names_field, problem_for, problem_unclaimed};
use crate::dates::{long_date, today};

/// What every form needs from the tile: the call in flight, its problem, a way to send, and a
/// way out.
#[derive(Clone, Copy)]
struct Run {
    pending: Signal<bool>,
    error: Signal<Option<ApiError>>,
    send: Callback<SchoolCommand>,
    cancel: Callback<()>,
}

#[component]
pub fn SchoolActions(
    school: SchoolDetail,
    run: Action<SchoolCommand, Result<ActionOutcome, ApiError>>,
) -> impl IntoView {
    let open = RwSignal::new(None::<SchoolAction>);
    let cancel = Callback::new(move |()| {
        let was_open = open.get_untracked();
        open.set(None);
        run.value().set(None);
        if let Some(action) = was_open {
            // After the buttons show again: the focus returns to the one that opened the form.
            request_animation_frame(move || focus_first(&format!("#{}", button_id(action))));
        }
    });
    let form_run = Run {
        pending: run.pending().into(),
        error: Signal::derive(move || run.value().get().and_then(Result::err)),
        send: Callback::new(move |command| {
            run.dispatch(command);
        }),
        cancel,
    };
    let start = move |action: SchoolAction| {
        run.value().set(None);
        match action {
            SchoolAction::SetPriority => {
                run.dispatch(SchoolCommand::Priority(true));
            }
            SchoolAction::RemovePriority => {
                run.dispatch(SchoolCommand::Priority(false));
            }
            _ => open.set(Some(action)),
        }
    };
    let buttons = school
        .actions
        .iter()
        .map(|&action| {
            view! {
                <button
                    type="button"
                    id=button_id(action)
                    class=button_class(action)
                    disabled=move || run.pending().get()
                    on:click=move |_| start(action)
                >
                    {action.label()}
                </button>
            }
        })
        .collect_view();
    let no_actions = school.actions.is_empty();
    let form = move || open.get().map(|action| form_for(action, &school, form_run));
    view! {
        <section class="tile-section tile-actions" aria-labelledby="tile-actions">
            <h3 id="tile-actions" class="visually-hidden">"Actions"</h3>
            <div class="action-buttons" hidden=move || open.read().is_some()>
                {buttons}
                {no_actions.then(|| view! { <p class="hint">"No actions apply to this school now."</p> })}
            </div>
            // A problem with an action that has no form, such as Set Priority.
            {move || {
                open.read()
                    .is_none()
                    .then(|| form_run.error.get())
                    .flatten()
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div
                class="action-form"
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        // The form closes; the tile stays open.
                        event.stop_propagation();
                        event.prevent_default();
                        cancel.run(());
                    }
                }
            >
                {form}
            </div>
        </section>
    }
}

fn button_id(action: SchoolAction) -> String {
    format!("action-{}", crate::school_query::serde_name(action).unwrap_or_default())
}

/// Actions that take something away look it.
fn button_class(action: SchoolAction) -> &'static str {
    match action {
        SchoolAction::RevokeAccess | SchoolAction::CancelInvite => "secondary danger",
        _ => "secondary",
    }
}

/// A form's heading takes the focus when it appears, so a screen reader reads where the user
/// now is.
fn focused_heading() -> NodeRef<H4> {
    let heading = NodeRef::<H4>::new();
    heading.on_load(|heading| {
        let _ = heading.focus();
    });
    heading
}

fn form_for(action: SchoolAction, school: &SchoolDetail, run: Run) -> AnyView {
    let name = school.row.name.clone();
    let app = school.app_name.clone();
    match action {
        SchoolAction::RevokeAccess => view! { <RevokeWizard school=name app run /> }.into_any(),
        SchoolAction::CancelRevocation => {
            let ends = school.row.revoke_pending.as_deref().map(long_date);
            let planned = match ends {
                Some(date) => format!("Access was due to end on {date}."),
                None => "Access was due to end on a later date.".to_owned(),
            };
            view! {
                <ConfirmForm
                    title="Cancel the revocation?"
                    sentences=vec![
                        planned,
                        format!("{name} stays in Active Schools and {app} keeps reading its data as before."),
                    ]
                    confirm="Yes, cancel the revocation"
                    back="Keep the revocation"
                    command=SchoolCommand::CancelRevocation
                    run
                />
            }
            .into_any()
        }
        SchoolAction::CancelInvite => {
            let contact = school.row.school_contact.clone().unwrap_or_else(|| "the school".to_owned());
            view! {
                <ConfirmForm
                    title="Cancel the invitation?"
                    sentences=vec![
                        format!("The link sent to {contact} stops working and {name} leaves Pending Authorisations."),
                        "This cannot be undone: to work with the school later, you would invite it again.".to_owned(),
                    ]
                    confirm="Yes, cancel the invitation"
                    back="Keep the invitation"
                    command=SchoolCommand::CancelInvite
                    run
                />
            }
            .into_any()
        }
        SchoolAction::ResendInvite | SchoolAction::Reinvite => {
            let current = school.row.school_contact.clone();
            view! { <InviteForm action school=name app current run /> }.into_any()
        }
        // These send at once and never open a form.
        SchoolAction::SetPriority | SchoolAction::RemovePriority => ().into_any(),
    }
}

/// "Are you sure?" for an action that cannot be taken back.
#[component]
fn ConfirmForm(
    title: &'static str,
    sentences: Vec<String>,
    confirm: &'static str,
    back: &'static str,
    command: SchoolCommand,
    run: Run,
) -> impl IntoView {
    let heading = focused_heading();
    let sentences = sentences.into_iter().map(|sentence| view! { <p>{sentence}</p> }).collect_view();
    view! {
        <form
            class="panel-form"
            on:submit=move |event| {
                event.prevent_default();
                run.send.run(command.clone());
            }
        >
            <h4 tabindex="-1" node_ref=heading>{title}</h4>
            {sentences}
            {move || run.error.get().map(|error| view! { <ProblemAlert error /> })}
            <div class="form-buttons">
                <button type="submit" class="danger" disabled=move || run.pending.get()>{confirm}</button>
                <button type="button" class="secondary" on:click=move |_| run.cancel.run(())>{back}</button>
            </div>
        </form>
    }
}

/// The revoke wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Reason,
    Date,
    Confirm,
}

/// What the screen itself found wrong with an input, before asking the server.
type Invalid = Option<(&'static str, &'static str)>;

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
fn RevokeWizard(school: String, app: String, run: Run) -> impl IntoView {
    let step = RwSignal::new(Step::Reason);
    let reason = RwSignal::new(None::<RevokeReason>);
    let note = RwSignal::new(String::new());
    let today = today();
    let date = RwSignal::new(today.clone());
    let invalid = RwSignal::new(None as Invalid);
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
        let heading = focused_heading();
        let radios = RevokeReason::ALL
            .into_iter()
            .enumerate()
            .map(|(index, choice)| {
                let id = format!("revoke-reason-{index}");
                view! {
                    <div class="choice">
                        <input
                            type="radio"
                            id=id.clone()
                            name="revoke-reason"
                            prop:checked=move || reason.get() == Some(choice)
                            on:change=move |_| {
                                reason.set(Some(choice));
                                invalid.set(None);
                            }
                        />
                        <label for=id>{choice.label()}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <form
                class="panel-form"
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    match check_reason(reason.get_untracked(), &note.get_untracked()) {
                        Ok(_) => {
                            invalid.set(None);
                            step.set(Step::Date);
                        }
                        Err(problem) => invalid.set(Some(problem)),
                    }
                }
            >
                <h4 tabindex="-1" node_ref=heading>"Revoke access: step 1 of 3"</h4>
                <fieldset aria-invalid=move || invalid_attr("reason")>
                    <legend>"Why are you revoking access?"</legend>
                    {radios}
                </fieldset>
                {move || problem("reason")}
                <div class="field">
                    <label for="revoke-note">"Note"</label>
                    <p class="hint" id="revoke-note-hint">
                        "Kept in the Authorisation Log. Required when the reason is Other."
                    </p>
                    <textarea
                        id="revoke-note"
                        rows="3"
                        aria-describedby="revoke-note-hint"
                        aria-invalid=move || invalid_attr("note")
                        prop:value=move || note.get()
                        on:input=move |event| note.set(event_target_value(&event))
                    ></textarea>
                    {move || problem("note")}
                </div>
                <div class="form-buttons">
                    <button type="submit">"Next"</button>
                    <button type="button" class="secondary" on:click=move |_| run.cancel.run(())>"Cancel"</button>
                </div>
            </form>
        }
    };

    let date_step = {
        let today = today.clone();
        move || {
            let heading = focused_heading();
            let min = today.clone();
            let checked_against = today.clone();
            let set_date = move |event: leptos::ev::Event| {
                date.set(event_target_value(&event));
                invalid.set(None);
            };
            view! {
                <form
                    class="panel-form"
                    novalidate
                    on:submit=move |event| {
                        event.prevent_default();
                        match check_date(&date.get_untracked(), &checked_against) {
                            Ok(()) => {
                                invalid.set(None);
                                step.set(Step::Confirm);
                            }
                            Err(problem) => invalid.set(Some(problem)),
                        }
                    }
                >
                    <h4 tabindex="-1" node_ref=heading>"Revoke access: step 2 of 3"</h4>
                    <div class="field">
                        <label for="revoke-on">"Access ends on"</label>
                        <p class="hint" id="revoke-on-hint">
                            "Today ends access at once. A later date keeps the school in Active Schools, \
                             marked Revoke Pending, until that date."
                        </p>
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
                    <div class="form-buttons">
                        <button type="submit">"Next"</button>
                        <button type="button" class="secondary" on:click=move |_| step.set(Step::Reason)>"Back"</button>
                    </div>
                </form>
            }
        }
    };

    let confirm_step = move || {
        let heading = focused_heading();
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

/// Whether an invitation goes to the contact on record or to someone new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    Current,
    New,
}

/// The new contact as typed, or the first thing missing from it.
fn new_contact(name: &str, email: &str, role: &str) -> Result<ContactInput, (&'static str, &'static str)> {
    let (name, email, role) = (name.trim(), email.trim(), role.trim());
    if name.is_empty() {
        return Err(("name", "Enter the name of the person to invite."));
    }
    if !email.contains('@') {
        return Err(("email", "Enter the email address of the person to invite, like name@school.example."));
    }
    let role = Some(role.to_owned()).filter(|role| !role.is_empty());
    Ok(ContactInput { name: name.to_owned(), email: email.to_owned(), role })
}

const ROLE_HINT: &str = "Optional, for example Data Manager.";

/// Resend Invite and Re-invite: to the contact on record, or to a new one.
#[component]
fn InviteForm(action: SchoolAction, school: String, app: String, current: Option<String>, run: Run) -> impl IntoView {
    let heading = focused_heading();
    let recipient = RwSignal::new(if current.is_some() { Recipient::Current } else { Recipient::New });
    let (name, email, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let invalid = RwSignal::new(None as Invalid);
    // Made when the form opens, and again whenever what would be sent changes: a double click
    // or a retry of the same send repeats the key, so the school gets one email.
    let key = RwSignal::new(api::idempotency_key());
    let edited = move || {
        key.set(api::idempotency_key());
        invalid.set(None);
    };
    let (title, explanation) = match action {
        SchoolAction::Reinvite => (
            "Invite the school again",
            format!("{school} is asked to authorise {app} again, with a new Begin Authorisation link."),
        ),
        _ => (
            "Resend the invitation",
            format!("{school} gets a new Begin Authorisation link; the link sent before stops working."),
        ),
    };
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let new_contact = match recipient.get_untracked() {
            Recipient::Current => None,
            Recipient::New => match new_contact(&name.get_untracked(), &email.get_untracked(), &role.get_untracked()) {
                Ok(contact) => Some(contact),
                Err(problem) => return invalid.set(Some(problem)),
            },
        };
        let request = InviteRequest { new_contact };
        let key = key.get_untracked();
        run.send.run(match action {
            SchoolAction::Reinvite => SchoolCommand::Reinvite { request, key },
            _ => SchoolCommand::ResendInvite { request, key },
        });
    };
    // The server refuses a partner's own address as `school_contact` (#12): said at the email.
    let server_fields = |field: &'static str| -> &'static [&'static str] {
        match field {
            "email" => &["email", "school_contact"],
            "name" => &["name"],
            _ => &["role"],
        }
    };
    let problem = move |field: &'static str| {
        let own = invalid.get().filter(|(name, _)| *name == field).map(|(_, text)| text);
        let server = problem_for(run.error.get(), server_fields(field));
        (own.map(|text| view! { <InputProblem detail=text /> }), server.map(|error| view! { <ProblemAlert error /> }))
    };
    let invalid_attr = move |field: &'static str| {
        (invalid.get().is_some_and(|(name, _)| name == field)
            || problem_for(run.error.get(), server_fields(field)).is_some())
        .then_some("true")
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           field: &'static str,
                           kind: &'static str,
                           value: RwSignal<String>,
                           hint: Option<&'static str>| {
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
                <input
                    id=id
                    type=kind
                    autocomplete="off"
                    aria-describedby=hint.map(|_| hint_id.clone())
                    aria-invalid=move || invalid_attr(field)
                    prop:value=move || value.get()
                    on:input=move |event| {
                        value.set(event_target_value(&event));
                        edited();
                    }
                />
                {move || problem(field)}
            </div>
        }
    };
    let choose = move |choice: Recipient| {
        recipient.set(choice);
        edited();
    };
    view! {
        <form class="panel-form" novalidate on:submit=send>
            <h4 tabindex="-1" node_ref=heading>{title}</h4>
            <p class="hint">{explanation}</p>
            <fieldset>
                <legend>"Who should receive it?"</legend>
                {current.map(|address| view! {
                    <div class="choice">
                        <input
                            type="radio"
                            id="invite-current"
                            name="invite-recipient"
                            prop:checked=move || recipient.get() == Recipient::Current
                            on:change=move |_| choose(Recipient::Current)
                        />
                        <label for="invite-current">{format!("Send to the current contact ({address})")}</label>
                    </div>
                })}
                <div class="choice">
                    <input
                        type="radio"
                        id="invite-new"
                        name="invite-recipient"
                        prop:checked=move || recipient.get() == Recipient::New
                        on:change=move |_| choose(Recipient::New)
                    />
                    <label for="invite-new">"Send to a new contact"</label>
                </div>
            </fieldset>
            <Show when=move || recipient.get() == Recipient::New>
                <div class="new-contact">
                    {text_field("contact-name", "Name", "name", "text", name, None)}
                    {text_field("contact-email", "Email address", "email", "email", email, None)}
                    {text_field("contact-role", "Role", "role", "text", role, Some(ROLE_HINT))}
                </div>
            </Show>
            {move || {
                let claimed: &[&str] = match recipient.get() {
                    Recipient::New => &["name", "email", "school_contact", "role"],
                    Recipient::Current => &["name", "email", "role"],
                };
                problem_unclaimed(run.error.get(), claimed)
                    .map(|error| view! { <ProblemAlert error /> })
            }}
            <div class="form-buttons">
                <button type="submit" disabled=move || run.pending.get()>"Send invitation"</button>
                <button type="button" class="secondary" on:click=move |_| run.cancel.run(())>"Cancel"</button>
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

    #[test]
    fn a_new_contact_needs_a_name_and_an_address() {
        assert_eq!(new_contact(" ", "a@b.example", "").unwrap_err().0, "name");
        assert_eq!(new_contact("Ann", "ann", "").unwrap_err().0, "email");
        assert_eq!(
            new_contact(" Ann Lee ", " ann@school.example ", " "),
            Ok(ContactInput { name: "Ann Lee".to_owned(), email: "ann@school.example".to_owned(), role: None })
        );
        assert_eq!(
            new_contact("Ann", "ann@school.example", "Data Manager").unwrap().role.as_deref(),
            Some("Data Manager")
        );
    }

    #[test]
    fn each_action_button_has_its_own_id() {
        assert_eq!(button_id(SchoolAction::RevokeAccess), "action-revoke_access");
        assert_eq!(button_class(SchoolAction::CancelInvite), "secondary danger");
    }
}
