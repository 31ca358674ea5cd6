//! The people on a school's app page (S3): search them, and for an admin include or exclude
//! each one whatever the GDPR mode says.

use gatehouse_model::{NoBody, NoQuery, SchoolPeopleQuery, SchoolPerson, SelectionChoice, SetPersonChoice, endpoint};
use leptos::prelude::*;

use crate::api;
use crate::components::PeopleSearch;

/// Search results with each person's choice; only an admin gets the buttons.
#[component]
pub(super) fn PeoplePanel(app_id: String, admin: Signal<bool>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let people = LocalResource::new({
        let app_id = app_id.clone();
        move || {
            let body = SchoolPeopleQuery { q: Some(query.get_untracked()) };
            api::call::<endpoint::SearchSchoolPeople>(&[("app_id", &app_id)], &body, &NoBody)
        }
    });
    let choose = Callback::new(move |(mis_id, choice): (String, SelectionChoice)| {
        let app_id = app_id.clone();
        leptos::task::spawn_local(async move {
            people.set(Some(
                api::call::<endpoint::SetPersonChoice>(
                    &[("app_id", &app_id)],
                    &NoQuery,
                    &SetPersonChoice { mis_id, choice },
                )
                .await,
            ));
        });
    });
    let row = move |person: SchoolPerson| {
        if !admin.get() {
            let choice = match person.choice {
                SelectionChoice::Include => "Included",
                SelectionChoice::Exclude => "Excluded",
                SelectionChoice::Default => "The GDPR mode decides",
            };
            return view! {
                <tr>
                    <th scope="row">{person.name.clone()}</th>
                    <td>{person.detail.clone()}</td>
                    <td>{choice}</td>
                </tr>
            }
            .into_any();
        }
        let buttons = [SelectionChoice::Include, SelectionChoice::Exclude, SelectionChoice::Default]
            .into_iter()
            .map(|choice| {
                let label = match choice {
                    SelectionChoice::Include => "Include",
                    SelectionChoice::Exclude => "Exclude",
                    SelectionChoice::Default => "Use the GDPR mode",
                };
                let (id, name) = (person.mis_id.clone(), person.name.clone());
                view! {
                    <button type="button" class="secondary" aria-pressed=(person.choice == choice).to_string()
                        on:click=move |_| choose.run((id.clone(), choice))>
                        {label}<span class="visually-hidden">{format!(" {name}")}</span>
                    </button>
                }
            })
            .collect_view();
        view! {
            <tr>
                <th scope="row">{person.name.clone()}</th>
                <td>{person.detail.clone()}</td>
                <td>{buttons}</td>
            </tr>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <p>"Include someone to share them even under Exclude All; exclude someone to never share them."</p>
            <PeopleSearch
                id="people-search"
                query
                on_search=Callback::new(move |_| people.refetch())
                found=Signal::derive(move || people.get().map(|found| found.map(|found| found.matches)))
                columns=&["Name", "Details", "Choice"]
                row
            />
        </section>
    }
}
