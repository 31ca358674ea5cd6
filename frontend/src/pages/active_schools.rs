//! P2 Active Schools: every school that authorised the partner's app, fifty to a page. Needs a
//! session; without one the user is sent to sign in.

use gatehouse_model::{ListSchoolsQuery, SchoolView};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::app::{SIGN_IN, set_title};
use crate::components::{ACTIVE_COLUMNS, Header, Pager, Paging, SchoolsTable, page_from_query, problem_alerts};

const PAGE_SIZE: u32 = 50;

#[component]
pub fn ActiveSchools() -> impl IntoView {
    set_title("Active Schools");
    let query = use_query_map();
    let page = Memo::new(move |_| page_from_query(query.read().get_str("page")));
    let me = LocalResource::new(api::me);
    let schools = LocalResource::new(move || {
        api::list_schools(ListSchoolsQuery {
            view: SchoolView::Active,
            app: None,
            page: Some(page.get()),
            page_size: Some(PAGE_SIZE),
        })
    });

    let navigate = use_navigate();
    Effect::new(move || {
        let me_failed = me.get().and_then(Result::err);
        let list_failed = schools.get().and_then(Result::err);
        if me_failed.iter().chain(&list_failed).any(api::ApiError::requires_sign_in) {
            navigate(SIGN_IN, NavigateOptions { replace: true, ..Default::default() });
        }
    });

    let loading = RwSignal::new(false);
    let paging = Signal::derive(move || schools.get().and_then(Result::ok).map(|page| Paging::of(&page)));
    view! {
        <Header me=Signal::derive(move || me.get().and_then(Result::ok)) />
        <main>
            <h1 id="schools-heading">"Active Schools"</h1>
            <div class="list" aria-busy=move || loading.get().to_string()>
                <Transition fallback=|| view! { <p class="loading">"Loading schools…"</p> } set_pending=loading>
                    <ErrorBoundary fallback=problem_alerts>
                        {move || Suspend::new(async move {
                            schools
                                .await
                                .map(|page| {
                                    view! { <SchoolsTable columns=ACTIVE_COLUMNS rows=page.items labelled_by="schools-heading" /> }
                                })
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
            <Pager paging />
        </main>
    }
}
