//! P10, `/permissions`: a checkbox per scope (data areas and contextual flags apart), Save, and
//! the confirmation Save asks for before adding scopes.

use fantoccini::Locator;

use super::actions::{is_said, wait_for_text_of};
use super::{field, literal};

const TITLE: &str = "Permission set";
const FLAGS: &str = "//fieldset[legend[normalize-space()='Contextual flags']]";
/// What saving did, once the save's job (#15) has ended: not the job's progress line before it.
const STATUS: &str = "//main//*[@role='status'][not(@hidden)][contains(@class, 'action-message')]";

page!(PermissionSetPage, shown: TITLE, "fieldset[legend[normalize-space()='Data areas']]", "the permission set");

impl PermissionSetPage<'_> {
    /// The labels of the contextual flags, each with whether it is ticked.
    pub async fn flags(&self) -> Vec<(String, bool)> {
        let mut flags = Vec::new();
        let labels = format!("{FLAGS}//label");
        for label in self.browser.find_all(Locator::XPath(&labels)).await.expect("the flags' labels") {
            let text = label.text().await.expect("a label's text");
            flags.push((text.clone(), self.is_ticked(&text).await));
        }
        flags
    }

    pub async fn is_ticked(&self, label: &str) -> bool {
        let checkbox = self.browser.find(Locator::XPath(&field(label))).await.expect("the checkbox");
        checkbox.prop("checked").await.expect("the checkbox's state").as_deref() == Some("true")
    }

    /// Whether the checkbox labelled `label` can be changed.
    pub async fn is_editable(&self, label: &str) -> bool {
        let checkbox = self.browser.find(Locator::XPath(&field(label))).await.expect("the checkbox");
        checkbox.is_enabled().await.expect("the checkbox's state")
    }

    /// The sentence under the checkbox labelled `label`, which says what sharing it means.
    pub async fn description(&self, label: &str) -> String {
        let checkbox = self.browser.find(Locator::XPath(&field(label))).await.expect("the checkbox");
        let described_by = checkbox.attr("aria-describedby").await.expect("aria-describedby");
        let id = described_by.unwrap_or_else(|| panic!("the checkbox {label:?} has no description"));
        let description = format!("//*[@id={}]", literal(&id));
        let description = self.browser.find(Locator::XPath(&description)).await.expect("the description");
        description.text().await.expect("the description's text")
    }

    pub async fn toggle(&self, label: &str) {
        let checkbox = self.browser.find(Locator::XPath(&field(label))).await.expect("the checkbox");
        checkbox.click().await.unwrap_or_else(|error| panic!("clicking {label:?}: {error}"));
    }

    /// Waits for the sentence saying what saving did (after the save's job asked the schools).
    pub async fn wait_for_message(&self) -> String {
        wait_for_text_of(self.browser, STATUS, "the permission set to say what saving did", is_said).await
    }
}
