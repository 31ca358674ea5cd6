//! P9 `/cases`: the partner's support cases, active or archived, a page at a time with "Show
//! more".

use gatehouse_model::{CaseFilter, CaseListQuery, CasePage, CaseSummary, NoBody, endpoint};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{CASES, NEW_CASE, StateBadge, case_path};
use crate::api;
use crate::app::set_title;
use crate::components::{Loading, PartnerFrame, ProblemAlert, RecordTable};
use crate::dates::local_time;

#[component]
pub fn CasesScreen() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        if query.read().get("filter").as_deref() == Some("archived") {
            CaseFilter::Archived
        } else {
            CaseFilter::Active
        }
    });
    Effect::new(move || {
        set_title(if filter.get() == CaseFilter::Archived { "Archived cases" } else { "Active Cases" })
    });
    let first = LocalResource::new(move || {
        api::call::<endpoint::ListPartnerCases>(
            &[],
            &CaseListQuery { filter: filter.get(), ..Default::default() },
            &NoBody,
        )
    });
    // Pages after the first, appended by "Show more".
    let more = RwSignal::new(Vec::<CaseSummary>::new());
    let next = RwSignal::new(None::<String>);
    Effect::new(move || {
        let page = first.get().and_then(Result::ok);
        more.set(Vec::new());
        next.set(page.and_then(|page| page.next_cursor));
    });
    let load_more = Action::new_local(move |cursor: &String| {
        let query = CaseListQuery { filter: filter.get_untracked(), cursor: Some(cursor.clone()), limit: None };
        api::call::<endpoint::ListPartnerCases>(&[], &query, &NoBody)
    });
    Effect::new(move || {
        if let Some(Ok(CasePage { items, next_cursor })) = load_more.value().get() {
            more.update(|more| more.extend(items));
            next.set(next_cursor);
        }
    });
    let tab = move |name: &'static str, href: &'static str, which: CaseFilter| {
        view! {
            <li>
                <a href=href aria-current=move || (filter.get() == which).then_some("page")>{name}</a>
            </li>
        }
    };
    let body = move || {
        Suspend::new(async move {
            first.await.map(|page| {
                let archived = filter.get_untracked() == CaseFilter::Archived;
                view! {
                    <CasesTable items=page.items more archived />
                    {move || next.get().map(|cursor| view! {
                        <p>
                            <button
                                type="button"
                                class="secondary"
                                disabled=move || load_more.pending().get()
                                on:click=move |_| { load_more.dispatch(cursor.clone()); }
                            >
                                "Show more cases"
                            </button>
                        </p>
                    })}
                    {move || load_more.value().get().and_then(Result::err).map(|error| view! { <ProblemAlert error /> })}
                }
            })
        })
    };
    view! {
        <PartnerFrame failed=Signal::derive(move || first.get().and_then(Result::err))>
            <div class="page-heading">
                <h1>{move || if filter.get() == CaseFilter::Archived { "Archived cases" } else { "Active Cases" }}</h1>
                <a class="button" href=NEW_CASE>"New Case"</a>
            </div>
            <p class="lead">
                "Support cases raised for your apps. Active means not closed; a closed case stays here for 30 days, then moves to Archived."
            </p>
            <nav class="list-tabs" aria-label="Case lists">
                <ul>
                    {tab("Active Cases", CASES, CaseFilter::Active)}
                    {tab("Archived", "/cases?filter=archived", CaseFilter::Archived)}
                </ul>
            </nav>
            <Loading text="Loading cases…">{body}</Loading>
        </PartnerFrame>
    }
}

#[component]
fn CasesTable(items: Vec<CaseSummary>, more: RwSignal<Vec<CaseSummary>>, archived: bool) -> impl IntoView {
    if items.is_empty() {
        let text = if archived { "No archived cases." } else { "No active cases. Raise one with New Case." };
        return view! { <p class="empty-note">{text}</p> }.into_any();
    }
    let row = |case: CaseSummary| {
        let href = case_path(&case.case_id);
        view! {
            <tr>
                <th scope="row"><a href=href>{case.case_id.clone()}</a></th>
                <td>{case.summary.clone()}</td>
                <td>{case.school_name.clone().unwrap_or_else(|| "–".to_owned())}</td>
                <td>{case.category.label()}</td>
                <td><StateBadge state=case.state escalated=case.escalated /></td>
                <td>{local_time(&case.updated_at)}</td>
            </tr>
        }
    };
    let rows = items.into_iter().map(row).collect_view();
    view! {
        <RecordTable
            caption_id="cases-caption"
            caption="Support cases, newest activity first"
            class="cases"
            columns=&["Case", "Summary", "School", "Category", "Status", "Last update"]
        >
            {rows}
            {move || more.get().into_iter().map(row).collect_view()}
        </RecordTable>
    }
    .into_any()
}
