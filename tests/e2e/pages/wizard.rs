//! What the full-page wizards (P7 Invite School, S2 authorisation) have in common: a heading per
//! step ("Step 2 of 7 …") that takes the focus, the list of steps with the current one marked,
//! labelled inputs whose problems are tied to them by `aria-describedby`, and buttons.

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::actions::{scroll_into_view, wait_for};
use super::{Screen, field, literal};
use crate::harness::eventually;

/// The current step's heading.
pub const STEP_HEADING: &str = "//h2[contains(concat(' ', @class, ' '), ' step-heading ')]";
const STEP_LIST: &str = "//ol[@aria-label='Steps']/li";

/// The field labelled `label`.
async fn labelled(browser: &Client, label: &str) -> Element {
    browser
        .find(Locator::XPath(&field(label)))
        .await
        .unwrap_or_else(|error| panic!("no field labelled {label:?}: {error}"))
}

/// The steps of a full-page wizard, on top of what every screen offers.
pub trait Wizard: Screen {
    /// Waits for the step whose heading starts with `step` ("Step 2 of 7"), and returns the
    /// heading's text.
    async fn wait_for_step(&self, step: &str) -> String {
        let heading = format!("{STEP_HEADING}[starts-with(normalize-space(), {})]", literal(step));
        let heading = wait_for(self.browser(), &heading, &format!("the wizard's {step:?}")).await;
        heading.text().await.expect("the step heading's text")
    }

    /// Waits for `step` and checks that its heading took the keyboard focus, as it must when a
    /// step appears; returns the heading's text.
    async fn expect_step_with_focus(&self, step: &str) -> String {
        let text = self.wait_for_step(step).await;
        let browser = self.browser();
        eventually(&format!("the focus on the heading of {step:?}"), || async move {
            let focused = browser.active_element().await?;
            let class = focused.attr("class").await?.unwrap_or_default();
            Ok(class.split_whitespace().any(|name| name == "step-heading").then_some(()))
        })
        .await;
        text
    }

    /// The names in the list of steps, and the one marked `aria-current="step"`.
    async fn step_list(&self) -> (Vec<String>, String) {
        let mut names = Vec::new();
        for item in self.browser().find_all(Locator::XPath(STEP_LIST)).await.expect("the list of steps") {
            // The number is in its own element; the name follows it.
            let parts = item.find_all(Locator::XPath("./span")).await.expect("the step's parts");
            names.push(parts[1].text().await.expect("the step's name"));
        }
        let current = format!("{STEP_LIST}[@aria-current='step']/span[2]");
        let current = self.browser().find(Locator::XPath(&current)).await.expect("a step marked as the current one");
        (names, current.text().await.expect("the current step's name"))
    }

    /// The current text of the field labelled `label`.
    async fn value(&self, label: &str) -> String {
        labelled(self.browser(), label).await.prop("value").await.expect("the field's value").unwrap_or_default()
    }

    /// Clicks the radio button or checkbox labelled `label`.
    async fn click_choice(&self, label: &str) {
        labelled(self.browser(), label)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("clicking {label:?}: {error}"));
    }

    async fn is_checked(&self, label: &str) -> bool {
        let checked = labelled(self.browser(), label).await.prop("checked").await.expect("whether it is checked");
        checked.as_deref() == Some("true")
    }

    /// Sends `keys` to whatever has the keyboard focus.
    async fn keys(&self, keys: &[Key]) {
        for key in keys {
            let focused = self.browser().active_element().await.expect("the focused element");
            focused.send_keys(&key.to_string()).await.expect("pressing a key");
        }
    }

    /// The problem shown for the input labelled `label`, found the way a screen reader finds
    /// it: through the input's `aria-describedby`. Waits for it; panics if it never comes.
    async fn field_problem(&self, label: &str) -> String {
        let (browser, locator) = (self.browser(), field(label));
        let script = "const input = arguments[0]; \
            const ids = (input.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean); \
            const problems = ids.map(id => document.getElementById(id)) \
                .filter(el => el && el.querySelector('[role=alert]')); \
            return problems.length && input.getAttribute('aria-invalid') === 'true' \
                ? problems.map(el => el.innerText.trim()).join(' ') : null;";
        eventually(&format!("a problem tied to {label:?}"), || {
            let locator = locator.clone();
            async move {
                let input = browser.find(Locator::XPath(&locator)).await?;
                let argument = serde_json::to_value(&input).expect("the input as a script argument");
                let answer = browser.execute(script, vec![argument]).await?;
                Ok(answer.as_str().map(str::to_owned))
            }
        })
        .await
    }

    /// The problem tied to the radio group (`fieldset`) whose legend starts with `legend`.
    async fn group_problem(&self, legend: &str) -> String {
        let locator = format!("//fieldset[legend[starts-with(normalize-space(), {})]]", literal(legend));
        let browser = self.browser();
        let script = "const group = arguments[0]; \
            const ids = (group.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean); \
            const problems = ids.map(id => document.getElementById(id)) \
                .filter(el => el && el.querySelector('[role=alert]')); \
            return problems.length ? problems.map(el => el.innerText.trim()).join(' ') : null;";
        eventually(&format!("a problem tied to the group {legend:?}"), || {
            let locator = locator.clone();
            async move {
                let group = browser.find(Locator::XPath(&locator)).await?;
                let argument = serde_json::to_value(&group).expect("the group as a script argument");
                Ok(browser.execute(script, vec![argument]).await?.as_str().map(str::to_owned))
            }
        })
        .await
    }

    /// Each row of a review list (`dl.review`): the label and the value, "Change" left out.
    async fn review(&self) -> Vec<(String, String)> {
        let rows = "//dl[contains(@class, 'review')]/div";
        let mut lines = Vec::new();
        for row in self.browser().find_all(Locator::XPath(rows)).await.expect("the review rows") {
            let label = row.find(Locator::XPath("./dt")).await.expect("a label").text().await.expect("its text");
            let value = row.find(Locator::XPath("./dd[1]")).await.expect("a value").text().await.expect("its text");
            lines.push((label, value));
        }
        lines
    }

    /// The value beside `label` in the review list.
    async fn review_value(&self, label: &str) -> String {
        let rows = self.review().await;
        let found = rows.iter().find(|(shown, _)| shown == label).map(|(_, value)| value.clone());
        found.unwrap_or_else(|| panic!("no {label:?} among the answers {rows:?}"))
    }

    /// Scrolls the element with the text `text` (a legend, a label) into view, for a screenshot.
    async fn scroll_to(&self, text: &str) {
        let locator = format!("//*[normalize-space()={}]", literal(text));
        let found = self
            .browser()
            .find(Locator::XPath(&locator))
            .await
            .unwrap_or_else(|error| panic!("nothing reads {text:?}: {error}"));
        scroll_into_view(self.browser(), &found).await;
    }
}
