//! O1, `/ops/verifications` (#12): the queue of authorisers whose authority nothing vouched for,
//! one card per person with the evidence, Verify and Reject (with a reason).

use fantoccini::{Client, Locator};

use super::actions::{click, wait_for, wait_for_text};
use super::{button, heading, literal};

pub const TITLE: &str = "Verifications";

page!(VerificationsPage);

impl<'a> VerificationsPage<'a> {
    /// Waits for the page's heading and for the queue to have loaded.
    pub async fn expect_shown(browser: &'a Client) -> VerificationsPage<'a> {
        wait_for(browser, &heading(TITLE), "the Verifications page").await;
        wait_for_text(browser, "the verification queue", |text| !text.contains("Loading the queue")).await;
        VerificationsPage { browser }
    }

    /// The evidence on the card of `authoriser`: each fact's label and value, in order.
    pub async fn evidence(&self, authoriser: &str) -> Vec<(String, String)> {
        let facts = format!("{}//dl/div", card(authoriser));
        let mut found = Vec::new();
        for fact in self.browser.find_all(Locator::XPath(&facts)).await.expect("the card's facts") {
            let label = fact.find(Locator::XPath("./dt")).await.expect("a label").text().await.expect("text");
            let value = fact.find(Locator::XPath("./dd")).await.expect("a value").text().await.expect("text");
            found.push((label, value));
        }
        assert!(!found.is_empty(), "no card for {authoriser:?} in the verification queue");
        found
    }

    /// Presses Verify on the card of `authoriser` and waits for the console to say so.
    pub async fn verify(&self, authoriser: &str) -> String {
        let verify = format!("{}{}", card(authoriser), button(&format!("Verify {authoriser}")));
        click(self.browser, &verify, &format!("Verify button for {authoriser:?}")).await;
        let said = format!("{authoriser} is verified");
        wait_for_text(self.browser, "the verification to be recorded", |text| text.contains(&said)).await
    }
}

/// The card headed with `authoriser`'s name.
fn card(authoriser: &str) -> String {
    format!("//article[h2[starts-with(normalize-space(), {})]]", literal(authoriser))
}
