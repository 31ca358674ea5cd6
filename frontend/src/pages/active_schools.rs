//! P2 Active Schools: every school that authorised the partner's app, fifty to a page, searched,
//! filtered and sorted by the server. The address holds the whole query. Needs a session;
//! without one the user is sent to sign in.

use gatehouse_model::{ListSchoolsQuery, SchoolView};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api;
use crate::app::{SIGN_IN, set_title};
use crate::components::{
    ACTIVE_COLUMNS, ClearFilters, FilterBar, Header, Pager, Paging, SchoolsTable, Sorting, problem_alerts,
};
use crate::school_query::{filters_active, from_pairs, sort_of, sorted_by, to_pairs};

const PAGE_SIZE: u32 = 50;

#[component]
pub fn ActiveSchools() -> impl IntoView {
    set_title("Active Schools");
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let params = params.read();
        from_pairs(params.latest_values().map(|(name, value)| (name.as_ref(), value)))
    });
    let me = LocalResource::new(api::me);
    let schools = LocalResource::new(move || {
        api::list_schools(ListSchoolsQuery {
            view: SchoolView::Active,
            page: Some(query.read().page.unwrap_or(1)),
            page_size: Some(PAGE_SIZE),
            ..query.get()
        })
    });

    let navigate = use_navigate();
    let to_sign_in = navigate.clone();
    Effect::new(move || {
        let me_failed = me.get().and_then(Result::err);
        let list_failed = schools.get().and_then(Result::err);
        if me_failed.iter().chain(&list_failed).any(api::ApiError::requires_sign_in) {
            to_sign_in(SIGN_IN, NavigateOptions { replace: true, ..Default::default() });
        }
    });
    // Every change is a new history entry, so Back undoes one filter or sort at a time.
    let location = use_location();
    let go = Callback::new(move |next: ListSchoolsQuery| {
        let search = ParamsMap::from_iter(to_pairs(&next)).to_query_string();
        navigate(&format!("{}{search}", location.pathname.get_untracked()), Default::default());
    });

    let loaded = move || schools.get().and_then(Result::ok);
    let mis_options = Signal::derive(move || loaded().map(|page| page.mis_options).unwrap_or_default());
    let paging = Signal::derive(move || loaded().map(|page| Paging::of(&page, filters_active(&query.read()))));
    let sort_refocus = RwSignal::new(false);
    let on_sort = Callback::new(move |column| go.run(sorted_by(&query.get_untracked(), column)));
    let loading = RwSignal::new(false);
    view! {
        <Header me=Signal::derive(move || me.get().and_then(Result::ok)) />
        <main>
            <h1 id="schools-heading">"Active Schools"</h1>
            <FilterBar query mis_options on_change=go />
            <div class="list" aria-busy=move || loading.get().to_string()>
                <Transition fallback=|| view! { <p class="loading">"Loading schools…"</p> } set_pending=loading>
                    <ErrorBoundary fallback=problem_alerts>
                        {move || Suspend::new(async move {
                            schools
                                .await
                                .map(|page| {
                                    let shown = query.get_untracked();
                                    let sorting = Sorting { by: sort_of(&shown), on_sort, refocus: sort_refocus };
                                    let filtered = filters_active(&shown);
                                    view! {
                                        <SchoolsTable
                                            columns=ACTIVE_COLUMNS
                                            rows=page.items
                                            labelled_by="schools-heading"
                                            sorting
                                            empty=move || no_rows(filtered, query, go)
                                        />
                                    }
                                })
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
            <Pager paging />
        </main>
    }
}

/// The table body when there is nothing to list: a search or filter that matched nothing can
/// be undone right there.
fn no_rows(filtered: bool, query: Memo<ListSchoolsQuery>, go: Callback<ListSchoolsQuery>) -> impl IntoView {
    if filtered {
        view! {
            <div class="empty-note">
                <p>"No schools match these filters."</p>
                <ClearFilters query on_change=go />
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="empty-note">
                <p>"No schools to show."</p>
            </div>
        }
        .into_any()
    }
}
