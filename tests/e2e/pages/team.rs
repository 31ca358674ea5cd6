//! `/team`: the colleagues table, the add form and the confirmation before removing someone.

use fantoccini::{Client, Locator};

use super::{button, field, heading, literal};
use crate::harness::{PATIENCE, eventually};

const TITLE: &str = "Team";
const ROWS: &str = "//table/tbody/tr";
const CONFIRM: &str = "//*[@role='alertdialog']";
const STATUS: &str = "//main//*[@role='status'][not(@hidden)]";

pub struct TeamPage<'a> {
    browser: &'a Client,
}

impl<'a> TeamPage<'a> {
    /// Waits for the heading and the table of colleagues.
    pub async fn expect_shown(browser: &'a Client) -> TeamPage<'a> {
        let loaded = format!("{}/following::table", heading(TITLE));
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&loaded))
            .await
            .unwrap_or_else(|error| panic!("the team did not load: {error}"));
        TeamPage { browser }
    }

    /// Each colleague's row as its cells' text: name, email, role, added, added by, action.
    pub async fn rows(&self) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for row in self.browser.find_all(Locator::XPath(ROWS)).await.expect("the team's rows") {
            let mut cells = Vec::new();
            for cell in row.find_all(Locator::XPath("./*")).await.expect("a row's cells") {
                cells.push(cell.text().await.expect("a cell's text"));
            }
            rows.push(cells);
        }
        rows
    }

    /// The row whose Email cell reads `email`, once the table shows it.
    pub async fn wait_for_member(&self, email: &str) -> Vec<String> {
        let this = self;
        eventually(&format!("{email} in the team"), || async move {
            Ok(this.rows().await.into_iter().find(|cells| cells.get(1).is_some_and(|cell| cell == email)))
        })
        .await
    }

    pub async fn wait_until_gone(&self, email: &str) {
        let this = self;
        eventually(&format!("{email} to leave the team"), || async move {
            Ok((!this.rows().await.iter().any(|cells| cells.get(1).is_some_and(|cell| cell == email))).then_some(()))
        })
        .await;
    }

    pub async fn fill(&self, label: &str, text: &str) {
        let input = self
            .browser
            .find(Locator::XPath(&field(label)))
            .await
            .unwrap_or_else(|error| panic!("no field labelled {label:?}: {error}"));
        input.send_keys(text).await.unwrap_or_else(|error| panic!("typing into {label:?}: {error}"));
    }

    pub async fn select(&self, label: &str, option: &str) {
        let select = self.browser.find(Locator::XPath(&field(label))).await.expect("the select");
        select.select_by_label(option).await.unwrap_or_else(|error| panic!("choosing {option:?}: {error}"));
    }

    /// Whether there is a button reading `label` on the page.
    pub async fn has_button(&self, label: &str) -> bool {
        !self.browser.find_all(Locator::XPath(&button(label))).await.expect("looking for the button").is_empty()
    }

    pub async fn press(&self, label: &str) {
        let pressed = self
            .browser
            .find(Locator::XPath(&button(label)))
            .await
            .unwrap_or_else(|error| panic!("no button {label:?}: {error}"));
        pressed.click().await.unwrap_or_else(|error| panic!("clicking {label:?}: {error}"));
    }

    /// Clicks Remove in the row of `email`.
    pub async fn remove(&self, email: &str) {
        let remove = format!(
            "{ROWS}[td[normalize-space()={}]]//button[starts-with(normalize-space(), 'Remove')]",
            literal(email)
        );
        let remove = self
            .browser
            .find(Locator::XPath(&remove))
            .await
            .unwrap_or_else(|error| panic!("no Remove button for {email}: {error}"));
        remove.click().await.unwrap_or_else(|error| panic!("clicking Remove for {email}: {error}"));
    }

    /// Waits for the confirmation before removing someone and returns its text.
    pub async fn confirmation(&self) -> String {
        let confirm = self
            .browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(CONFIRM))
            .await
            .unwrap_or_else(|error| panic!("Remove asked for no confirmation: {error}"));
        confirm.text().await.expect("the confirmation's text")
    }

    /// Waits for the sentence saying what the last change did.
    pub async fn wait_for_message(&self, expected: impl Fn(&str) -> bool) -> String {
        let (browser, expected) = (self.browser, &expected);
        eventually("the team page to say what changed", || async move {
            let Some(status) = browser.find_all(Locator::XPath(STATUS)).await?.into_iter().next() else {
                return Ok(None);
            };
            let text = status.text().await?;
            Ok(expected(&text).then_some(text))
        })
        .await
    }
}
