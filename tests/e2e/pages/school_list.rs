//! P2–P5, `/schools`, `/schools/pending` and `/schools/revoked`: the banner with the partner's
//! name and "Sign out", the tabs between the three lists, the search and filters, "Export CSV",
//! the table with its sortable headings, and the "Records x–y of n" line.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde::Deserialize;

use super::actions::{click, has, select, texts_of, wait_for};
use super::{button, field, heading, link, literal};
use crate::harness::eventually;

/// The lists' headings, which their tabs repeat.
pub const ACTIVE_SCHOOLS: &str = "Active Schools";
pub const PENDING_AUTHORISATIONS: &str = "Pending Authorisations";
pub const REVOKED_SCHOOLS: &str = "Revoked Schools";

const TABS: &str = "//nav[@aria-label='School lists']";
/// The live region that announces which records are shown, once a page has loaded (the rows
/// render with it, so the page is usable once it shows).
pub const RECORDS: &str = "//*[@aria-live='polite']\
    [starts-with(normalize-space(), 'Records ') or starts-with(normalize-space(), 'No records')]";
const COLUMN_HEADINGS: &str = "//table/thead//th";
const ROWS: &str = "//table/tbody/tr";
/// Rows whose school is marked as a priority: the star's cell says "Priority" to a screen reader.
const PRIORITY_ROWS: &str = "//table/tbody/tr[td/*[normalize-space()='Priority']]";
const STATUS_KEY: &str = "//section[h2[normalize-space()='Status key']]//dl/div";
const EMPTY_MESSAGE: &str = "//table/tbody/tr/td[contains(@class, 'empty')]//p";
/// The list's container says `aria-busy="true"` while a new page of schools loads.
const LIST_IDLE: &str = "//*[@class='list'][@aria-busy='false']";

/// The column heading's `<th>` reading exactly `text`; its button sorts by it.
fn column_heading(text: &str) -> String {
    format!("//table/thead//th[normalize-space()={}]", literal(text))
}

/// What the export link's address answered, as read in the page (see [`SchoolListPage::fetch`]).
#[derive(Debug, Deserialize)]
pub struct Download {
    pub status: u16,
    pub content_type: Option<String>,
    pub disposition: Option<String>,
    /// The body decoded as UTF-8 with any byte order mark kept.
    pub text: String,
}

page!(SchoolListPage);

impl<'a> SchoolListPage<'a> {
    /// Waits for the list headed `title` and for its first page of schools to have loaded.
    pub async fn expect_shown(browser: &'a Client, title: &str) -> SchoolListPage<'a> {
        wait_for(browser, &heading(title), &format!("the heading {title:?}")).await;
        // The records line and the rows come from the same response; wait for both to render.
        eventually("the first page of schools", || async move {
            let records = browser.find_all(Locator::XPath(RECORDS)).await?;
            let rows = browser.find_all(Locator::XPath(ROWS)).await?;
            Ok((!records.is_empty() && !rows.is_empty()).then_some(()))
        })
        .await;
        SchoolListPage { browser }
    }

    /// Clicks the tab of the list headed `title` and waits for that list.
    pub async fn open_list(&self, title: &str) -> SchoolListPage<'a> {
        let tab = format!("{TABS}{}", link(title));
        click(self.browser, &tab, &format!("tab {title:?} in the School lists navigation")).await;
        SchoolListPage::expect_shown(self.browser, title).await
    }

    /// The tabs' names, and the one marked as the current page.
    pub async fn tabs(&self) -> (Vec<String>, String) {
        let names = texts_of(self.browser, &format!("{TABS}//a")).await;
        let current = format!("{TABS}//a[@aria-current='page']");
        let current = self.browser.find(Locator::XPath(&current)).await.expect("a tab marked as the current page");
        (names, current.text().await.expect("the current tab's text"))
    }
    /// Waits until the banner names `partner`: it loads separately from the table.
    pub async fn expect_partner_in_banner(&self, partner: &str) {
        let banner = format!("//header[contains(normalize-space(), {})]", literal(partner));
        wait_for(self.browser, &banner, &format!("a banner naming {partner:?}")).await;
    }

    /// "Records 1–42 of 42", say.
    pub async fn records_line(&self) -> String {
        let line = self.browser.find(Locator::XPath(RECORDS)).await.expect("the records line");
        line.text().await.expect("the records line's text")
    }

    pub async fn column_headings(&self) -> Vec<String> {
        texts_of(self.browser, COLUMN_HEADINGS).await
    }

    pub async fn row_count(&self) -> usize {
        self.browser.find_all(Locator::XPath(ROWS)).await.expect("the table's rows").len()
    }

    /// How many rows carry the priority marker.
    pub async fn priority_row_count(&self) -> usize {
        self.browser.find_all(Locator::XPath(PRIORITY_ROWS)).await.expect("the priority rows").len()
    }

    /// Whether the row of `school_id` carries the priority marker.
    pub async fn is_priority(&self, school_id: &str) -> bool {
        let marked = format!("{PRIORITY_ROWS}[*[1][normalize-space()={}]]", literal(school_id));
        has(self.browser, &marked).await
    }

    /// Waits until `count` rows carry the priority marker, as they do once the list is fetched again.
    pub async fn wait_for_priority_rows(&self, count: usize) {
        let this = self;
        eventually(&format!("{count} priority rows"), || async move {
            Ok((this.priority_row_count().await == count).then_some(()))
        })
        .await;
    }

    /// Each entry of the status key under the table: the badge, then its sentence.
    pub async fn status_key(&self) -> Vec<String> {
        texts_of(self.browser, STATUS_KEY).await
    }

    /// Ticks or unticks the checkbox labelled `label`, e.g. "Priority only". The list reloads.
    pub async fn toggle_checkbox(&self, label: &str) {
        click(self.browser, &field(label), &format!("checkbox labelled {label:?}")).await;
    }

    /// The address of the "Export CSV" link, as written in the page, once the link is marked as
    /// a download (so a click saves the file instead of opening it).
    pub async fn export_href(&self) -> String {
        let export = link("Export CSV");
        let export = self.browser.find(Locator::XPath(&export)).await.expect("an Export CSV link");
        let download = export.attr("download").await.expect("the link's download attribute");
        assert!(download.is_some(), "the Export CSV link should carry `download`");
        export.attr("href").await.expect("the link's href").expect("the Export CSV link has an href")
    }

    /// Fetches `href` from inside the page, with its session cookie, as the download would.
    pub async fn fetch(&self, href: &str) -> Download {
        fetch_in_page(self.browser, href).await
    }

    /// Every value in the column headed `column`, top to bottom.
    pub async fn column(&self, column: &str) -> Vec<String> {
        let headings = self.column_headings().await;
        let position = headings.iter().position(|heading| heading == column).unwrap_or_else(|| {
            panic!("no column headed {column:?} among {headings:?}");
        });
        // XPath counts from 1; row headers (`th`) and data cells (`td`) both count.
        texts_of(self.browser, &format!("{ROWS}/*[{}]", position + 1)).await
    }

    /// The cell of `column` in the row of `school_id` (School ID is every list's first column),
    /// or `None` while the list does not show that school.
    pub async fn cell(&self, school_id: &str, column: &str) -> Option<String> {
        let headings = self.column_headings().await;
        let position = headings.iter().position(|heading| heading == column).unwrap_or_else(|| {
            panic!("no column headed {column:?} among {headings:?}");
        });
        let cell = format!("{ROWS}[*[1][normalize-space()={}]]/*[{}]", literal(school_id), position + 1);
        let cell = self.browser.find_all(Locator::XPath(&cell)).await.expect("the cell").into_iter().next()?;
        Some(cell.text().await.expect("the cell's text"))
    }

    /// Waits until the row of `school_id` shows `expected` in `column`, as it does once the
    /// list behind a tile has been fetched again.
    pub async fn wait_for_cell(&self, school_id: &str, column: &str, expected: &str) {
        let this = self;
        eventually(&format!("{column} = {expected:?} in the row of {school_id}"), || async move {
            Ok((this.cell(school_id, column).await.as_deref() == Some(expected)).then_some(()))
        })
        .await;
    }

    /// Waits until the list no longer shows `school_id`, as when an action moved it elsewhere.
    pub async fn wait_until_gone(&self, school_id: &str) {
        let this = self;
        eventually(&format!("school {school_id} to leave the list"), || async move {
            Ok(this.cell(school_id, "School ID").await.is_none().then_some(()))
        })
        .await;
    }

    /// Picks `option` in the filter select labelled `label` ("Status", "MIS", …). The list
    /// reloads; wait for it with [`Self::wait_for_records`].
    pub async fn select_filter(&self, label: &str, option: &str) {
        select(self.browser, label, option).await;
    }

    /// Types `text` into the Search box and presses Enter, which applies it.
    pub async fn search(&self, text: &str) {
        let search = field("Search");
        let input = self.browser.find(Locator::XPath(&search)).await.expect("a field labelled Search");
        input.clear().await.expect("clearing the Search box");
        input.send_keys(&format!("{text}{}", Key::Enter)).await.expect("typing into the Search box");
    }

    /// Clicks "Clear Filters" in the filter bar.
    pub async fn clear_filters(&self) {
        click(self.browser, &button("Clear Filters"), "Clear Filters button").await;
    }

    /// What the table says in place of rows, when it has none.
    pub async fn empty_message(&self) -> String {
        let message = self.browser.find(Locator::XPath(EMPTY_MESSAGE)).await.expect("the empty table's message");
        message.text().await.expect("the message's text")
    }

    /// Clicks "Clear Filters" where the table says nothing matched.
    pub async fn clear_filters_from_the_empty_table(&self) {
        click(self.browser, &format!("//table{}", button("Clear Filters")), "Clear Filters button in the table").await;
    }

    /// The visible text of whatever has the keyboard focus.
    pub async fn focused_text(&self) -> String {
        let focused = self.browser.active_element().await.expect("the focused element");
        focused.text().await.expect("the focused element's text")
    }

    /// Clicks the heading of `column`, which sorts by it (again: the other way round).
    pub async fn click_column_heading(&self, column: &str) {
        let sort = format!("{}/button", column_heading(column));
        click(self.browser, &sort, &format!("sort button in the {column:?} heading")).await;
    }

    /// Waits until the list has finished loading and its records line satisfies `expected`
    /// (named by `what` in the failure), and returns the line.
    pub async fn wait_for_records(&self, what: &str, expected: impl Fn(&str) -> bool) -> String {
        let (browser, expected) = (self.browser, &expected);
        eventually(&format!("a records line {what}"), || async move {
            if browser.find_all(Locator::XPath(LIST_IDLE)).await?.is_empty() {
                return Ok(None);
            }
            let Some(line) = browser.find_all(Locator::XPath(RECORDS)).await?.into_iter().next() else {
                return Ok(None);
            };
            let text = line.text().await?;
            Ok(expected(&text).then_some(text))
        })
        .await
    }

    /// Waits until the list has loaded sorted by `column` in `direction` ("ascending" or
    /// "descending"), as its heading's `aria-sort` says.
    pub async fn wait_for_sort(&self, column: &str, direction: &str) {
        let sorted = format!("{}[@aria-sort={}]", column_heading(column), literal(direction));
        let (browser, sorted) = (self.browser, &sorted);
        eventually(&format!("the list sorted by {column} ({direction})"), || async move {
            let idle = !browser.find_all(Locator::XPath(LIST_IDLE)).await?.is_empty();
            let sorted = !browser.find_all(Locator::XPath(sorted)).await?.is_empty();
            Ok((idle && sorted).then_some(()))
        })
        .await;
    }

    /// Clicks "Sign out" in the banner; where it leads is the caller's to check.
    pub async fn sign_out(&self) {
        click(self.browser, &button("Sign out"), "Sign out button").await;
    }
}

/// Fetches `href` from inside the page, with its session cookie, as following a download link
/// would. The body is decoded keeping a byte order mark, which `Response.text()` would drop.
pub async fn fetch_in_page(browser: &Client, href: &str) -> Download {
    let script = r#"
        const [href, done] = arguments;
        fetch(href)
            .then(async (response) => done({
                status: response.status,
                content_type: response.headers.get("Content-Type"),
                disposition: response.headers.get("Content-Disposition"),
                text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer()),
            }))
            .catch((error) => done({ status: 0, content_type: null, disposition: null, text: String(error) }));
    "#;
    let answer = browser.execute_async(script, vec![href.into()]).await.expect("fetching in the page");
    serde_json::from_value(answer).expect("the fetch's answer")
}
