//! `/auth#token=…` when the token is refused: the explanation and the way to a new link.

use fantoccini::{Client, Locator};

use super::actions::{has, wait_for};
use super::{ALERT, heading, link};

const TITLE: &str = "This sign-in link can't be used";

page!(LinkUnusablePage);

impl<'a> LinkUnusablePage<'a> {
    pub async fn expect_shown(browser: &'a Client) -> LinkUnusablePage<'a> {
        wait_for(browser, &heading(TITLE), &format!("the heading {TITLE:?}")).await;
        LinkUnusablePage { browser }
    }

    /// The text of the alert that says why.
    pub async fn alert(&self) -> String {
        let alert = self.browser.find(Locator::XPath(ALERT)).await.expect("an element with role alert");
        alert.text().await.expect("the alert's text")
    }

    pub async fn has_link_to_request_a_new_one(&self) -> bool {
        has(self.browser, &link("Request a new link")).await
    }
}
