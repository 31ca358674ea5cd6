//! `/auth#token=…` when the token is refused: the explanation and the way to a new link.

use fantoccini::{Client, Locator};

use super::{ALERT, heading, link};
use crate::harness::PATIENCE;

const TITLE: &str = "This sign-in link can't be used";

pub struct LinkUnusablePage<'a> {
    browser: &'a Client,
}

impl<'a> LinkUnusablePage<'a> {
    pub async fn expect_shown(browser: &'a Client) -> LinkUnusablePage<'a> {
        let title = heading(TITLE);
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&title))
            .await
            .unwrap_or_else(|error| panic!("the heading {TITLE:?} did not appear: {error}"));
        LinkUnusablePage { browser }
    }

    /// The text of the alert that says why.
    pub async fn alert(&self) -> String {
        let alert = self.browser.find(Locator::XPath(ALERT)).await.expect("an element with role alert");
        alert.text().await.expect("the alert's text")
    }

    pub async fn has_link_to_request_a_new_one(&self) -> bool {
        let request = link("Request a new link");
        !self.browser.find_all(Locator::XPath(&request)).await.expect("looking for the link").is_empty()
    }
}
