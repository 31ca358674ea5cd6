//! A person's data on request (#16), in the school portal: `/school/people` finds a pupil,
//! member of staff or contact by name or MIS id; `/school/people/:person_id` shows which apps
//! can see them now (the explain rule for every app at once, with scopes and GDPR mode) and
//! which read them in the last 30 days, and lets an admin download everything Gatehouse holds
//! about them, exclude them from every app in one step, or erase them (after a confirmation).

use gatehouse_model::{
    NoBody, NoQuery, PersonExportQuery, PersonSummary, SchoolPeopleQuery, SchoolPersonDetail, SelectionChoice, endpoint,
};
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{
    AdminOnlyNote, ConfirmBox, PeopleSearch, ProblemAlert, SchoolFrame, SchoolSession, TableHead, reason_label,
};
use crate::dates::local_time;

/// "pupil", "member of staff", "contact".
fn kind(resource: gatehouse_model::Resource) -> &'static str {
    match resource {
        gatehouse_model::Resource::Students => "Pupil",
        gatehouse_model::Resource::Staff => "Member of staff",
        gatehouse_model::Resource::Contacts => "Contact",
        gatehouse_model::Resource::Groups => "Group",
    }
}

#[component]
pub fn SchoolPeopleScreen() -> impl IntoView {
    set_title("People");
    let query = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let body = SchoolPeopleQuery { q: Some(query.get_untracked()) };
        api::call::<endpoint::SearchSchoolPersons>(&[], &body, &NoBody)
    });
    view! {
        <SchoolFrame>
            <h1>"People"</h1>
            <p class="lead">
                "Find a pupil, member of staff or contact to see which apps can see them, download what "
                "Gatehouse holds about them, exclude them from every app or erase them."
            </p>
            <PeopleSearch
                id="person-search"
                query
                on_search=Callback::new(move |_| found.refetch())
                found=Signal::derive(move || found.get().map(|found| found.map(|found| found.matches)))
                columns=&["Name", "Kind", "MIS id", "Details"]
                row=person_row
            />
        </SchoolFrame>
    }
}

/// A person the search found, linked to their page.
fn person_row(person: PersonSummary) -> impl IntoView {
    let href = format!("/school/people/{}", person.mis_id);
    view! {
        <tr>
            <th scope="row"><a href=href>{person.name}</a></th>
            <td>{kind(person.resource)}</td>
            <td>{person.mis_id}</td>
            <td>{person.detail}</td>
        </tr>
    }
}

/// What an admin does to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PersonAction {
    Exclude,
    Erase,
}

#[component]
pub fn SchoolPersonScreen() -> impl IntoView {
    set_title("Person");
    let admin = SchoolSession::of_page().is_admin();
    let (person_id, detail) = api::load_named::<endpoint::GetSchoolPerson>("person_id");
    let confirming = RwSignal::new(false);
    let message = RwSignal::new(None::<&'static str>);
    let act = Action::new_local(move |action: &PersonAction| {
        let (id, action) = (person_id.get_untracked(), *action);
        async move {
            let path = [("person_id", id.as_str())];
            match action {
                PersonAction::Exclude => api::call::<endpoint::ExcludeSchoolPerson>(&path, &NoQuery, &NoBody).await,
                PersonAction::Erase => api::call::<endpoint::EraseSchoolPerson>(&path, &NoQuery, &NoBody).await,
            }
            .map(|done| (action, done))
        }
    });
    Effect::new(move || {
        if let Some(Ok((action, done))) = act.value().get() {
            confirming.set(false);
            message.set(Some(match action {
                PersonAction::Exclude => "Excluded from every app: no app reads this person any more.",
                PersonAction::Erase => {
                    "Erased: Gatehouse keeps only the id, every app is told, and later extracts never bring them back."
                }
            }));
            detail.set(Some(Ok(done)));
        }
    });
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    let pending = Signal::derive(move || act.pending().get());
    view! {
        <SchoolFrame>
            <p><a href="/school/people">"← People"</a></p>
            <p class="action-message" role="status" hidden=move || message.get().is_none()>{move || message.get()}</p>
            {move || match detail.get() {
                None => view! { <p class="loading">"Loading the person…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <h1>"Person"</h1><ProblemAlert error /> }.into_any(),
                Some(Ok(person)) => {
                    let title = if person.name.is_empty() { person.mis_id.clone() } else { person.name.clone() };
                    set_title(&title);
                    let erased = person.erased_at.clone();
                    let facts = match &erased {
                        Some(at) => format!("{}, MIS id {}: erased {}.", kind(person.resource), person.mis_id, local_time(at)),
                        None if person.deleted => format!("{}, MIS id {}: deleted in the MIS.", kind(person.resource), person.mis_id),
                        None => format!("{}, MIS id {}. {}", kind(person.resource), person.mis_id, person.detail),
                    };
                    let export = |format: &str| api::url::<endpoint::ExportSchoolPerson>(
                        &[("person_id", &person.mis_id)],
                        &PersonExportQuery { format: Some(format.to_owned()) },
                    );
                    let (json_href, html_href) = (export("json"), export("html"));
                    let everywhere = person.apps.iter().all(|app| app.choice == SelectionChoice::Exclude || !app.can_see);
                    view! {
                        <h1>{title}</h1>
                        <p>{facts}</p>
                        <AppsTable person=person.clone() />
                        <AdminOnlyNote />
                        <div class="form-buttons" hidden=move || !admin.get()>
                            <a class="button secondary" href=html_href download="">"Download as a page"</a>
                            <a class="button secondary" href=json_href download="">"Download as JSON"</a>
                            <button type="button" class="secondary" hidden=erased.is_some() || everywhere
                                disabled=move || pending.get()
                                on:click=move |_| { message.set(None); act.dispatch(PersonAction::Exclude); }>
                                "Exclude from every app"
                            </button>
                            <button type="button" class="danger" hidden=erased.is_some()
                                on:click=move |_| { message.set(None); confirming.set(true); }>
                                "Erase this person…"
                            </button>
                        </div>
                        <Show when=move || confirming.get()>
                            <ConfirmBox
                                id="erase"
                                title="Erase this person?"
                                error
                                pending
                                confirm="Yes, erase"
                                confirm_class="danger"
                                on_confirm=Callback::new(move |_| { act.dispatch(PersonAction::Erase); })
                                on_cancel=Callback::new(move |_| confirming.set(false))
                            >
                                <p id="erase-text">
                                    "Gatehouse deletes everything it holds about them but the MIS id, tells every app "
                                    "that read them to erase them too, and never takes them from your MIS again. "
                                    "This cannot be undone."
                                </p>
                            </ConfirmBox>
                        </Show>
                        {move || error.get().filter(|_| !confirming.get()).map(|error| view! { <ProblemAlert error /> })}
                    }.into_any()
                }
            }}
        </SchoolFrame>
    }
}

/// Every app's answer for the person.
#[component]
fn AppsTable(person: SchoolPersonDetail) -> impl IntoView {
    let erased = person.erased_at.is_some();
    if person.apps.is_empty() {
        return view! { <p class="empty-note">"Your school shares with no app."</p> }.into_any();
    }
    let rows = person
        .apps
        .into_iter()
        .map(move |app| {
            let sees = if app.can_see { "Yes" } else { "No" };
            let scopes = app.scopes.iter().map(|scope| scope.label()).collect::<Vec<_>>().join(", ");
            let mode = app.gdpr_mode.map_or("not set", |mode| mode.label());
            let choice = match app.choice {
                SelectionChoice::Include => "Included",
                SelectionChoice::Exclude => "Excluded",
                SelectionChoice::Default => "The GDPR mode decides",
            };
            let read = app.last_read_at.as_deref().map_or("No".to_owned(), local_time);
            view! {
                <tr>
                    <th scope="row">{app.app_name}<span class="detail">{format!(" from {}", app.partner_name)}</span></th>
                    <td>{sees}</td>
                    <td>{match erased {
                        // The rule's own words: "the school erased this person".
                        true => app.detail,
                        // The rule's sentence speaks to the app ("your app"); the school reads its label.
                        false => reason_label(app.reason).to_owned(),
                    }}</td>
                    <td>{if scopes.is_empty() { "none".to_owned() } else { scopes }}</td>
                    <td>{format!("{mode}; {choice}")}</td>
                    <td>{read}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="apps-heading">
            <h2 id="apps-heading">"Apps"</h2>
            <table class="schools school-apps">
                <caption class="visually-hidden">"Which apps can see this person"</caption>
                <TableHead columns=&["App", "Sees them now", "Why", "Data areas", "Mode and choice", "Read in the last 30 days"] />
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}
