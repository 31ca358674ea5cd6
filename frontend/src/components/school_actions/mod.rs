//! P6, the tile's actions: a button for each action the API says applies to the school, and
//! the form each opens in the tile's place: the three-step revoke wizard (`revoke_wizard`), a
//! confirmation for what cannot be undone, and the invitation's recipient (`invite_form`).
//! Priority needs no form. Escape or Cancel closes a form and gives the focus back to the button
//! that opened it.

mod invite_form;
mod revoke_wizard;

use gatehouse_model::{ActionOutcome, SchoolAction, SchoolDetail};
use leptos::html::H4;
use leptos::prelude::*;

use crate::api::{ApiError, SchoolCommand};
use crate::components::{ProblemAlert, focus_first, focused_on_load};
use crate::dates::long_date;
use invite_form::InviteForm;
use revoke_wizard::RevokeWizard;

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
    let heading = focused_on_load::<H4>();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_button_has_its_own_id() {
        assert_eq!(button_id(SchoolAction::RevokeAccess), "action-revoke_access");
        assert_eq!(button_class(SchoolAction::CancelInvite), "secondary danger");
    }
}
