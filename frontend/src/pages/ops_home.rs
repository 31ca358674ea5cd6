//! The operations console (O1): `/ops`, the home with a line per section, and the check of every
//! Authorisation Log (P8).

use gatehouse_model::{BrokenLog, LogAudit, LogAuditQuery, NoBody, NoQuery, SchoolMisRetention, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{OPS_SECTIONS, set_title};
use crate::components::{OpsFrame, ProblemAlert, RecordTable};

#[component]
pub fn OpsHome() -> impl IntoView {
    set_title("Operations console");
    let sections = OPS_SECTIONS
        .iter()
        .skip(1)
        .map(|&(name, href)| {
            let about = match href {
                "/ops/cases" => "Answer partners' support cases: escalated first, then the longest waiting.",
                "/ops/verifications" => {
                    "Verify the authority of people who authorised for a school nothing vouched for."
                }
                "/ops/bookings" => "Offer install slots, see which schools booked one and mark installs done.",
                "/ops/partners" => "Create a partner organisation with its first admin and app.",
                "/ops/directory" => "Import the register of schools, search it and correct an entry.",
                "/ops/international" => "Accept or decline requests for schools outside England and Wales.",
                _ => "",
            };
            view! {
                <li>
                    <a href=href>{name}</a>
                    <p class="hint">{about}</p>
                </li>
            }
        })
        .collect_view();
    let failed = RwSignal::new(None::<ApiError>);
    view! {
        <OpsFrame failed=failed>
            <h1>"Operations console"</h1>
            <ul class="console-sections">{sections}</ul>
            <LogAuditPanel failed />
            <RetentionPanel />
        </OpsFrame>
    }
}

/// #16: schools whose MIS data the daily job will delete, or did, because no app has access.
#[component]
fn RetentionPanel() -> impl IntoView {
    let list = LocalResource::new(|| api::call::<endpoint::ListMisRetention>(&[], &NoQuery, &NoBody));
    let line = |school: SchoolMisRetention| match (school.purge_on, school.purged_at) {
        (Some(on), _) => format!("{}: to be deleted on {on}", school.school_id),
        (_, Some(at)) => format!("{}: deleted on {}", school.school_id, at.get(..10).unwrap_or(&at)),
        _ => school.school_id,
    };
    let lines = move || match list.get() {
        None => ().into_any(),
        Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
        Some(Ok(list)) if list.schools.is_empty() => view! { <p>"None."</p> }.into_any(),
        Some(Ok(list)) => {
            let items = list.schools.into_iter().map(|school| view! { <li>{line(school)}</li> }).collect_view();
            view! { <ul class="plain-list" id="mis-retention">{items}</ul> }.into_any()
        }
    };
    view! {
        <section aria-labelledby="retention-heading">
            <h2 id="retention-heading">"MIS data retention"</h2>
            <p class="hint">"A school's MIS data is deleted 30 days after no app has access."</p>
            {lines}
        </section>
    }
}

/// What the audit has found so far, summed over the pages it has read.
#[derive(Clone, Default)]
struct AuditProgress {
    links: u32,
    entries: u32,
    apps_done: u32,
    apps_total: u32,
    broken: Vec<BrokenLog>,
    finished: bool,
}

impl AuditProgress {
    fn add(&mut self, page: LogAudit) {
        self.links += page.links_checked;
        self.entries += page.entries_checked;
        self.apps_done = page.apps_done;
        self.apps_total = page.apps_total;
        self.broken.extend(page.broken);
        self.finished = page.next_cursor.is_none();
    }

    fn sentence(&self) -> String {
        match (self.finished, self.broken.len()) {
            (false, _) => {
                format!("Checking… {} logs so far, {} of {} apps done.", self.links, self.apps_done, self.apps_total)
            }
            (true, 0) => {
                format!("All {} Authorisation Logs are intact ({} entries checked).", self.links, self.entries)
            }
            (true, broken) => format!(
                "{broken} of {} Authorisation Logs are broken: an entry was changed or removed after it was written.",
                self.links
            ),
        }
    }
}

/// Checks the hash chain of every school link's log, a page at a time, saying how far it has got.
#[component]
fn LogAuditPanel(failed: RwSignal<Option<ApiError>>) -> impl IntoView {
    let progress = RwSignal::new(None::<AuditProgress>);
    let run = Action::new_local(move |_: &()| async move {
        progress.set(Some(AuditProgress::default()));
        let mut cursor = None;
        loop {
            let query = LogAuditQuery { cursor: cursor.take(), limit: None };
            match api::call::<endpoint::AuditAuthorisationLogs>(&[], &query, &NoBody).await {
                Ok(page) => {
                    cursor = page.next_cursor.clone();
                    progress.update(|progress| progress.get_or_insert_default().add(page));
                    if cursor.is_none() {
                        return;
                    }
                }
                Err(error) => {
                    progress.set(None);
                    failed.set(Some(error));
                    return;
                }
            }
        }
    });
    let status = move || progress.with(|progress| progress.as_ref().map(AuditProgress::sentence));
    let broken = move || {
        progress.with(|progress| {
            let broken = progress.as_ref().filter(|progress| progress.finished).map(|progress| progress.broken.clone());
            broken.filter(|broken| !broken.is_empty()).map(|broken| view! { <BrokenLogs broken /> })
        })
    };
    view! {
        <section aria-labelledby="log-audit-heading">
            <h2 id="log-audit-heading">"Authorisation Logs"</h2>
            <p class="hint">
                "Each entry's hash covers the entry before it, so a log edited or cut short in the store no longer \
                 checks. This reads every school link's log."
            </p>
            <button type="button" disabled=move || run.pending().get() on:click=move |_| {
                run.dispatch(());
            }>"Check every Authorisation Log"</button>
            <p role="status" aria-live="polite" id="log-audit-status">{status}</p>
            {broken}
        </section>
    }
}

#[component]
fn BrokenLogs(broken: Vec<BrokenLog>) -> impl IntoView {
    let rows = broken
        .into_iter()
        .map(|log| {
            view! {
                <tr>
                    <th scope="row">{log.school_name}<br /><span class="hint">{log.school_id}</span></th>
                    <td>{log.app_name}<br /><span class="hint">{log.partner_name}</span></td>
                    <td>{log.seq}</td>
                    <td>{log.reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable
            caption_id="broken-logs-caption"
            caption="Broken Authorisation Logs"
            columns=&["School", "App", "Entry", "What the check found"]
        >
            {rows}
        </RecordTable>
    }
}
