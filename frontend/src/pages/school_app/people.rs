//! The people on a school's app page (S3): search them, and for an admin include or exclude
//! each one whatever the GDPR mode says.

use gatehouse_model::{NoBody, NoQuery, SchoolPeople, SchoolPeopleQuery, SelectionChoice, SetPersonChoice, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::{ProblemAlert, SearchForm, TableHead};

/// Search results with each person's choice; only an admin gets the buttons.
#[component]
pub(super) fn PeoplePanel(app_id: String, admin: Signal<bool>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let people = RwSignal::new(None::<Result<SchoolPeople, ApiError>>);
    let search = {
        let app_id = app_id.clone();
        move || {
            let (app_id, q) = (app_id.clone(), query.get_untracked());
            leptos::task::spawn_local(async move {
                people.set(Some(
                    api::call::<endpoint::SearchSchoolPeople>(
                        &[("app_id", &app_id)],
                        &SchoolPeopleQuery { q: Some(q) },
                        &NoBody,
                    )
                    .await,
                ))
            });
        }
    };
    search();
    let choose = Callback::new({
        let app_id = app_id.clone();
        move |(mis_id, choice): (String, SelectionChoice)| {
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
        }
    });
    view! {
        <section aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <p>"Include someone to share them even under Exclude All; exclude someone to never share them."</p>
            <SearchForm id="people-search" label="Search by name or MIS id" query
                on_search=Callback::new(move |_| search()) />
            {move || match people.get() {
                None => view! { <p class="loading">"Loading people…"</p> }.into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(found)) if found.matches.is_empty() => view! {
                    <p class="empty-note">"No people found. People appear here once your MIS agent has sent data."</p>
                }.into_any(),
                Some(Ok(found)) => {
                    let rows = found.matches.into_iter().map(|person| {
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
                            }.into_any();
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
                        }.into_any()
                    }).collect_view();
                    view! {
                        <table class="schools school-apps">
                            <caption class="visually-hidden">"People found"</caption>
                            <TableHead columns=&["Name", "Details", "Choice"] />
                            <tbody>{rows}</tbody>
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}
