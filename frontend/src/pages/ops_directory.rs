//! `/ops/directory` (O1): import the register of schools (the GIAS extract) with progress, search
//! the directory and correct one entry. The browser reads the file and sends it in parts of a few
//! hundred rows, each with the header row: the whole extract is far bigger than one request may
//! be, and each part's answer moves the progress bar. Writing a school is an upsert, so importing
//! again after a failure, or twice, duplicates nothing.

use gatehouse_model::{
    DirectoryImportReport, DirectoryQuery, DirectorySchool, EstablishmentStatus, NoBody, NoQuery,
    UpdateDirectorySchool, endpoint,
};
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{InputProblem, OpsFrame, ProblemAlert, RecordTable, problem_for, problem_unclaimed};

/// Register rows per request: a few hundred kilobytes of the real extract's wide rows.
const ROWS_PER_PART: usize = 250;

/// The header line and the data rows of a CSV text, each row whole even when a quoted field
/// holds a line break, so no part ever splits a row.
fn csv_rows(text: &str) -> (String, Vec<String>) {
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut quoted = false;
    for c in text.trim_start_matches('\u{feff}').chars() {
        match c {
            '"' => {
                quoted = !quoted;
                row.push(c);
            }
            '\n' if !quoted => rows.push(std::mem::take(&mut row)),
            '\r' if !quoted => {}
            _ => row.push(c),
        }
    }
    if !row.trim().is_empty() {
        rows.push(row);
    }
    rows.retain(|row| !row.trim().is_empty());
    if rows.is_empty() {
        return (String::new(), Vec::new());
    }
    let header = rows.remove(0);
    (header, rows)
}

/// The parts to send: each the header and up to `size` rows, with the line its first row has
/// in the whole file (the header is line 1).
fn parts(header: &str, rows: &[String], size: usize) -> Vec<(u64, String)> {
    rows.chunks(size)
        .enumerate()
        .map(|(index, chunk)| (2 + (index * size) as u64, format!("{header}\n{}\n", chunk.join("\n"))))
        .collect()
}

fn report_sentence(report: &DirectoryImportReport, total: usize) -> String {
    format!(
        "{} of {} rows imported: {} new, {} updated, {} unchanged, {} skipped.",
        report.rows,
        total,
        report.created,
        report.updated,
        report.unchanged,
        report.skipped.len()
    )
}

async fn read_file(file: web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text()).await.map_err(|_| "The file could not be read.".to_owned())?;
    text.as_string().ok_or_else(|| "The file is not text.".to_owned())
}

#[component]
pub fn OpsDirectory() -> impl IntoView {
    set_title("School directory");
    let failed = RwSignal::new(None::<ApiError>);
    view! {
        <OpsFrame failed=Signal::derive(move || failed.get())>
            <h1>"School directory"</h1>
            <p class="lead">
                "The register of schools in England and Wales (GIAS), and the international schools operations \
                 accepted. Partners find schools to invite here."
            </p>
            <ImportSection failed />
            <SearchSection failed />
        </OpsFrame>
    }
}

#[component]
fn ImportSection(failed: RwSignal<Option<ApiError>>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let total = RwSignal::new(0usize);
    let report = RwSignal::new(None::<DirectoryImportReport>);
    let running = RwSignal::new(false);
    let finished = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let start = move || {
        let file = input.get_untracked().and_then(|input| input.files()).and_then(|files| files.get(0));
        let Some(file) = file else {
            problem.set(Some("Choose the register's CSV file first.".to_owned()));
            return;
        };
        problem.set(None);
        error.set(None);
        finished.set(false);
        running.set(true);
        report.set(Some(DirectoryImportReport::default()));
        leptos::task::spawn_local(async move {
            let text = match read_file(file).await {
                Ok(text) => text,
                Err(reason) => {
                    problem.set(Some(reason));
                    running.set(false);
                    return;
                }
            };
            let (header, rows) = csv_rows(&text);
            total.set(rows.len());
            for (first_line, part) in parts(&header, &rows, ROWS_PER_PART) {
                match api::import_directory_part(part, first_line, &api::idempotency_key()).await {
                    Ok(done) => report.update(|report| report.get_or_insert_default().absorb(done)),
                    Err(failure) => {
                        failed.set(Some(failure.clone()));
                        error.set(Some(failure));
                        running.set(false);
                        return;
                    }
                }
            }
            running.set(false);
            finished.set(true);
        });
    };
    let progress = move || {
        report.get().map(|report| {
            let total = total.get();
            view! {
                <progress max=total.max(1) value=report.rows aria-labelledby="import-progress-text"></progress>
                <p id="import-progress-text" role="status">
                    {if finished.get() { "Import finished. " } else if running.get() { "Importing… " } else { "" }}
                    {report_sentence(&report, total)}
                </p>
                {(!report.skipped.is_empty()).then(|| {
                    let skipped = report
                        .skipped
                        .iter()
                        .take(50)
                        .map(|row| view! { <li>{format!("Line {}: {}", row.line, row.reason)}</li> })
                        .collect_view();
                    view! {
                        <details>
                            <summary>{format!("{} rows skipped", report.skipped.len())}</summary>
                            <ul>{skipped}</ul>
                        </details>
                    }
                })}
            }
        })
    };
    view! {
        <section aria-labelledby="import-heading">
            <h2 id="import-heading">"Import the register"</h2>
            <form novalidate on:submit=move |event| {
                event.prevent_default();
                start();
            }>
                <div class="field">
                    <label for="register-file">"Register extract (CSV)"</label>
                    <p class="hint" id="register-file-hint">
                        "The GIAS \"edubase\" extract. Schools already in the directory are updated in place; \
                         importing the same file again changes nothing."
                    </p>
                    <input
                        id="register-file"
                        type="file"
                        accept=".csv,text/csv"
                        aria-describedby="register-file-hint"
                        node_ref=input
                        on:change=move |_| problem.set(None)
                    />
                    {move || problem.get().map(|text| view! { <InputProblem detail=text /> })}
                </div>
                <div class="form-buttons">
                    <button type="submit" disabled=move || running.get()>"Import"</button>
                </div>
            </form>
            {progress}
            {move || error.get().map(|error| view! {
                <ProblemAlert error />
                <p class="hint">"The rows before this part were imported. Importing the whole file again is safe."</p>
            })}
        </section>
    }
}

#[component]
fn SearchSection(failed: RwSignal<Option<ApiError>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let search = Action::new_local(|q: &String| {
        api::call::<endpoint::SearchOpsDirectory>(&[], &DirectoryQuery { q: q.clone() }, &NoBody)
    });
    let editing = RwSignal::new(None::<DirectorySchool>);
    let saved = RwSignal::new(None::<DirectorySchool>);
    Effect::new(move || {
        if let Some(Err(error)) = search.value().get() {
            failed.set(Some(error));
        }
    });
    let error = Signal::derive(move || search.value().get().and_then(Result::err));
    let results = move || {
        search.value().get().and_then(Result::ok).map(|results| {
            if results.items.is_empty() {
                return view! { <p class="empty-note" role="status">"No school matches."</p> }.into_any();
            }
            let rows = results
                .items
                .into_iter()
                .map(|school| {
                    let shown = saved.get().filter(|saved| saved.urn == school.urn).unwrap_or(school);
                    let name = shown.name.clone();
                    let chosen = shown.clone();
                    view! {
                        <tr>
                            <th scope="row">{shown.urn.clone()}</th>
                            <td>{shown.name.clone()}</td>
                            <td>{shown.local_authority.clone()}</td>
                            <td>{shown.postcode.clone()}</td>
                            <td>{shown.phase.clone()}</td>
                            <td>{status_label(shown.status)}</td>
                            <td>{if shown.email_domains.is_empty() { "–".to_owned() } else { shown.email_domains.join(", ") }}</td>
                            <td>
                                <button type="button" class="secondary" on:click=move |_| editing.set(Some(chosen.clone()))>
                                    "Edit"<span class="visually-hidden">{format!(" {name}")}</span>
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            let more = results.truncated.then(|| view! { <p class="hint">"More schools match: type more to narrow the search."</p> });
            view! {
                <RecordTable
                    caption_id="directory-caption"
                    caption="Schools found"
                    columns=&["URN", "Name", "Local authority", "Postcode", "Phase", "Status", "Email domains"]
                    actions=true
                >
                    {rows}
                </RecordTable>
                {more}
            }
            .into_any()
        })
    };
    view! {
        <section aria-labelledby="search-heading">
            <h2 id="search-heading">"Find a school"</h2>
            <form novalidate on:submit=move |event| {
                event.prevent_default();
                saved.set(None);
                search.dispatch(typed.get_untracked());
            }>
                <div class="field search-field">
                    <label for="directory-search">"Name, URN, local authority or postcode"</label>
                    <input
                        id="directory-search"
                        type="search"
                        aria-invalid=move || problem_for(error.get(), &["q"]).is_some().then_some("true")
                        prop:value=move || typed.get()
                        on:input=move |event| typed.set(event_target_value(&event))
                    />
                    {move || problem_for(error.get(), &["q"]).map(|error| view! { <ProblemAlert error /> })}
                </div>
                <div class="form-buttons">
                    <button type="submit" disabled=move || search.pending().get()>"Search"</button>
                </div>
            </form>
            {move || problem_unclaimed(error.get(), &["q"]).map(|error| view! { <ProblemAlert error /> })}
            {results}
            {move || editing.get().map(|school| view! {
                <EditSchool
                    school
                    on_saved=Callback::new(move |school: DirectorySchool| {
                        saved.set(Some(school));
                        editing.set(None);
                    })
                    on_cancel=Callback::new(move |()| editing.set(None))
                />
            })}
            {move || saved.get().map(|school| view! {
                <p class="action-message" role="status">{format!("{} ({}) was saved.", school.name, school.urn)}</p>
            })}
        </section>
    }
}

fn status_label(status: EstablishmentStatus) -> &'static str {
    match status {
        EstablishmentStatus::Open => "Open",
        EstablishmentStatus::Closed => "Closed",
    }
}

/// The domains typed into the edit form, one per comma or line, blanks dropped.
fn domain_list(typed: &str) -> Vec<String> {
    typed.split([',', '\n']).map(str::trim).filter(|domain| !domain.is_empty()).map(str::to_owned).collect()
}

#[component]
fn EditSchool(school: DirectorySchool, on_saved: Callback<DirectorySchool>, on_cancel: Callback<()>) -> impl IntoView {
    let urn = school.urn.clone();
    let name = RwSignal::new(school.name.clone());
    let local_authority = RwSignal::new(school.local_authority.clone());
    let postcode = RwSignal::new(school.postcode.clone());
    let phase = RwSignal::new(school.phase.clone());
    let status = RwSignal::new(school.status);
    let email_domains = RwSignal::new(school.email_domains.join(", "));
    let save = Action::new_local(move |update: &UpdateDirectorySchool| {
        let (urn, update) = (urn.clone(), update.clone());
        async move { api::call::<endpoint::UpdateDirectorySchool>(&[("urn", &urn)], &NoQuery, &update).await }
    });
    Effect::new(move || {
        if let Some(Ok(school)) = save.value().get() {
            on_saved.run(school);
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let field = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=format!("edit-{id}")>{label}</label>
                <input
                    id=format!("edit-{id}")
                    type="text"
                    aria-invalid=move || problem_for(error.get(), &[id]).is_some().then_some("true")
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event))
                />
                {move || problem_for(error.get(), &[id]).map(|error| view! { <ProblemAlert error /> })}
            </div>
        }
    };
    let heading = format!("Edit {} ({})", school.name, school.urn);
    view! {
        <section class="confirm-box" aria-labelledby="edit-school-heading">
            <h2 id="edit-school-heading">{heading}</h2>
            <form novalidate on:submit=move |event| {
                event.prevent_default();
                save.dispatch(UpdateDirectorySchool {
                    name: name.get_untracked(),
                    local_authority: local_authority.get_untracked(),
                    postcode: postcode.get_untracked(),
                    phase: phase.get_untracked(),
                    status: status.get_untracked(),
                    email_domains: Some(domain_list(&email_domains.get_untracked())),
                });
            }>
                <div class="form-row">
                    {field("name", "Name", name)}
                    {field("local_authority", "Local authority", local_authority)}
                    {field("postcode", "Postcode", postcode)}
                    {field("phase", "Phase", phase)}
                    <div class="field">
                        <label for="edit-status">"Status"</label>
                        <select id="edit-status" on:change=move |event| {
                            let value = event_target_value(&event);
                            status.set(if value == "closed" { EstablishmentStatus::Closed } else { EstablishmentStatus::Open });
                        }>
                            <option value="open" selected=school.status == EstablishmentStatus::Open>"Open"</option>
                            <option value="closed" selected=school.status == EstablishmentStatus::Closed>"Closed"</option>
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="edit-email_domains">"Verified email domains"</label>
                    <p class="hint" id="edit-email_domains-hint">
                        "Comma or line separated, such as brookside.sch.uk. Whoever authorises from an address at \
                         one of them becomes the school's first admin without a check by operations; never a \
                         free-mail domain."
                    </p>
                    <textarea
                        id="edit-email_domains"
                        rows="2"
                        aria-describedby="edit-email_domains-hint"
                        aria-invalid=move || problem_for(error.get(), &["email_domains"]).is_some().then_some("true")
                        prop:value=move || email_domains.get()
                        on:input=move |event| email_domains.set(event_target_value(&event))
                    ></textarea>
                    {move || problem_for(error.get(), &["email_domains"]).map(|error| view! { <ProblemAlert error /> })}
                </div>
                <p class="hint">"A later import of the register puts the register's values back."</p>
                {move || problem_unclaimed(error.get(), &["name", "local_authority", "postcode", "phase", "email_domains"]).map(|error| view! { <ProblemAlert error /> })}
                <div class="form-buttons">
                    <button type="submit" disabled=move || save.pending().get()>"Save"</button>
                    <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_split_on_commas_and_lines() {
        assert_eq!(domain_list(" a.example,\nb.sch.uk ,, \n"), ["a.example", "b.sch.uk"]);
        assert!(domain_list("  ").is_empty());
    }

    #[test]
    fn rows_stay_whole_across_quoted_line_breaks_and_parts_know_their_lines() {
        let text = "\u{feff}URN,Name\r\n100001,\"Two\nLines\"\r\n100002,Plain\n\n100003,\"Quote \"\"x\"\"\"\n";
        let (header, rows) = csv_rows(text);
        assert_eq!(header, "URN,Name");
        assert_eq!(rows, ["100001,\"Two\nLines\"", "100002,Plain", "100003,\"Quote \"\"x\"\"\""]);
        let parts = parts(&header, &rows, 2);
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].0, parts[1].0), (2, 4));
        assert_eq!(parts[0].1.lines().count(), 4, "the header and two rows, one of two lines");
        assert!(parts[1].1.starts_with("URN,Name\n100003"));
    }
}
