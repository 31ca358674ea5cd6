//! S3 and S4, the school portal: its sign-in (`/school/signin`), the Data Sharing Dashboard
//! (`/school`), one app's page (`/school/apps/:app_id`), Colleagues and Install.

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

use super::actions::{has, scroll_into_view, texts, wait_for_text_of};
use super::literal;
use super::school_list::{Download, fetch_in_page};
use crate::harness::eventually;

pub const SIGN_IN: &str = "Sign in to the school portal";
pub const DASHBOARD: &str = "Data Sharing Dashboard";
pub const COLLEAGUES: &str = "Colleagues";
pub const INSTALL: &str = "Install the MIS agent";

/// The message the app page shows after a change.
const MESSAGE: &str = "//main//p[contains(@class, 'action-message')][not(@hidden)]";
const LOG_ROWS: &str = "//main//table[caption[@id='log-caption']]/tbody/tr";
const RECEIPT_LINKS: &str = "//main//ul[contains(@class, 'receipts')]//a";

page!(SchoolPortal);

impl<'a> SchoolPortal<'a> {
    pub fn on(browser: &'a Client) -> SchoolPortal<'a> {
        SchoolPortal { browser }
    }

    /// The dashboard's row for the app named `app_name`, cell by cell (the app cell holds the
    /// partner's name under the app's), once it has loaded.
    pub async fn dashboard_row(&self, app_name: &str) -> Vec<String> {
        let row =
            format!("//table[caption[@id='apps-caption']]/tbody/tr[th//a[normalize-space()={}]]", literal(app_name));
        let (browser, row) = (self.browser, &row);
        let found = eventually(&format!("{app_name:?} on the dashboard"), || async move {
            Ok(browser.find_all(Locator::XPath(row)).await?.into_iter().next())
        })
        .await;
        trimmed(found.find_all(Locator::XPath("./*")).await.expect("the row's cells")).await
    }

    /// The radio button labelled `label` (its label is the choice explained in words, so a
    /// prefix such as "Exclude All:" is enough).
    async fn radio(&self, label: &str) -> Element {
        let radio =
            format!("//input[@type='radio'][@id=//label[starts-with(normalize-space(), {})]/@for]", literal(label));
        self.browser
            .find(Locator::XPath(&radio))
            .await
            .unwrap_or_else(|error| panic!("no radio button labelled {label:?}…: {error}"))
    }

    pub async fn is_chosen(&self, label: &str) -> bool {
        self.radio(label).await.prop("checked").await.expect("the radio's state").as_deref() == Some("true")
    }

    /// Moves the keyboard focus to the radio button labelled `label`, as Tab would.
    pub async fn focus_radio(&self, label: &str) {
        let radio = self.radio(label).await;
        let argument = serde_json::to_value(&radio).expect("the radio as a script argument");
        self.browser.execute("arguments[0].focus();", vec![argument]).await.expect("focusing the radio");
    }

    /// The accessible text of the focused element: its label's for a form control.
    pub async fn focused_label(&self) -> String {
        let script = r#"
            const focused = document.activeElement;
            const label = focused.id && document.querySelector(`label[for="${focused.id}"]`);
            return (label || focused).textContent.trim();
        "#;
        let answer = self.browser.execute(script, Vec::new()).await.expect("the focused element's label");
        answer.as_str().unwrap_or_default().to_owned()
    }

    /// Waits for the message after a change, and returns it.
    pub async fn wait_for_message(&self, check: impl Fn(&str) -> bool) -> String {
        wait_for_text_of(self.browser, MESSAGE, "the app page's message", check).await
    }

    /// Scrolls the app page's message into view, for a screenshot of it beside the settings.
    pub async fn scroll_to_message(&self) {
        let message = self.browser.find(Locator::XPath(MESSAGE)).await.expect("the message");
        scroll_into_view(self.browser, &message).await;
    }

    /// The app page's Authorisation Log, newest first: when, what, who, details.
    pub async fn log(&self) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for row in self.browser.find_all(Locator::XPath(LOG_ROWS)).await.expect("the log's rows") {
            rows.push(trimmed(row.find_all(Locator::XPath("./td")).await.expect("a log row's cells")).await);
        }
        rows
    }

    /// The app page's receipts, newest first: the line's text and the link's address.
    pub async fn receipts(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for link in self.browser.find_all(Locator::XPath(RECEIPT_LINKS)).await.expect("the receipt links") {
            let download = link.attr("download").await.expect("the link's download attribute");
            assert!(download.is_some(), "a receipt link should carry `download`");
            let href = link.attr("href").await.expect("the link's href").expect("a receipt link has an href");
            let line = link.find(Locator::XPath("./..")).await.expect("the receipt's line");
            found.push((line.text().await.expect("the line's text"), href));
        }
        found
    }

    /// Whether the app page has a section headed `title`.
    pub async fn has_section(&self, title: &str) -> bool {
        let section = format!("//main//h2[normalize-space()={}]", literal(title));
        has(self.browser, &section).await
    }

    /// Fetches `href` from inside the page, with the school's session cookie, as following the
    /// download link would.
    pub async fn fetch(&self, href: &str) -> Download {
        fetch_in_page(self.browser, href).await
    }
}

/// The text of each of `elements`, without the space around it.
async fn trimmed(elements: Vec<Element>) -> Vec<String> {
    texts(elements).await.into_iter().map(|text| text.trim().to_owned()).collect()
}
