//! Finding a school's people by name or MIS id (S3), on the People page and on an app's page:
//! the search box, then what the search found as a table.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::{ProblemAlert, SearchForm, TableHead};

#[component]
pub fn PeopleSearch<T, Row, V>(
    /// The search box's id, unique on the page.
    id: &'static str,
    query: RwSignal<String>,
    /// Searches again for what `query` says.
    on_search: Callback<()>,
    /// The people the last search found; `None` until the first search answers.
    #[prop(into)]
    found: Signal<Option<Result<Vec<T>, ApiError>>>,
    /// The column headings of the table; `row` makes a person's row.
    columns: &'static [&'static str],
    row: Row,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    Row: Fn(T) -> V + Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <SearchForm id label="Search by name or MIS id" query on_search />
        {move || match found.get() {
            None => view! { <p class="loading">"Loading people…"</p> }.into_any(),
            Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
            Some(Ok(people)) if people.is_empty() => view! {
                <p class="empty-note">"No people found. People appear here once your MIS agent has sent data."</p>
            }.into_any(),
            Some(Ok(people)) => {
                let rows = people.into_iter().map(&row).collect_view();
                view! {
                    <table class="schools school-apps">
                        <caption class="visually-hidden">"People found"</caption>
                        <TableHead columns />
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }
        }}
    }
}
