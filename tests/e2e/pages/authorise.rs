//! S2, `/authorise#token=…`: where a school's Begin Authorisation link lands: the seven-step
//! wizard, the receipt, the page for a dead link and the one after forwarding.

use std::collections::BTreeMap;

use fantoccini::{Client, Locator};

use super::wizard::Wizard;

/// The heading of a link that expired or was replaced.
pub const EXPIRED: &str = "This invitation link no longer works";
/// The heading after Authorise Sharing.
pub const AUTHORISED: &str = "Sharing authorised";
/// The heading of a link opened again after it was used.
pub const ALREADY_USED: &str = "This invitation was already used";

page!(AuthorisePage);

impl Wizard for AuthorisePage<'_> {}

impl<'a> AuthorisePage<'a> {
    /// The page as it is now, wherever the link led.
    pub fn on(browser: &'a Client) -> AuthorisePage<'a> {
        AuthorisePage { browser }
    }

    /// The receipt's facts ("GDPR mode" → "Exclude All"), and the data areas it lists.
    pub async fn receipt(&self) -> (BTreeMap<String, String>, Vec<String>) {
        let section = "//section[h2[normalize-space()='Receipt']]";
        let mut facts = BTreeMap::new();
        for fact in self.browser.find_all(Locator::XPath(&format!("{section}//dl/div"))).await.expect("the facts") {
            let label = fact.find(Locator::XPath("./dt")).await.expect("a label").text().await.expect("text");
            let value = fact.find(Locator::XPath("./dd")).await.expect("a value").text().await.expect("text");
            facts.insert(label, value);
        }
        let mut scopes = Vec::new();
        let labels = format!("{section}//ul//*[contains(@class, 'scope-label')]");
        for scope in self.browser.find_all(Locator::XPath(&labels)).await.expect("the data areas") {
            scopes.push(scope.text().await.expect("a data area's name"));
        }
        (facts, scopes)
    }

    /// The labels of the data-area checkboxes on step 3, each with whether it is ticked.
    pub async fn scope_boxes(&self) -> Vec<(String, bool)> {
        let boxes = "//div[contains(@class, 'scope-choice')]/input[@type='checkbox']";
        let mut found = Vec::new();
        for input in self.browser.find_all(Locator::XPath(boxes)).await.expect("the checkboxes") {
            let id = input.attr("id").await.expect("the id").expect("a checkbox with an id");
            let label = self
                .browser
                .find(Locator::XPath(&format!("//label[@for='{id}']")))
                .await
                .expect("the checkbox's label");
            let checked = input.prop("checked").await.expect("whether it is ticked").as_deref() == Some("true");
            found.push((label.text().await.expect("the label's text"), checked));
        }
        found
    }

    /// The re-authorisation's table of requested against granted: scope, requested, granted.
    pub async fn comparison(&self) -> Vec<[String; 3]> {
        let rows = "//table[contains(@class, 'compare')]/tbody/tr";
        let mut lines = Vec::new();
        for row in self.browser.find_all(Locator::XPath(rows)).await.expect("the comparison's rows") {
            let scope = row.find(Locator::Css(".scope-label")).await.expect("the scope").text().await.expect("text");
            let cells = row.find_all(Locator::XPath("./td")).await.expect("the row's cells");
            let requested = cells[0].text().await.expect("requested");
            let granted = cells[1].text().await.expect("granted");
            lines.push([scope, requested, granted]);
        }
        lines
    }
}
