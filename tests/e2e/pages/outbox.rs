//! `/dev/outbox`: the local server's sent mail, newest first, with each link clickable.

use fantoccini::{Client, Locator};

use super::actions::{texts, wait_for};
use super::{heading, literal};
use crate::harness::eventually;

page!(OutboxPage);

impl<'a> OutboxPage<'a> {
    pub async fn open(browser: &'a Client, url: &str) -> OutboxPage<'a> {
        browser.goto(url).await.expect("opening the outbox");
        wait_for(browser, &heading("Outbox"), "the outbox page").await;
        OutboxPage { browser }
    }

    /// The subjects of the emails to `recipient`, newest first, once there is at least one.
    pub async fn emails_to(&self, recipient: &str) -> Vec<String> {
        // "To <address> · <sent at>": the separator keeps a longer address from matching.
        let to = literal(&format!("To {recipient} ·"));
        let subjects = format!("//article[.//p[starts-with(normalize-space(), {to})]]//h2");
        let (browser, subjects) = (self.browser, &subjects);
        let found = eventually(&format!("an email to {recipient} in the outbox"), || async move {
            let found = browser.find_all(Locator::XPath(subjects)).await?;
            if found.is_empty() {
                browser.refresh().await?;
                return Ok(None);
            }
            Ok(Some(found))
        })
        .await;
        texts(found).await
    }

    /// Clicks the sign-in link in the newest email to `recipient` and returns its address.
    pub async fn follow_newest_sign_in_link(&self, recipient: &str) -> String {
        self.follow_newest_link(recipient, "/auth#token=").await
    }

    /// Clicks the Begin Authorisation link (`…/authorise#token=…`) in the newest email to
    /// `recipient` and returns its address.
    pub async fn follow_newest_authorisation_link(&self, recipient: &str) -> String {
        self.follow_newest_link(recipient, "/authorise#token=").await
    }

    /// Clicks the link whose address contains `marker` in the newest email to `recipient`, once
    /// there is one, and returns its address.
    async fn follow_newest_link(&self, recipient: &str, marker: &str) -> String {
        // The first matching email on the page is the newest; "To <address> ·" keeps a longer
        // address from matching.
        let newest_link = format!(
            "(//article[.//p[starts-with(normalize-space(), {})]])[1]//a[contains(., {})]",
            literal(&format!("To {recipient} ·")),
            literal(marker)
        );
        let (browser, newest_link) = (self.browser, &newest_link);
        let link = eventually(&format!("an email to {recipient} with a {marker} link in the outbox"), || async move {
            match browser.find(Locator::XPath(newest_link)).await {
                Ok(link) => Ok(Some(link)),
                Err(error) if error.is_no_such_element() => {
                    // The page is rendered once on the server: look again at a fresh copy.
                    browser.refresh().await?;
                    Ok(None)
                }
                Err(error) => Err(error),
            }
        })
        .await;
        let address = link.text().await.expect("the link's text");
        link.click().await.expect("following the link");
        address
    }
}
