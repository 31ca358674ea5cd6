//! S3 and S4, the school portal: its sign-in (`/school/signin`), the Data Sharing Dashboard
//! (`/school`), one app's page (`/school/apps/:app_id`), Colleagues and Install.

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::school_list::Download;
use super::{button, field, heading, link, literal};
use crate::harness::{PATIENCE, eventually};

pub const SIGN_IN: &str = "Sign in to the school portal";
pub const DASHBOARD: &str = "Data Sharing Dashboard";
pub const COLLEAGUES: &str = "Colleagues";
pub const INSTALL: &str = "Install the MIS agent";

/// The message the app page shows after a change.
const MESSAGE: &str = "//main//p[contains(@class, 'action-message')][not(@hidden)]";
const LOG_ROWS: &str = "//main//table[caption[@id='log-caption']]/tbody/tr";
const RECEIPT_LINKS: &str = "//main//ul[contains(@class, 'receipts')]//a";

pub struct SchoolPortal<'a> {
    browser: &'a Client,
}

impl<'a> SchoolPortal<'a> {
    pub fn on(browser: &'a Client) -> SchoolPortal<'a> {
        SchoolPortal { browser }
    }

    /// Waits for the top-level heading `title`.
    pub async fn expect_heading(&self, title: &str) {
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&heading(title)))
            .await
            .unwrap_or_else(|error| panic!("the heading {title:?} did not appear: {error}"));
    }

    pub async fn fill(&self, label: &str, text: &str) {
        let input = self
            .browser
            .find(Locator::XPath(&field(label)))
            .await
            .unwrap_or_else(|error| panic!("no field labelled {label:?}: {error}"));
        input.send_keys(text).await.unwrap_or_else(|error| panic!("typing into {label:?}: {error}"));
    }

    pub async fn press(&self, label: &str) {
        let pressed = self
            .browser
            .find(Locator::XPath(&button(label)))
            .await
            .unwrap_or_else(|error| panic!("no button {label:?}: {error}"));
        pressed.click().await.unwrap_or_else(|error| panic!("pressing {label:?}: {error}"));
    }

    pub async fn follow(&self, label: &str) {
        let followed = self
            .browser
            .find(Locator::XPath(&link(label)))
            .await
            .unwrap_or_else(|error| panic!("no link {label:?}: {error}"));
        followed.click().await.unwrap_or_else(|error| panic!("following {label:?}: {error}"));
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
        texts(found.find_all(Locator::XPath("./*")).await.expect("the row's cells")).await
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

    /// Presses `key` on whatever has the focus.
    pub async fn press_key(&self, key: Key) {
        let focused = self.browser.active_element().await.expect("the focused element");
        focused.send_keys(&key.to_string()).await.expect("pressing a key");
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
        let (browser, check) = (self.browser, &check);
        eventually("the app page's message", || async move {
            let Some(message) = browser.find_all(Locator::XPath(MESSAGE)).await?.into_iter().next() else {
                return Ok(None);
            };
            let text = message.text().await?;
            Ok(check(&text).then_some(text))
        })
        .await
    }

    /// Scrolls the app page's message into view, for a screenshot of it beside the settings.
    pub async fn scroll_to_message(&self) {
        let message = self.browser.find(Locator::XPath(MESSAGE)).await.expect("the message");
        let argument = serde_json::to_value(&message).expect("the message as a script argument");
        self.browser
            .execute("arguments[0].scrollIntoView({ block: \"center\" });", vec![argument])
            .await
            .expect("scrolling to the message");
    }

    /// The app page's Authorisation Log, newest first: when, what, who, details.
    pub async fn log(&self) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for row in self.browser.find_all(Locator::XPath(LOG_ROWS)).await.expect("the log's rows") {
            rows.push(texts(row.find_all(Locator::XPath("./td")).await.expect("a log row's cells")).await);
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
        !self.browser.find_all(Locator::XPath(&section)).await.expect("looking for a section").is_empty()
    }

    /// The text of `main`.
    pub async fn main_text(&self) -> String {
        let main = self.browser.find(Locator::Css("main")).await.expect("the main element");
        main.text().await.expect("main's text")
    }

    /// Fetches `href` from inside the page, with the school's session cookie, as following the
    /// download link would.
    pub async fn fetch(&self, href: &str) -> Download {
        let script = r#"
            const [href, done] = arguments;
            fetch(href)
                .then(async (response) => done({
                    status: response.status,
                    content_type: response.headers.get("Content-Type"),
                    disposition: response.headers.get("Content-Disposition"),
                    text: await response.text(),
                }))
                .catch((error) => done({ status: 0, content_type: null, disposition: null, text: String(error) }));
        "#;
        let answer = self.browser.execute_async(script, vec![href.into()]).await.expect("fetching in the page");
        serde_json::from_value(answer).expect("the fetch's answer")
    }
}

async fn texts(elements: Vec<Element>) -> Vec<String> {
    let mut texts = Vec::new();
    for element in elements {
        texts.push(element.text().await.expect("an element's text").trim().to_owned());
    }
    texts
}
