//! P2, `/schools`: the banner with the partner's name and "Sign out", the Active Schools table,
//! and the "Records x–y of n" line under it.

use fantoccini::{Client, Locator};

use super::{button, heading, literal};
use crate::harness::{PATIENCE, eventually};

const TITLE: &str = "Active Schools";
/// The live region that announces which records are shown, once a page has loaded.
const RECORDS: &str = "//*[@aria-live='polite'][starts-with(normalize-space(), 'Records ')]";
const COLUMN_HEADINGS: &str = "//table/thead//th";
const ROWS: &str = "//table/tbody/tr";

pub struct ActiveSchoolsPage<'a> {
    browser: &'a Client,
}

impl<'a> ActiveSchoolsPage<'a> {
    /// Waits for the heading and for the first page of schools to have loaded.
    pub async fn expect_shown(browser: &'a Client) -> ActiveSchoolsPage<'a> {
        let title = heading(TITLE);
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&title))
            .await
            .unwrap_or_else(|error| panic!("the heading {TITLE:?} did not appear: {error}"));
        // The records line and the rows come from the same response; wait for both to render.
        eventually("the first page of schools", || async move {
            let records = browser.find_all(Locator::XPath(RECORDS)).await?;
            let rows = browser.find_all(Locator::XPath(ROWS)).await?;
            Ok((!records.is_empty() && !rows.is_empty()).then_some(()))
        })
        .await;
        ActiveSchoolsPage { browser }
    }

    /// Waits until the banner names `partner`: it loads separately from the table.
    pub async fn expect_partner_in_banner(&self, partner: &str) {
        let banner = format!("//header[contains(normalize-space(), {})]", literal(partner));
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&banner))
            .await
            .unwrap_or_else(|error| panic!("the banner never named {partner:?}: {error}"));
    }

    /// "Records 1–42 of 42", say.
    pub async fn records_line(&self) -> String {
        let line = self.browser.find(Locator::XPath(RECORDS)).await.expect("the records line");
        line.text().await.expect("the records line's text")
    }

    pub async fn column_headings(&self) -> Vec<String> {
        let mut headings = Vec::new();
        for cell in self.browser.find_all(Locator::XPath(COLUMN_HEADINGS)).await.expect("the column headings") {
            headings.push(cell.text().await.expect("a heading's text"));
        }
        headings
    }

    pub async fn row_count(&self) -> usize {
        self.browser.find_all(Locator::XPath(ROWS)).await.expect("the table's rows").len()
    }

    /// Every value in the column headed `column`, top to bottom.
    pub async fn column(&self, column: &str) -> Vec<String> {
        let headings = self.column_headings().await;
        let position = headings.iter().position(|heading| heading == column).unwrap_or_else(|| {
            panic!("no column headed {column:?} among {headings:?}");
        });
        // XPath counts from 1; row headers (`th`) and data cells (`td`) both count.
        let cells = format!("{ROWS}/*[{}]", position + 1);
        let mut values = Vec::new();
        for cell in self.browser.find_all(Locator::XPath(&cells)).await.expect("the column's cells") {
            values.push(cell.text().await.expect("a cell's text"));
        }
        values
    }

    /// Clicks "Sign out" in the banner; where it leads is the caller's to check.
    pub async fn sign_out(&self) {
        let sign_out = button("Sign out");
        let button = self.browser.find(Locator::XPath(&sign_out)).await.expect("a Sign out button");
        button.click().await.expect("clicking Sign out");
    }
}
