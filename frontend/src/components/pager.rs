//! "Records x–y of n" and Previous / Next under a school list. The page number lives in the
//! address (`?page=2`), so reload and Back show the same page; the search, filters and sort
//! in the address are kept when paging.

use gatehouse_model::SchoolPage;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

/// What the pager needs from a loaded page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    page: u32,
    page_count: u32,
    range: Option<(u32, u32)>,
    total: u32,
    /// The size of the whole view, while a search or filter narrows it.
    filtered_from: Option<u32>,
}

impl Paging {
    /// `filtered` says whether a search or filter was applied: a filter that happens to keep
    /// every school still says so, or the line would read as if the filter were ignored.
    pub fn of(page: &SchoolPage, filtered: bool) -> Self {
        Paging {
            page: page.page,
            page_count: page.page_count(),
            range: page.record_range(),
            total: page.total,
            filtered_from: filtered.then_some(page.view_total),
        }
    }

    fn records(&self) -> String {
        let records = match self.range {
            Some((first, last)) => format!("Records {first}–{last} of {}", self.total),
            None => "No records".to_owned(),
        };
        match self.filtered_from {
            Some(view_total) => format!("{records} (filtered from {view_total})"),
            None => records,
        }
    }

    fn previous(&self) -> Option<u32> {
        (self.page > 1).then(|| (self.page - 1).min(self.page_count))
    }

    fn next(&self) -> Option<u32> {
        (self.page < self.page_count).then_some(self.page + 1)
    }
}

/// The page number in the address: anything but a positive number means page 1.
pub fn page_from_query(raw: Option<&str>) -> u32 {
    raw.and_then(|page| page.parse().ok()).filter(|&page| page >= 1).unwrap_or(1)
}

/// `paging` is `None` until a page loads (or when it fails): the buttons wait for it, but the
/// live region stays mounted across pages so screen readers announce each new range.
#[component]
pub fn Pager(paging: Signal<Option<Paging>>) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let go_to = move |page: u32| {
        let mut params = query.get_untracked();
        params.replace("page", page.to_string());
        navigate(&format!("{}{}", location.pathname.get_untracked(), params.to_query_string()), Default::default());
    };
    let previous = Signal::derive(move || paging.get().and_then(|paging| paging.previous()));
    let next = Signal::derive(move || paging.get().and_then(|paging| paging.next()));
    view! {
        <div class="pager">
            <p class="records" aria-live="polite">
                {move || paging.get().map(|paging| paging.records())}
            </p>
            <nav aria-label="Pages" hidden=move || paging.get().is_none()>
                <PageButton label="Previous" page=previous go_to=go_to.clone() />
                <span class="page-of">
                    {move || paging.get().map(|paging| format!("Page {} of {}", paging.page, paging.page_count))}
                </span>
                <PageButton label="Next" page=next go_to />
            </nav>
        </div>
    }
}

/// Previous or Next: goes to `page`, and is disabled while there is none.
#[component]
fn PageButton(label: &'static str, page: Signal<Option<u32>>, go_to: impl Fn(u32) + 'static) -> impl IntoView {
    view! {
        <button
            type="button"
            class="secondary"
            disabled=move || page.get().is_none()
            on:click=move |_| page.get().into_iter().for_each(&go_to)
        >
            {label}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school_page(page: u32, rows: usize, total: u32) -> SchoolPage {
        let row = crate::components::schools_table::tests::row();
        SchoolPage { items: vec![row; rows], total, page, page_size: 50, view_total: 120, mis_options: Vec::new() }
    }

    fn paging(page: u32, rows: usize, total: u32) -> Paging {
        Paging::of(&school_page(page, rows, total), false)
    }

    #[test]
    fn records_show_the_range_with_an_en_dash() {
        assert_eq!(paging(1, 50, 120).records(), "Records 1–50 of 120");
        assert_eq!(paging(3, 20, 120).records(), "Records 101–120 of 120");
        assert_eq!(paging(1, 0, 0).records(), "No records");
    }

    #[test]
    fn a_filtered_list_says_what_it_was_filtered_from() {
        assert_eq!(Paging::of(&school_page(1, 7, 7), true).records(), "Records 1–7 of 7 (filtered from 120)");
        assert_eq!(Paging::of(&school_page(1, 0, 0), true).records(), "No records (filtered from 120)");
    }

    #[test]
    fn previous_and_next_stop_at_the_ends() {
        assert_eq!((paging(1, 50, 120).previous(), paging(1, 50, 120).next()), (None, Some(2)));
        assert_eq!((paging(3, 20, 120).previous(), paging(3, 20, 120).next()), (Some(2), None));
        assert_eq!((paging(1, 0, 0).previous(), paging(1, 0, 0).next()), (None, None));
    }

    #[test]
    fn a_page_past_the_end_steps_back_to_the_last_page() {
        assert_eq!(paging(9, 0, 120).previous(), Some(3));
    }

    #[test]
    fn page_from_query_falls_back_to_the_first_page() {
        assert_eq!(page_from_query(Some("2")), 2);
        assert_eq!(page_from_query(Some("0")), 1);
        assert_eq!(page_from_query(Some("two")), 1);
        assert_eq!(page_from_query(None), 1);
    }
}
