//! The deletion guard, for the school (G1): `/school/held-extract` shows what
//! a held full extract would change (counts, and who would be deleted, by
//! name and MIS id) and lets the school release or reject it. The dashboard's
//! feed panel links here when something is held.

use gatehouse_model::{JobProgress, JobState, JobStatus, PersonSummary, endpoint};
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{AdminOnlyNote, ProblemAlert, RecordTable, SchoolFrame, SchoolSession};
use crate::dates::local_time;

fn deletions_table(deletions: Vec<PersonSummary>) -> impl IntoView {
    if deletions.is_empty() {
        return view! { <p class="empty-note">"Nobody would be deleted."</p> }.into_any();
    }
    let rows = deletions
        .into_iter()
        .map(|person| {
            view! {
                <tr>
                    <th scope="row">{person.name}</th>
                    <td>{person.mis_id}</td>
                    <td>{person.resource.as_str()}</td>
                    <td>{person.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable
            caption_id="deletions-caption"
            caption="Who releasing it would delete"
            caption_shown=true
            class="school-apps"
            columns=&["Name", "MIS id", "Kind", "Details"]
        >
            {rows}
        </RecordTable>
    }
    .into_any()
}

/// What the release's job is doing, in words.
fn job_progress(job: &JobStatus) -> String {
    let done = match job.progress {
        Some(JobProgress { done, total: Some(total) }) => format!(": {done} of {total} records"),
        _ => String::new(),
    };
    match job.state {
        JobState::Accepted => "Release accepted: waiting to start…".to_owned(),
        _ => format!("Applying the held extract{done}…"),
    }
}

#[component]
pub fn SchoolHeldExtractScreen() -> impl IntoView {
    set_title("Held MIS extract");
    let admin = SchoolSession::of_page().is_admin();
    let diff = api::load::<endpoint::GetSchoolHeldExtract>();
    // Made when the page opens: a second click, or a retry, finds the same job (#15).
    let key = api::idempotency_key();
    let working = RwSignal::new(None::<String>);
    let decide = Action::new_local(move |(release, held_id): &(bool, String)| {
        let (release, held_id, key) = (*release, held_id.clone(), key.clone());
        async move {
            let decided = api::decide_held_extract(release, held_id, key, |job| working.set(Some(job_progress(job))));
            let decided = decided.await;
            working.set(None);
            decided
        }
    });
    let decided = move || decide.value().get().and_then(Result::ok);
    let failed = move || decide.value().get().and_then(Result::err);
    view! {
        <SchoolFrame>
            <h1>"Held MIS extract"</h1>
            <p class="lead">
                "Gatehouse holds a full extract from your MIS when it would delete more than 10% of your people, "
                "which usually means a mistake such as a term rollover. Until you decide, your apps keep the data "
                "they have."
            </p>
            <p class="action-message" role="status" hidden=move || decided().is_none()>
                {move || decided().map(|decision| decision.message)}
            </p>
            <p class="job-progress" role="status" hidden=move || working.get().is_none()>
                {move || working.get()}
            </p>
            {move || failed().map(|error| view! { <ProblemAlert error /> })}
            <AdminOnlyNote />
            {move || match diff.get() {
                _ if decided().is_some() => view! { <p><a href="/school">"Back to the dashboard"</a></p> }.into_any(),
                None => view! { <p class="loading">"Loading the held extract…"</p> }.into_any(),
                Some(Err(error)) if error.code() == Some("no_held_extract") => view! {
                    <p class="empty-note">"Nothing is held: every extract from your MIS has been applied."</p>
                    <p><a href="/school">"Back to the dashboard"</a></p>
                }.into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(diff)) => {
                    let (release_id, reject_id) = (diff.summary.held_id.clone(), diff.summary.held_id.clone());
                    let counts = &diff.changes;
                    let summary = format!(
                        "Held {}. Releasing it would add {}, change {}, delete {} and leave {} as they are.",
                        local_time(&diff.summary.held_at),
                        counts.created,
                        counts.updated,
                        counts.deleted,
                        counts.unchanged
                    );
                    view! {
                        <p>{summary}</p>
                        {deletions_table(diff.deletions)}
                        <div class="actions" hidden=move || !admin.get()>
                            <button type="button" disabled=move || decide.pending().get()
                                on:click=move |_| { decide.dispatch((true, release_id.clone())); }>
                                "Release: apply it, deletions included"
                            </button>
                            <button type="button" class="secondary" disabled=move || decide.pending().get()
                                on:click=move |_| { decide.dispatch((false, reject_id.clone())); }>
                                "Reject: keep the current data"
                            </button>
                        </div>
                    }.into_any()
                }
            }}
        </SchoolFrame>
    }
}
