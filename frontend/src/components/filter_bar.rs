//! The search box, the filters, "Export CSV" and "Clear Filters" above a school list. They hold
//! no state of their own: each shows what the address says and asks the screen to go to a new
//! address, so a filtered list can be shared as a link and Back undoes one change at a time.

use gatehouse_model::{FeedStatus, GdprMode, InstallState, InvitationStatus, ListSchoolsQuery, SchoolStatus};
use leptos::prelude::*;
use serde::Serialize;

use crate::api;
use crate::school_query::{cleared, filters_active, param, serde_name, with_param};

/// A filter a list can offer besides the search, which every list has. Each view names its own
/// in order; the selects are laid out in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// P3 "priority only", a checkbox beside the search.
    PriorityOnly,
    Status,
    /// P3's Status: Invitation Sent or Ready to Authorise.
    Invitation,
    Mis,
    Install,
    Gdpr,
    Feed,
    RevokePending,
    /// P10: schools that must authorise again for scopes the app added.
    Reauthorisation,
}

/// One `<option>`: the value the address carries and the words shown.
type Choice = (String, String);

fn choices<T: Serialize + Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().filter_map(|&value| Some((serde_name(value)?, label(value).to_owned()))).collect()
}

/// `query` is the list's query as read from the address; `filters` the ones this view offers;
/// `mis_options` the MIS names the server found in the view; `on_change` takes the user to the
/// list for a new query.
#[component]
pub fn FilterBar(
    query: Memo<ListSchoolsQuery>,
    filters: &'static [Filter],
    #[prop(into)] mis_options: Signal<Vec<String>>,
    on_change: Callback<ListSchoolsQuery>,
) -> impl IntoView {
    let pick = Callback::new(move |(name, value): (&'static str, Option<String>)| {
        on_change.run(with_param(&query.get_untracked(), name, value.as_deref()));
    });

    // The search applies on Enter, not as the user types: each search is a round trip to the
    // server and an entry in the history, so a keystroke-by-keystroke search would fill Back
    // with half-typed words and have screen readers announce a new record count per letter.
    let applied = Memo::new(move |_| query.read().q.clone().unwrap_or_default());
    let typed = RwSignal::new(applied.get_untracked());
    // Back, Clear Filters or a shared link change the applied search: the box follows.
    Effect::new(move || typed.set(applied.get()));
    let search = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        pick.run(("q", Some(typed.get_untracked())));
    };
    // Emptying the box (its clear button, or deleting the text) shows everything at once, as
    // there is nothing left to confirm.
    let typing = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        let emptied = text.trim().is_empty() && !applied.get_untracked().is_empty();
        typed.set(text);
        if emptied {
            pick.run(("q", None));
        }
    };

    // A link may name an MIS this view no longer has; it stays selectable so the select shows
    // the filter that is in force.
    let mis_choices = Memo::new(move |_| {
        let mut names = mis_options.get();
        if let Some(current) = query.read().mis.clone()
            && !names.contains(&current)
        {
            names.push(current);
        }
        names.into_iter().map(|name| (name.clone(), name)).collect::<Vec<Choice>>()
    });

    let select = move |filter: Filter| {
        let yes_no =
            |yes: &str, no: &str| vec![("true".to_owned(), yes.to_owned()), ("false".to_owned(), no.to_owned())];
        let (label, name, choices): (_, _, Signal<Vec<Choice>>) = match filter {
            // A checkbox, beside the search rather than among the selects.
            Filter::PriorityOnly => return None,
            Filter::Status => ("Status", "status", choices(&SchoolStatus::ALL, SchoolStatus::label).into()),
            Filter::Invitation => {
                ("Status", "invitation", choices(&InvitationStatus::ALL, InvitationStatus::label).into())
            }
            Filter::Mis => ("MIS", "mis", mis_choices.into()),
            Filter::Install => ("Install Status", "install", choices(&InstallState::ALL, InstallState::label).into()),
            Filter::Gdpr => ("GDPR Mode", "gdpr", choices(&GdprMode::ALL, GdprMode::label).into()),
            Filter::Feed => ("Feed Status", "feed", choices(&FeedStatus::ALL, FeedStatus::label).into()),
            Filter::RevokePending => ("Revoke Pending", "revoke_pending", yes_no("Yes", "No").into()),
            Filter::Reauthorisation => ("Re-authorisation", "reauthorisation", yes_no("Needed", "Not needed").into()),
        };
        Some(view! { <FilterSelect label name query pick choices /> })
    };
    let selects = filters.iter().filter_map(|&filter| select(filter)).collect_view();
    let priority_only = filters.contains(&Filter::PriorityOnly).then(|| view! { <PriorityOnly query pick /> });

    view! {
        <form class="filters" role="search" aria-label="Search and filter schools" on:submit=search>
            <div class="filters-row">
                <div class="filter filter-search">
                    <label for="search">"Search"</label>
                    <input
                        id="search"
                        type="search"
                        name="q"
                        autocomplete="off"
                        placeholder="Any column, then Enter"
                        prop:value=move || typed.get()
                        on:input=typing
                    />
                </div>
                {priority_only}
                <div class="filter-actions">
                    // A link, not a fetch: the browser downloads the file and names it from the
                    // server's Content-Disposition, and the router leaves `download` links alone.
                    <a class="button secondary" href=move || api::export_url(&query.read()) download>
                        "Export CSV"
                    </a>
                    <ClearFilters query on_change />
                </div>
            </div>
            <div class="filters-row selects">{selects}</div>
        </form>
    }
}

/// P3 "priority only": ticked, the list keeps the schools marked as a priority; unticked, the
/// parameter goes, rather than asking for the schools that are not a priority.
#[component]
fn PriorityOnly(query: Memo<ListSchoolsQuery>, pick: Callback<(&'static str, Option<String>)>) -> impl IntoView {
    view! {
        <div class="filter-check">
            <input
                id="priority-only"
                type="checkbox"
                prop:checked=move || query.read().priority == Some(true)
                on:change=move |event| {
                    let ticked = event_target_checked(&event);
                    pick.run(("priority", ticked.then(|| "true".to_owned())));
                }
            />
            <label for="priority-only">"Priority only"</label>
        </div>
    }
}

/// "Clear Filters", in the bar and again where an over-narrow search left no rows.
#[component]
pub fn ClearFilters(query: Memo<ListSchoolsQuery>, on_change: Callback<ListSchoolsQuery>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="secondary"
            disabled=move || !filters_active(&query.read())
            on:click=move |_| on_change.run(cleared(&query.get_untracked()))
        >
            "Clear Filters"
        </button>
    }
}

/// A labelled select over one query parameter; its first option, "All", removes the parameter.
/// Options are marked selected from the address rather than by setting the select's value, so
/// the MIS select shows the right name even when its options arrive after the address changed.
/// Its id is `filter-` and the parameter's name, with hyphens (`filter-revoke-pending`).
#[component]
fn FilterSelect(
    label: &'static str,
    name: &'static str,
    query: Memo<ListSchoolsQuery>,
    pick: Callback<(&'static str, Option<String>)>,
    #[prop(into)] choices: Signal<Vec<Choice>>,
) -> impl IntoView {
    let id = format!("filter-{}", name.replace('_', "-"));
    let selected = Memo::new(move |_| param(&query.read(), name));
    let options = move || {
        choices
            .get()
            .into_iter()
            .map(|(value, text)| {
                let chosen = value.clone();
                view! {
                    <option value=value prop:selected=move || selected.read().as_deref() == Some(chosen.as_str())>
                        {text}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <div class="filter">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                on:change=move |event| {
                    let value = event_target_value(&event);
                    pick.run((name, Some(value).filter(|value| !value.is_empty())));
                }
            >
                <option value="" prop:selected=move || selected.read().is_none()>
                    "All"
                </option>
                {options}
            </select>
        </div>
    }
}
