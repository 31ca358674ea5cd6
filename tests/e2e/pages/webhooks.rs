//! A4, `/webhooks`: the endpoint form, the box that shows a new signing secret once, and the
//! deliveries table.

use fantoccini::Locator;

use super::actions::{table_rows, wait_for};
use super::{Screen, field};
use crate::harness::eventually;

const TITLE: &str = "Webhooks";
const ROWS: &str = "//main//table/tbody/tr";
const SECRET_BOX: &str = "//section[h2[normalize-space()='Copy this signing secret now: it will not be shown again']]";

page!(WebhooksPage, shown: TITLE, "section[h2[normalize-space()='Endpoint']]", "the webhook");

impl WebhooksPage<'_> {
    /// Waits for the box with the new signing secret and returns the secret.
    pub async fn wait_for_secret(&self) -> String {
        wait_for(self.browser, SECRET_BOX, "a secret box").await;
        let input = format!("{SECRET_BOX}{}", field("Signing secret"));
        let input = self.browser.find(Locator::XPath(&input)).await.expect("the secret's input");
        input.prop("value").await.expect("its value").expect("a secret")
    }

    /// The text saying where events go.
    pub async fn state(&self) -> String {
        let found = self.browser.find(Locator::Css("p.webhook-state")).await.expect("the state line");
        found.text().await.expect("its text")
    }

    /// Each delivery's row as its cells' text.
    pub async fn rows(&self) -> Vec<Vec<String>> {
        table_rows(self.browser, ROWS).await
    }

    /// Presses Refresh until a delivery of `event_type` shows `status`; returns its row.
    pub async fn wait_for_delivery(&self, event_type: &str, status: &str) -> Vec<String> {
        let this = self;
        eventually(&format!("a {event_type} delivery that is {status}"), || async move {
            this.press("Refresh deliveries").await;
            Ok(this.rows().await.into_iter().find(|cells| cells[0] == event_type && cells[3] == status))
        })
        .await
    }

    /// "Done: hide the secret".
    pub async fn hide_secret(&self) {
        self.press("Done: hide the secret").await;
    }

    /// Brings the deliveries table into view, for a screenshot.
    pub async fn scroll_to_deliveries(&self) {
        let script = "document.getElementById('deliveries-heading').scrollIntoView()";
        self.browser.execute(script, vec![]).await.expect("scrolling to the deliveries");
    }
}
