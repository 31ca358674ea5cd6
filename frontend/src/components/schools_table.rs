//! A partner's school list as a table. The columns of each view, their headings and what each
//! sorts by, come from `gatehouse_model::columns`, the list the CSV export is written from, so
//! the file and the screen agree. This module only decides how a cell looks: badges, a priority
//! marker, numbers on the right, a dash for a missing value. A row opens the school's tile
//! when clicked, or when focused and Enter is pressed.

use gatehouse_model::{Column, InvitationStatus, SchoolRow, SchoolStatus, SchoolView, SortColumn, SortDirection};
use leptos::prelude::*;

/// Shown where a value is missing, so an empty cell never looks like a rendering fault.
const NONE: &str = "–";

/// The heading of the pending view's priority column, which has no sort to know it by.
const PRIORITY: &str = "Priority";

/// What the Re-authorisation column says of a school that must authorise again.
pub const REAUTHORISATION_NEEDED: &str = "Needed";

/// What one cell shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Text(String),
    /// A count, lined up on the right.
    Number(String),
    /// A coloured badge that also carries the status as text, so colour is never the only cue.
    Status(SchoolStatus),
    Invitation(InvitationStatus),
    /// A star for the eye and the word for a screen reader.
    Priority,
    /// P10: the school must authorise again for scopes the app added.
    ReauthorisationNeeded,
}

/// How `row` shows in `column`. Everything not singled out here is the column's text as the
/// export writes it.
fn cell(column: &Column, row: &SchoolRow) -> Cell {
    let text = (column.text)(row);
    match column.sort {
        Some(SortColumn::Status) => Cell::Status(row.status),
        Some(SortColumn::InvitationStatus) => {
            row.invitation_status.map_or_else(|| Cell::Text(dash_if_empty(text)), Cell::Invitation)
        }
        Some(SortColumn::MonthStats) => Cell::Number(grouped(row.month_stats)),
        Some(SortColumn::CacheAge | SortColumn::ActiveCases) => Cell::Number(dash_if_empty(text)),
        Some(SortColumn::ReauthorisationNeeded) if row.reauthorisation_needed => Cell::ReauthorisationNeeded,
        None if column.heading == PRIORITY => {
            if row.priority {
                Cell::Priority
            } else {
                Cell::Text(String::new())
            }
        }
        _ => Cell::Text(dash_if_empty(text)),
    }
}

/// The column's cells are counts, so its heading sits on the right above them.
fn is_number(column: &Column) -> bool {
    matches!(column.sort, Some(SortColumn::MonthStats | SortColumn::CacheAge | SortColumn::ActiveCases))
}

fn dash_if_empty(value: String) -> String {
    if value.is_empty() { NONE.to_owned() } else { value }
}

/// `12345` → `12,345`: API call counts get large.
fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub fn status_class(status: SchoolStatus) -> &'static str {
    match status {
        SchoolStatus::Ok => "badge status-ok",
        SchoolStatus::Warning => "badge status-warning",
        SchoolStatus::Error => "badge status-error",
        SchoolStatus::Unknown => "badge status-unknown",
        SchoolStatus::Inactive => "badge status-inactive",
        SchoolStatus::NotInstalled => "badge status-not-installed",
    }
}

/// The badge of an invitation status, in the table and in the status key under it.
pub fn invitation_class(status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::InvitationSent => "badge invitation-sent",
        InvitationStatus::ReadyToAuthorise => "badge invitation-ready",
        InvitationStatus::AwaitingVerification | InvitationStatus::AwaitingSchoolApproval => "badge invitation-waiting",
    }
}

fn render(cell: Cell) -> AnyView {
    match cell {
        Cell::Text(text) => view! { <td>{text}</td> }.into_any(),
        Cell::Number(text) => view! { <td class="number">{text}</td> }.into_any(),
        Cell::Status(status) => view! { <td><span class=status_class(status)>{status.label()}</span></td> }.into_any(),
        Cell::Invitation(status) => {
            view! { <td><span class=invitation_class(status)>{status.label()}</span></td> }.into_any()
        }
        Cell::ReauthorisationNeeded => {
            view! { <td><span class="badge reauthorisation-needed">{REAUTHORISATION_NEEDED}</span></td> }.into_any()
        }
        // The star is hidden from screen readers, which read the word instead; `title` gives
        // the word to a mouse user too.
        Cell::Priority => view! {
            <td class="priority" title=PRIORITY>
                <span aria-hidden="true">"★"</span>
                <span class="visually-hidden">{PRIORITY}</span>
            </td>
        }
        .into_any(),
    }
}

/// The sort in force and what a heading click asks for. The table is built anew for every
/// page the server sends, so `refocus` (owned by the screen) carries "a heading was just
/// clicked" across the rebuild and the new heading button takes the focus back.
#[derive(Clone, Copy)]
pub struct Sorting {
    pub by: (SortColumn, SortDirection),
    pub on_sort: Callback<SortColumn>,
    pub refocus: RwSignal<bool>,
}

fn aria_sort(direction: SortDirection) -> &'static str {
    match direction {
        SortDirection::Asc => "ascending",
        SortDirection::Desc => "descending",
    }
}

/// The table sits in a focusable, labelled region so a keyboard user can scroll it sideways on
/// a narrow screen. `empty` is what the body shows when there are no rows. `on_open` gets the
/// school id of a row clicked or entered; `selected` is the school whose tile is open.
#[component]
pub fn SchoolsTable(
    view: SchoolView,
    rows: Vec<SchoolRow>,
    labelled_by: &'static str,
    sorting: Sorting,
    #[prop(into)] empty: ViewFn,
    on_open: Callback<String>,
    #[prop(into)] selected: Signal<Option<String>>,
) -> impl IntoView {
    let columns = gatehouse_model::columns(view);
    let body = if rows.is_empty() {
        view! {
            <tr>
                <td class="empty" colspan=columns.len()>
                    {empty.run()}
                </td>
            </tr>
        }
        .into_any()
    } else {
        rows.iter()
            .map(|row| {
                let cells = columns.iter().map(|column| render(cell(column, row))).collect_view();
                let id = row.school_id.clone();
                let (clicked, entered, shown) = (id.clone(), id.clone(), id.clone());
                // Each row is one stop in the tab order; its cells are read as its name, which
                // begins with the school id and name.
                view! {
                    <tr
                        class="openable"
                        class:selected=move || selected.read().as_deref() == Some(shown.as_str())
                        tabindex="0"
                        data-school=id
                        title="Open this school's details"
                        on:click=move |_| on_open.run(clicked.clone())
                        on:keydown=move |event| {
                            if event.key() == "Enter" {
                                event.prevent_default();
                                on_open.run(entered.clone());
                            }
                        }
                    >
                        {cells}
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let sorted_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(button) = sorted_button.get()
            && sorting.refocus.get_untracked()
        {
            sorting.refocus.set(false);
            // Focus can only fail on a detached element, which this one is not.
            let _ = button.focus();
        }
    });
    let headings = columns
        .iter()
        .map(|column| {
            let class = if is_number(column) { "number" } else { "" };
            // A column the server cannot sort by keeps a plain heading, not a button that does nothing.
            let Some(sort) = column.sort else {
                return view! { <th scope="col" class=format!("{class} unsorted")>{column.heading}</th> }.into_any();
            };
            let (sorted_by, direction) = sorting.by;
            let sorted = sorted_by == sort;
            let node_ref = if sorted { sorted_button } else { NodeRef::new() };
            view! {
                <th scope="col" class=class aria-sort=sorted.then(|| aria_sort(direction))>
                    <button
                        type="button"
                        class="sort"
                        node_ref=node_ref
                        on:click=move |_| {
                            sorting.refocus.set(true);
                            sorting.on_sort.run(sort);
                        }
                    >
                        {column.heading}
                    </button>
                </th>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby=labelled_by tabindex="0">
            <table class="schools">
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use gatehouse_model::{FeedStatus, GdprMode, InstallStatus};

    pub(crate) fn row() -> SchoolRow {
        SchoolRow::named("4012", "Castle Hill Primary")
    }

    /// The words each cell of `view` shows, badges by their label and the marker by its word.
    fn texts(view: SchoolView, row: &SchoolRow) -> Vec<String> {
        gatehouse_model::columns(view)
            .iter()
            .map(|column| match cell(column, row) {
                Cell::Text(text) | Cell::Number(text) => text,
                Cell::Status(status) => status.label().to_owned(),
                Cell::Invitation(status) => status.label().to_owned(),
                Cell::Priority => PRIORITY.to_owned(),
                Cell::ReauthorisationNeeded => REAUTHORISATION_NEEDED.to_owned(),
            })
            .collect()
    }

    fn headings(view: SchoolView) -> Vec<&'static str> {
        gatehouse_model::columns(view).iter().map(|column| column.heading).collect()
    }

    #[test]
    fn each_view_has_the_partner_portals_columns() {
        assert_eq!(
            headings(SchoolView::Active),
            [
                "School ID",
                "School Name",
                "MIS",
                "Status",
                "Authorised On",
                "GDPR Mode",
                "Feed Status",
                "Month Stats",
                "Install Status",
                "Cache Age (days)",
                "Active Cases",
                "Revoke Pending",
                "Re-authorisation"
            ]
        );
        assert_eq!(
            headings(SchoolView::Pending),
            [
                "School ID",
                "School Name",
                PRIORITY,
                "MIS",
                "Date Invited",
                "Last Reminded",
                "School Contact",
                "Partner Contact",
                "Status",
                "Install Type"
            ]
        );
        assert_eq!(
            headings(SchoolView::Revoked),
            ["School ID", "School Name", "MIS", "Authorised On", "Revoked On", "Revoked By", "Erasure"]
        );
    }

    #[test]
    fn a_school_without_an_install_shows_not_detected_and_dashes() {
        assert_eq!(
            texts(SchoolView::Active, &row()),
            [
                "4012",
                "Castle Hill Primary",
                "Not detected",
                "Not Installed",
                "–",
                "–",
                "–",
                "0",
                "Onboarding Queue",
                "–",
                "0",
                "–",
                "–"
            ]
        );
    }

    #[test]
    fn a_working_school_shows_every_value() {
        let working = SchoolRow {
            mis: Some("Arbor".to_owned()),
            status: SchoolStatus::Ok,
            authorised_on: Some("2025-01-14".to_owned()),
            gdpr_mode: Some(GdprMode::ExcludeAll),
            feed_status: Some(FeedStatus::Paused),
            month_stats: 1_234_567,
            install_status: InstallStatus::Booked { slot: "2025-02-03T14:00".to_owned() },
            cache_age_days: Some(0),
            active_cases: 2,
            revoke_pending: Some("2025-03-01".to_owned()),
            reauthorisation_needed: true,
            ..row()
        };
        assert_eq!(
            texts(SchoolView::Active, &working)[2..],
            [
                "Arbor",
                "OK",
                "2025-01-14",
                "Exclude All",
                "Paused",
                "1,234,567",
                "Booked 2025-02-03 14:00",
                "0",
                "2",
                "2025-03-01",
                REAUTHORISATION_NEEDED
            ]
        );
        let needed = gatehouse_model::columns(SchoolView::Active).last().map(|column| cell(column, &working));
        assert_eq!(needed, Some(Cell::ReauthorisationNeeded), "a school that must re-authorise shows a badge");
    }

    #[test]
    fn statuses_are_badges_and_counts_line_up_on_the_right() {
        let active = gatehouse_model::columns(SchoolView::Active);
        let warning = SchoolRow { status: SchoolStatus::Warning, active_cases: 3, ..row() };
        let cells: Vec<_> = active.iter().map(|column| cell(column, &warning)).collect();
        assert_eq!(cells[3], Cell::Status(SchoolStatus::Warning));
        assert_eq!(cells[10], Cell::Number("3".to_owned()));
        let numbers: Vec<_> = active.iter().filter(|column| is_number(column)).map(|column| column.heading).collect();
        assert_eq!(numbers, ["Month Stats", "Cache Age (days)", "Active Cases"]);
    }

    #[test]
    fn a_pending_school_shows_its_invitation_as_a_badge_and_a_star_when_it_is_a_priority() {
        let pending = SchoolRow {
            mis: Some("SIMS".to_owned()),
            date_invited: Some("2025-05-06".to_owned()),
            school_contact: Some("data.lead@castle-hill.sch.uk".to_owned()),
            partner_contact: Some("onboarding@demo-partner.example".to_owned()),
            invitation_status: Some(InvitationStatus::ReadyToAuthorise),
            install_status: InstallStatus::Installed,
            priority: true,
            ..row()
        };
        assert_eq!(
            texts(SchoolView::Pending, &pending),
            [
                "4012",
                "Castle Hill Primary",
                PRIORITY,
                "SIMS",
                "2025-05-06",
                "–",
                "data.lead@castle-hill.sch.uk",
                "onboarding@demo-partner.example",
                "Ready to Authorise",
                "Installed"
            ]
        );
        let cells: Vec<_> =
            gatehouse_model::columns(SchoolView::Pending).iter().map(|column| cell(column, &pending)).collect();
        assert_eq!((&cells[8], &cells[2]), (&Cell::Invitation(InvitationStatus::ReadyToAuthorise), &Cell::Priority));
        let ordinary = SchoolRow { priority: false, ..pending };
        assert_eq!(texts(SchoolView::Pending, &ordinary)[2], "", "only priority schools are marked");
    }

    #[test]
    fn a_revoked_school_says_when_and_by_whom() {
        let revoked = SchoolRow {
            authorised_on: Some("2024-09-02".to_owned()),
            revoked_on: Some("2025-04-30".to_owned()),
            revoked_by: Some("School".to_owned()),
            erasure_unconfirmed_days: Some(9),
            ..row()
        };
        assert_eq!(
            texts(SchoolView::Revoked, &revoked),
            [
                "4012",
                "Castle Hill Primary",
                "Not detected",
                "2024-09-02",
                "2025-04-30",
                "School",
                "Erasure not yet confirmed (9 days)"
            ]
        );
        let confirmed = SchoolRow { erasure_unconfirmed_days: None, ..revoked };
        assert_eq!(texts(SchoolView::Revoked, &confirmed)[6], "Confirmed");
    }

    #[test]
    fn counts_are_grouped_in_thousands() {
        assert_eq!([grouped(0), grouped(999), grouped(1000), grouped(123_456)], ["0", "999", "1,000", "123,456"]);
    }
}
