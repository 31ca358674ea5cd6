//! P7, `/schools/invite`: the Invite School wizard. Find the school in the directory, name its
//! contact, review and send; the answer links to the school's tile.

use fantoccini::{Client, Locator};

use super::actions::{click, wait_for};
use super::wizard::Wizard;
use super::{Screen, heading, literal};
use crate::harness::eventually;

const TITLE: &str = "Invite a school";
pub const SEARCH: &str = "School name, URN, local authority or postcode";
const STATUS: &str = "//p[contains(@class, 'search-status')]";
const RESULTS: &str = "//fieldset[legend[normalize-space()='Matching schools']]//label";

/// One school the directory search listed: what its label says, and whether it can be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub label: String,
    pub choosable: bool,
}

page!(InviteSchoolPage);

impl Wizard for InviteSchoolPage<'_> {}

impl<'a> InviteSchoolPage<'a> {
    /// Clicks "+ Invite School" at the top of a school list and waits for the wizard's first step.
    pub async fn open_from_list(browser: &'a Client) -> InviteSchoolPage<'a> {
        // The "+" is decoration, hidden from screen readers: the link reads "Invite School".
        let invite = "//a[substring-after(normalize-space(), '+') = 'Invite School']";
        click(browser, invite, "\"+ Invite School\" link on the list").await;
        InviteSchoolPage::expect_shown(browser).await
    }

    pub async fn expect_shown(browser: &'a Client) -> InviteSchoolPage<'a> {
        wait_for(browser, &heading(TITLE), &format!("the heading {TITLE:?}")).await;
        InviteSchoolPage { browser }
    }

    /// Types `text` into the search box and waits until the line under it says what was found
    /// for exactly that text (the search waits for typing to pause); returns that line.
    pub async fn search(&self, text: &str) -> String {
        self.fill(SEARCH, text).await;
        let browser = self.browser;
        eventually(&format!("the search for {text:?} to answer"), || async move {
            let line = browser.find(Locator::XPath(STATUS)).await?.text().await?;
            Ok((line.contains("found") || line.starts_with("No school matches")).then_some(line))
        })
        .await
    }

    /// The schools listed, top to bottom.
    pub async fn results(&self) -> Vec<Found> {
        let mut found = Vec::new();
        for label in self.browser.find_all(Locator::XPath(RESULTS)).await.expect("the results") {
            let text = label.text().await.expect("a result's text");
            let id = label.attr("for").await.expect("the label's for").expect("a label for an input");
            let input = self.browser.find(Locator::Id(&id)).await.expect("the result's radio button");
            found.push(Found { label: text, choosable: input.is_enabled().await.expect("whether it is enabled") });
        }
        found
    }

    /// Chooses the school listed with `URN <urn>` in its label.
    pub async fn choose_school(&self, urn: &str) {
        let label = format!("{RESULTS}[contains(normalize-space(), {})]", literal(&format!("URN {urn}")));
        click(self.browser, &label, &format!("school with URN {urn} among the results")).await;
    }

    /// The sentence saying what sending did, once the invitation is sent.
    pub async fn wait_for_sent(&self) -> String {
        let sent = "//section[contains(@class, 'wizard-done')]//p[contains(@class, 'action-message')]";
        let sent = wait_for(self.browser, sent, "the wizard saying the invitation was sent").await;
        sent.text().await.expect("the message's text")
    }
}
