//! `/dev/outbox`: the local server's sent mail, newest first, with each link clickable.

use fantoccini::{Client, Locator};

use super::{heading, literal};
use crate::harness::{PATIENCE, eventually};

pub struct OutboxPage<'a> {
    browser: &'a Client,
}

impl<'a> OutboxPage<'a> {
    pub async fn open(browser: &'a Client, url: &str) -> OutboxPage<'a> {
        browser.goto(url).await.expect("opening the outbox");
        let title = heading("Outbox");
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&title))
            .await
            .unwrap_or_else(|error| panic!("the outbox page did not load: {error}"));
        OutboxPage { browser }
    }

    /// Clicks the sign-in link in the newest email to `recipient` and returns its address.
    pub async fn follow_newest_sign_in_link(&self, recipient: &str) -> String {
        // The first matching email on the page is the newest; its link is the one whose text
        // is a sign-in address.
        let newest_link = format!(
            "(//article[.//*[contains(normalize-space(), {})]])[1]//a[contains(., '/auth#token=')]",
            literal(&format!("To {recipient}"))
        );
        let (browser, newest_link) = (self.browser, &newest_link);
        let link = eventually(&format!("a sign-in email to {recipient} in the outbox"), || async move {
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
        link.click().await.expect("following the sign-in link");
        address
    }
}
