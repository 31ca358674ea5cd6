//! P10, `/permissions`: the scopes an app asks schools to share, the four data areas and each
//! contextual flag on its own, with what sharing it means. Admins change the set; adding a
//! scope asks every authorised school to authorise again, so Save asks first. Members see the
//! set read-only. `?app=` picks the app; the partner's first app otherwise.

use gatehouse_model::{
    JobProgress, JobState, JobStatus, NoBody, NoQuery, PermissionSet, PermissionSetSaved, Scope, ScopeKind, ScopeSet,
    TeamRole, endpoint,
};
use leptos::prelude::*;

use crate::api;
use crate::app::PERMISSION_SET;
use crate::components::{ActionMessage, ActionStatus, AppPage, ConfirmBox, ForApp, ProblemAlert, ScopeChoice};

#[component]
pub fn PermissionSetScreen() -> impl IntoView {
    view! {
        <AppPage
            page=PERMISSION_SET
            title="Permission set"
            loading="Loading the permission set…"
            no_apps="Your organisation has no apps yet, so there is no permission set to show."
            load=|app: String| async move { api::call::<endpoint::GetPermissionSet>(&[("app_id", &app)], &NoQuery, &NoBody).await }
            show=editor
        >
            <p class="lead">
                "The data your app asks schools to share. A school sees exactly this list when it authorises, \
                 and your app reads only what the school granted."
            </p>
        </AppPage>
    }
}

/// The app's set; only an admin may save it.
fn editor(loaded: ForApp<PermissionSet>) -> impl IntoView {
    let can_save = loaded.me.role == TeamRole::Admin;
    view! { <PermissionEditor set=loaded.data can_save /> }
}

/// "Added: Traveller; removed: none; 41 schools were emailed to re-authorise."
fn saved_sentence(saved: &PermissionSetSaved) -> String {
    if saved.added.is_empty() && saved.removed.is_empty() {
        return "Nothing changed: the permission set was already like this, and no school was emailed.".to_owned();
    }
    let schools = match saved.schools_notified {
        1 => "1 school was".to_owned(),
        n => format!("{n} schools were"),
    };
    format!(
        "Added: {}; removed: {}; {schools} emailed to re-authorise.",
        scope_names(&saved.added),
        scope_names(&saved.removed)
    )
}

fn scope_names(scopes: &ScopeSet) -> String {
    if scopes.is_empty() {
        return "none".to_owned();
    }
    scopes.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ")
}

/// What the save's job is doing, in words.
fn job_progress(job: &JobStatus) -> String {
    match (job.state, job.progress) {
        (JobState::Accepted, _) => "Saved: waiting to ask the schools…".to_owned(),
        (_, Some(JobProgress { done, total: Some(total) })) => format!("Saved: checking schools, {done} of {total}…"),
        _ => "Saved: checking schools…".to_owned(),
    }
}

/// The warning Save shows before adding scopes.
fn reauthorisation_warning(authorised_schools: u32) -> String {
    format!(
        "Adding scopes asks every authorised school ({authorised_schools}) to authorise again; \
         until they do, your app reads only what they granted."
    )
}

/// The checkboxes, Save and the confirmation before scopes are added.
#[component]
fn PermissionEditor(set: PermissionSet, can_save: bool) -> impl IntoView {
    let current = RwSignal::new(set);
    let chosen = RwSignal::new(current.read_untracked().requested.clone());
    let confirming = RwSignal::new(false);
    // What the save's job (#15) is doing, while it runs.
    let working = RwSignal::new(None::<String>);
    let save = Action::new_local(move |requested: &ScopeSet| {
        let (app, requested) = (current.read_untracked().app_id.clone(), requested.clone());
        // One key a save: a retry of this send finds its job; another save is another job.
        let key = api::idempotency_key();
        async move {
            let saved = api::save_permission_set(&app, requested, &key, |job| working.set(Some(job_progress(job))));
            let saved = saved.await;
            working.set(None);
            saved
        }
    });
    let message = ActionMessage::new();
    Effect::new(move || {
        if let Some(Ok(saved)) = save.value().get() {
            message.announce(saved_sentence(&saved));
            chosen.set(saved.permission_set.requested.clone());
            current.set(saved.permission_set);
            confirming.set(false);
        }
    });
    let added = move || chosen.read().difference(&current.read().requested).copied().collect::<ScopeSet>();
    let removed = move || current.read().requested.difference(&chosen.read()).copied().collect::<ScopeSet>();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        message.clear();
        if added().is_empty() {
            save.dispatch(chosen.get_untracked());
        } else {
            confirming.set(true);
        }
    };
    let group = move |kind: ScopeKind| {
        Scope::ALL
            .into_iter()
            .filter(|scope| scope.kind() == kind)
            .map(|scope| view! { <ScopeChoice scope chosen disabled=!can_save /> })
            .collect_view()
    };
    let changes = move || {
        let (added, removed) = (added(), removed());
        (!added.is_empty() || !removed.is_empty())
            .then(|| format!("Not saved yet. Adding: {}; removing: {}.", scope_names(&added), scope_names(&removed)))
    };
    let counts = move || {
        let set = current.read();
        let authorised = match set.authorised_schools {
            1 => "1 school has".to_owned(),
            n => format!("{n} schools have"),
        };
        let waiting = match set.schools_needing_reauthorisation {
            0 => "None of them is waiting to re-authorise.".to_owned(),
            1 => "1 of them has yet to re-authorise for scopes added since it authorised.".to_owned(),
            n => format!("{n} of them have yet to re-authorise for scopes added since they authorised."),
        };
        format!("{authorised} authorised {}. {waiting}", set.app_name)
    };
    view! {
        <p class="hint">{counts}</p>
        <ActionStatus message />
        <p class="job-progress" role="status" hidden=move || working.read().is_none()>{move || working.get()}</p>
        {(!can_save).then(|| view! {
            <p class="read-only-note">"Only an admin can change the permission set. Ask an admin in your team."</p>
        })}
        <form class="permission-set" on:submit=submit>
            <fieldset>
                <legend>"Data areas"</legend>
                <p class="hint">"Whole records the app can read."</p>
                <div class="scope-grid">{group(ScopeKind::Resource)}</div>
            </fieldset>
            <fieldset>
                <legend>"Contextual flags"</legend>
                <p class="hint">"Single facts on student records, each asked for on its own."</p>
                <div class="scope-grid">{group(ScopeKind::ContextualFlag)}</div>
            </fieldset>
            {move || save.value().get().and_then(Result::err).map(|error| view! { <ProblemAlert error /> })}
            // Stays in view at the bottom of the window while the scopes scroll past.
            {can_save.then(|| view! {
                <div class="save-bar" hidden=move || confirming.get()>
                    <div class="form-buttons">
                        <button type="submit" disabled=move || save.pending().get()>"Save"</button>
                        <button
                            type="button"
                            class="secondary"
                            disabled=move || added().is_empty() && removed().is_empty()
                            on:click=move |_| chosen.set(current.read_untracked().requested.clone())
                        >
                            "Undo changes"
                        </button>
                    </div>
                    <p class="changes" aria-live="polite">{changes}</p>
                </div>
            })}
        </form>
        {move || confirming.get().then(|| view! {
            <ConfirmBox
                id="confirm-adding"
                title="Ask schools to authorise again?"
                pending=save.pending().into()
                confirm="Save and ask schools"
                cancel="Go back"
                scroll_into_view=true
                on_confirm=Callback::new(move |()| {
                    save.dispatch(chosen.get_untracked());
                })
                on_cancel=Callback::new(move |()| confirming.set(false))
            >
                <p id="confirm-adding-text">{reauthorisation_warning(current.read_untracked().authorised_schools)}</p>
                <p>{format!("Adding: {}.", scope_names(&added()))}</p>
            </ConfirmBox>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(added: &[Scope], removed: &[Scope], schools_notified: u32) -> PermissionSetSaved {
        PermissionSetSaved {
            permission_set: PermissionSet {
                app_id: "demo-app".to_owned(),
                app_name: "Demo Timetabler".to_owned(),
                requested: ScopeSet::new(),
                schools_needing_reauthorisation: 0,
                authorised_schools: 0,
            },
            added: added.iter().copied().collect(),
            removed: removed.iter().copied().collect(),
            schools_notified,
        }
    }

    #[test]
    fn saving_says_what_was_added_and_removed_and_who_was_emailed() {
        assert_eq!(
            saved_sentence(&saved(&[Scope::Traveller, Scope::PupilPremium], &[], 41)),
            "Added: Pupil Premium, Traveller; removed: none; 41 schools were emailed to re-authorise."
        );
        assert_eq!(
            saved_sentence(&saved(&[Scope::Staff], &[Scope::Groups], 1)),
            "Added: Staff; removed: Groups; 1 school was emailed to re-authorise."
        );
        assert!(saved_sentence(&saved(&[], &[], 0)).starts_with("Nothing changed"));
    }

    #[test]
    fn the_save_s_job_says_how_far_it_has_got() {
        let job = |state, progress| JobStatus {
            job_id: "j1".to_owned(),
            kind: gatehouse_model::JobKind::PermissionSetFanOut,
            state,
            progress,
            result: None,
            problem: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert_eq!(job_progress(&job(JobState::Accepted, None)), "Saved: waiting to ask the schools…");
        let progress = Some(JobProgress { done: 20, total: Some(42) });
        assert_eq!(job_progress(&job(JobState::Running, progress)), "Saved: checking schools, 20 of 42…");
        assert_eq!(job_progress(&job(JobState::Running, None)), "Saved: checking schools…");
    }

    #[test]
    fn the_warning_names_how_many_schools_are_asked() {
        assert_eq!(
            reauthorisation_warning(42),
            "Adding scopes asks every authorised school (42) to authorise again; \
             until they do, your app reads only what they granted."
        );
    }
}
