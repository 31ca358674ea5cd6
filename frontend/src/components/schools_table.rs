//! A partner's school list as a table. Each view's columns are listed once, a heading and a cell
//! per column, so the Pending and Revoked views, the filters and the free-text search (which
//! reads the same cell text) all follow the one list.

use gatehouse_model::{MIS_NOT_DETECTED, SchoolRow, SchoolStatus, SortColumn, SortDirection};
use leptos::prelude::*;

/// Shown where a value is missing, so an empty cell never looks like a rendering fault.
const NONE: &str = "–";

/// Which side of the cell the value sits on; numbers line up on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Start,
    End,
}

impl Align {
    fn class(self) -> &'static str {
        match self {
            Align::Start => "",
            Align::End => "number",
        }
    }
}

/// What one cell shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A coloured badge that also carries the status as text, so colour is never the only cue.
    Status(SchoolStatus),
}

pub struct Column {
    pub heading: &'static str,
    pub align: Align,
    /// What the server sorts by when the heading is clicked.
    pub sort: SortColumn,
    pub cell: fn(&SchoolRow) -> Cell,
}

/// P2 Active Schools, in the order of the partner portal.
pub const ACTIVE_COLUMNS: &[Column] = &[
    Column {
        heading: "School ID",
        align: Align::Start,
        sort: SortColumn::SchoolId,
        cell: |row| Cell::Text(row.school_id.clone()),
    },
    Column {
        heading: "School Name",
        align: Align::Start,
        sort: SortColumn::Name,
        cell: |row| Cell::Text(row.name.clone()),
    },
    Column {
        heading: "MIS",
        align: Align::Start,
        sort: SortColumn::Mis,
        cell: |row| {
            Cell::Text(row.mis.clone().filter(|mis| !mis.is_empty()).unwrap_or_else(|| MIS_NOT_DETECTED.into()))
        },
    },
    Column { heading: "Status", align: Align::Start, sort: SortColumn::Status, cell: |row| Cell::Status(row.status) },
    Column {
        heading: "Authorised On",
        align: Align::Start,
        sort: SortColumn::AuthorisedOn,
        cell: |row| or_none(row.authorised_on.clone()),
    },
    Column {
        heading: "GDPR Mode",
        align: Align::Start,
        sort: SortColumn::GdprMode,
        cell: |row| or_none(row.gdpr_mode.map(|mode| mode.label().to_owned())),
    },
    Column {
        heading: "Feed Status",
        align: Align::Start,
        sort: SortColumn::FeedStatus,
        cell: |row| or_none(row.feed_status.map(|feed| feed.label().to_owned())),
    },
    Column {
        heading: "Month Stats",
        align: Align::End,
        sort: SortColumn::MonthStats,
        cell: |row| Cell::Text(grouped(row.month_stats)),
    },
    Column {
        heading: "Install Status",
        align: Align::Start,
        sort: SortColumn::InstallStatus,
        cell: |row| Cell::Text(row.install_status.label()),
    },
    Column {
        heading: "Cache Age (days)",
        align: Align::End,
        sort: SortColumn::CacheAge,
        cell: |row| or_none(row.cache_age_days.map(|days| days.to_string())),
    },
    Column {
        heading: "Active Cases",
        align: Align::End,
        sort: SortColumn::ActiveCases,
        cell: |row| Cell::Text(row.active_cases.to_string()),
    },
    Column {
        heading: "Revoke Pending",
        align: Align::Start,
        sort: SortColumn::RevokePending,
        cell: |row| or_none(row.revoke_pending.clone()),
    },
];

fn or_none(value: Option<String>) -> Cell {
    Cell::Text(value.filter(|value| !value.is_empty()).unwrap_or_else(|| NONE.to_owned()))
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

fn status_class(status: SchoolStatus) -> &'static str {
    match status {
        SchoolStatus::Ok => "badge status-ok",
        SchoolStatus::Warning => "badge status-warning",
        SchoolStatus::Error => "badge status-error",
        SchoolStatus::Unknown => "badge status-unknown",
        SchoolStatus::Inactive => "badge status-inactive",
        SchoolStatus::NotInstalled => "badge status-not-installed",
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
/// a narrow screen. `empty` is what the body shows when there are no rows.
#[component]
pub fn SchoolsTable(
    columns: &'static [Column],
    rows: Vec<SchoolRow>,
    labelled_by: &'static str,
    sorting: Sorting,
    #[prop(into)] empty: ViewFn,
) -> impl IntoView {
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
                let cells = columns
                    .iter()
                    .map(|column| {
                        let class = column.align.class();
                        match (column.cell)(row) {
                            Cell::Text(text) => view! { <td class=class>{text}</td> }.into_any(),
                            Cell::Status(status) => view! {
                                <td class=class>
                                    <span class=status_class(status)>{status.label()}</span>
                                </td>
                            }
                            .into_any(),
                        }
                    })
                    .collect_view();
                view! { <tr>{cells}</tr> }
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
            let (sorted_by, direction) = sorting.by;
            let sorted = sorted_by == column.sort;
            let node_ref = if sorted { sorted_button } else { NodeRef::new() };
            let sort = column.sort;
            view! {
                <th scope="col" class=column.align.class() aria-sort=sorted.then(|| aria_sort(direction))>
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
        SchoolRow {
            school_id: "4012".to_owned(),
            name: "Castle Hill Primary".to_owned(),
            urn: None,
            local_authority: None,
            postcode: None,
            mis: None,
            status: SchoolStatus::NotInstalled,
            authorised_on: None,
            gdpr_mode: None,
            feed_status: None,
            month_stats: 0,
            install_status: InstallStatus::OnboardingQueue,
            cache_age_days: None,
            active_cases: 0,
            revoke_pending: None,
        }
    }

    /// The words each cell shows, badges by their label.
    fn texts(row: &SchoolRow) -> Vec<String> {
        ACTIVE_COLUMNS
            .iter()
            .map(|column| match (column.cell)(row) {
                Cell::Text(text) => text,
                Cell::Status(status) => status.label().to_owned(),
            })
            .collect()
    }

    #[test]
    fn active_columns_match_the_partner_portal() {
        let headings: Vec<_> = ACTIVE_COLUMNS.iter().map(|column| column.heading).collect();
        assert_eq!(
            headings,
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
                "Revoke Pending"
            ]
        );
    }

    #[test]
    fn a_school_without_an_install_shows_not_detected_and_dashes() {
        assert_eq!(
            texts(&row()),
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
            ..row()
        };
        assert_eq!(
            texts(&working)[2..],
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
                "2025-03-01"
            ]
        );
    }

    #[test]
    fn the_status_column_is_a_badge() {
        let status = ACTIVE_COLUMNS.iter().find(|column| column.heading == "Status").expect("a Status column");
        assert_eq!(
            (status.cell)(&SchoolRow { status: SchoolStatus::Warning, ..row() }),
            Cell::Status(SchoolStatus::Warning)
        );
    }

    #[test]
    fn each_heading_sorts_by_its_own_column() {
        let sorts: Vec<_> = ACTIVE_COLUMNS.iter().map(|column| column.sort).collect();
        assert_eq!(
            sorts,
            [
                SortColumn::SchoolId,
                SortColumn::Name,
                SortColumn::Mis,
                SortColumn::Status,
                SortColumn::AuthorisedOn,
                SortColumn::GdprMode,
                SortColumn::FeedStatus,
                SortColumn::MonthStats,
                SortColumn::InstallStatus,
                SortColumn::CacheAge,
                SortColumn::ActiveCases,
                SortColumn::RevokePending
            ]
        );
    }

    #[test]
    fn counts_are_grouped_in_thousands() {
        assert_eq!([grouped(0), grouped(999), grouped(1000), grouped(123_456)], ["0", "999", "1,000", "123,456"]);
    }
}
