//! P2 Active Schools, P3 Pending Authorisations and P4 Revoked Schools: one screen in three
//! views. Each lists fifty schools to a page, searched, filtered and sorted by the server, and
//! the address holds the whole query. The views differ only in what `SchoolList` says: columns
//! (from the model), filters and a status key. A row opens the school's tile beside the list;
//! the address names it (`?school=3280001`), so a tile can be shared and Back closes it. Needs a
//! session; without one the user is sent to sign in.

use gatehouse_model::{InvitationStatus, ListSchoolsQuery, SchoolView};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api;
use crate::app::{INVITE_SCHOOL, school_list_page, set_title};
use crate::components::{
    ClearFilters, Filter, FilterBar, Pager, Paging, PartnerFrame, SchoolTile, SchoolsTable, Sorting, focus_first,
    invitation_class, problem_alerts,
};
use crate::school_query::{address_search, filters_active, from_query_string, sort_of, sorted_by};

const PAGE_SIZE: u32 = 50;

/// The address parameter naming the school whose tile is open.
const SCHOOL: &str = "school";

/// One view of the partner's schools, as the screen shows it.
pub struct SchoolList {
    view: SchoolView,
    title: &'static str,
    path: &'static str,
    filters: &'static [Filter],
    /// What each badge in the Status column means, shown under the table.
    key: &'static [(InvitationStatus, &'static str)],
}

const ACTIVE: SchoolList = SchoolList {
    view: SchoolView::Active,
    title: school_list_page(SchoolView::Active).1,
    path: school_list_page(SchoolView::Active).0,
    filters: &[
        Filter::Status,
        Filter::Mis,
        Filter::Install,
        Filter::Gdpr,
        Filter::Feed,
        Filter::RevokePending,
        Filter::Reauthorisation,
    ],
    key: &[],
};

const PENDING: SchoolList = SchoolList {
    view: SchoolView::Pending,
    title: school_list_page(SchoolView::Pending).1,
    path: school_list_page(SchoolView::Pending).0,
    filters: &[Filter::PriorityOnly, Filter::Invitation, Filter::Mis],
    key: &[
        (InvitationStatus::InvitationSent, "The school has been invited, but its MIS agent is not working yet."),
        (
            InvitationStatus::ReadyToAuthorise,
            "The MIS agent is working; all that is missing is the school's authorisation.",
        ),
        (
            InvitationStatus::AwaitingVerification,
            "Someone at the school authorised; Gatehouse operations are verifying their authority. Nothing is \
             shared until they do.",
        ),
        (
            InvitationStatus::AwaitingSchoolApproval,
            "Someone at the school authorised; one of the school's admins must approve. Nothing is shared until \
             one does.",
        ),
    ],
};

const REVOKED: SchoolList = SchoolList {
    view: SchoolView::Revoked,
    title: school_list_page(SchoolView::Revoked).1,
    path: school_list_page(SchoolView::Revoked).0,
    filters: &[Filter::Mis],
    key: &[],
};

/// The tabs, in the partner portal's order.
const LISTS: [&SchoolList; 3] = [&ACTIVE, &PENDING, &REVOKED];

#[component]
pub fn ActiveSchools() -> impl IntoView {
    view! { <SchoolListScreen list=&ACTIVE /> }
}

#[component]
pub fn PendingAuthorisations() -> impl IntoView {
    view! { <SchoolListScreen list=&PENDING /> }
}

#[component]
pub fn RevokedSchools() -> impl IntoView {
    view! { <SchoolListScreen list=&REVOKED /> }
}

#[component]
fn SchoolListScreen(list: &'static SchoolList) -> impl IntoView {
    set_title(list.title);
    let params = use_query_map();
    let location = use_location();
    // The route says which view; the address says everything else.
    let query = Memo::new(move |_| from_query_string(&location.search.read(), list.view));
    let schools = LocalResource::new(move || {
        api::list_schools(ListSchoolsQuery {
            page: Some(query.read().page.unwrap_or(1)),
            page_size: Some(PAGE_SIZE),
            ..query.get()
        })
    });

    // Opening and closing a tile changes the address but not the query, so the list stays.
    let open_school = Memo::new(move |_| params.read().get(SCHOOL).filter(|id| !id.is_empty()));

    // Every change is a new history entry, so Back undoes one filter, sort or tile at a time.
    let navigate = use_navigate();
    let go_to = move |query: &ListSchoolsQuery, school: Option<String>| {
        let search = address_search(query, school.map(|id| (SCHOOL, id)));
        navigate(&format!("{}{search}", location.pathname.get_untracked()), Default::default());
    };
    let go = Callback::new({
        let go_to = go_to.clone();
        move |next: ListSchoolsQuery| go_to(&next, open_school.get_untracked())
    });
    let open = Callback::new({
        let go_to = go_to.clone();
        move |school_id: String| go_to(&query.get_untracked(), Some(school_id))
    });
    let close = Callback::new(move |()| {
        let closed = open_school.get_untracked();
        go_to(&query.get_untracked(), None);
        // The focus goes back to the row the tile was opened from, once the tile is gone.
        if let Some(school_id) = closed {
            request_animation_frame(move || focus_first(&format!("tr[data-school=\"{school_id}\"]")));
        }
    });
    let tile = move || {
        open_school.get().map(|school_id| {
            let app = query.get_untracked().app;
            view! {
                <SchoolTile
                    school_id
                    app
                    list_view=list.view
                    on_close=close
                    on_changed=Callback::new(move |()| schools.refetch())
                />
            }
        })
    };

    let loaded = move || schools.get().and_then(Result::ok);
    let mis_options = Signal::derive(move || loaded().map(|page| page.mis_options).unwrap_or_default());
    let paging = Signal::derive(move || loaded().map(|page| Paging::of(&page, filters_active(&query.read()))));
    let sort_refocus = RwSignal::new(false);
    let on_sort = Callback::new(move |column| go.run(sorted_by(&query.get_untracked(), column)));
    let loading = RwSignal::new(false);
    view! {
        <PartnerFrame failed=Signal::derive(move || schools.get().and_then(Result::err))>
            <ListTabs current=list />
            <div class="page-heading">
                <h1 id="schools-heading">{list.title}</h1>
                <a class="button primary" href=move || invite_href(query.read().app.as_deref())>
                    <span aria-hidden="true">"+"</span>
                    "Invite School"
                </a>
            </div>
            <FilterBar query filters=list.filters mis_options on_change=go />
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
                                            view=list.view
                                            rows=page.items
                                            labelled_by="schools-heading"
                                            sorting
                                            empty=move || no_rows(filtered, query, go)
                                            on_open=open
                                            selected=open_school
                                        />
                                    }
                                })
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
            <StatusKey key=list.key />
            <Pager paging />
        </PartnerFrame>
        {tile}
    }
}

/// Where "+ Invite School" goes: the wizard, for the app the list shows.
fn invite_href(app: Option<&str>) -> String {
    match app.filter(|app| !app.is_empty()) {
        Some(app) => format!("{INVITE_SCHOOL}{}", ParamsMap::from_iter([("app", app.to_owned())]).to_query_string()),
        None => INVITE_SCHOOL.to_owned(),
    }
}

/// The three lists as tabs. Plain links: the router turns a click into a client-side
/// navigation, and each list starts unfiltered, as its filters differ from the others'.
#[component]
fn ListTabs(current: &'static SchoolList) -> impl IntoView {
    let tabs = LISTS
        .iter()
        .map(|list| {
            let here = (list.view == current.view).then_some("page");
            view! {
                <li>
                    <a href=list.path aria-current=here>
                        {list.title}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="list-tabs" aria-label="School lists">
            <ul>{tabs}</ul>
        </nav>
    }
}

/// What the Status badges mean, in one sentence each; nothing for a view without a key.
#[component]
fn StatusKey(key: &'static [(InvitationStatus, &'static str)]) -> impl IntoView {
    (!key.is_empty()).then(|| {
        let entries = key
            .iter()
            .map(|&(status, meaning)| {
                view! {
                    <div>
                        <dt>
                            <span class=invitation_class(status)>{status.label()}</span>
                        </dt>
                        <dd>{meaning}</dd>
                    </div>
                }
            })
            .collect_view();
        view! {
            <section class="status-key" aria-labelledby="status-key-heading">
                <h2 id="status-key-heading">"Status key"</h2>
                <dl>{entries}</dl>
            </section>
        }
    })
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
