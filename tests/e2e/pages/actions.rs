//! What a person does on any screen, by label and visible text: wait for something to show,
//! type into a labelled field, press a button, read the main content until it says something.
//! [`Screen`] offers the same steps on every page object.

use fantoccini::elements::Element;
use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::{ALERT, button, field, heading, link};
use crate::harness::eventually;

/// The dialog that asks before a change is made ("Remove …?", "Revoke the key …?").
const CONFIRM: &str = "//*[@role='alertdialog']";

/// Waits until `xpath` matches and returns the first match; `what` names it in the failure.
pub async fn wait_for(browser: &Client, xpath: &str, what: &str) -> Element {
    eventually(&format!("{what} to show"), || async move {
        match browser.find(Locator::XPath(xpath)).await {
            Ok(element) => Ok(Some(element)),
            Err(CmdError::Standard(error)) if error.error == ErrorStatus::NoSuchElement => Ok(None),
            Err(error) => Err(error),
        }
    })
    .await
}

/// The element `xpath` finds; `what` names it in the failure.
async fn find(browser: &Client, xpath: &str, what: &str) -> Element {
    browser.find(Locator::XPath(xpath)).await.unwrap_or_else(|error| panic!("no {what}: {error}"))
}

/// Whether anything on the page matches `xpath`.
pub async fn has(browser: &Client, xpath: &str) -> bool {
    !browser.find_all(Locator::XPath(xpath)).await.expect("looking for an element").is_empty()
}

/// Replaces the text of the field labelled `label` with `text`.
pub async fn fill(browser: &Client, label: &str, text: &str) {
    let input = find(browser, &field(label), &format!("field labelled {label:?}")).await;
    let current = input.prop("value").await.unwrap_or_else(|error| panic!("reading {label:?}: {error}"));
    // Clearing moves the focus away and back; an empty field is left to the typing alone.
    if current.is_some_and(|value| !value.is_empty()) {
        input.clear().await.unwrap_or_else(|error| panic!("clearing {label:?}: {error}"));
    }
    input.send_keys(text).await.unwrap_or_else(|error| panic!("typing into {label:?}: {error}"));
}

/// Clicks the button named `label`.
pub async fn press(browser: &Client, label: &str) {
    click(browser, &button(label), &format!("button {label:?}")).await;
}

/// Clicks what `xpath` finds; `what` names it in the failure.
pub async fn click(browser: &Client, xpath: &str, what: &str) {
    let found = find(browser, xpath, what).await;
    found.click().await.unwrap_or_else(|error| panic!("clicking the {what}: {error}"));
}

/// Presses the button `label` and waits for a problem to be said; returns the field labelled
/// `field_label`, checked to be marked invalid, as the problem's place.
pub async fn refused_at(browser: &Client, label: &str, field_label: &str) -> Element {
    press(browser, label).await;
    wait_for(browser, ALERT, &format!("a problem after pressing {label:?}")).await;
    let invalid = find(browser, &field(field_label), &format!("field labelled {field_label:?}")).await;
    let marked = invalid.attr("aria-invalid").await.expect("the field's aria-invalid");
    assert_eq!(marked.as_deref(), Some("true"), "{field_label:?} should be marked invalid");
    invalid
}

/// Picks `option` in the select labelled `label`.
pub async fn select(browser: &Client, label: &str, option: &str) {
    let select = find(browser, &field(label), &format!("select labelled {label:?}")).await;
    select.select_by_label(option).await.unwrap_or_else(|error| panic!("choosing {option:?} in {label:?}: {error}"));
}

/// The text of every element `xpath` finds, in page order.
pub async fn texts_of(browser: &Client, xpath: &str) -> Vec<String> {
    texts(browser.find_all(Locator::XPath(xpath)).await.expect("looking for elements")).await
}

/// The text of each of `elements`.
pub async fn texts(elements: Vec<Element>) -> Vec<String> {
    let mut texts = Vec::new();
    for element in elements {
        texts.push(element.text().await.expect("an element's text"));
    }
    texts
}

/// Each table row `rows` finds, as its cells' text.
pub async fn table_rows(browser: &Client, rows: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for row in browser.find_all(Locator::XPath(rows)).await.expect("the table's rows") {
        found.push(texts(row.find_all(Locator::XPath("./*")).await.expect("a row's cells")).await);
    }
    found
}

/// Sets the date input `input` to `iso` (`YYYY-MM-DD`). Typed keys depend on the browser's
/// locale, so the value is set as a date picker would, with the same events.
pub async fn set_date(browser: &Client, input: &Element, iso: &str) {
    let script = r#"
        const [input, value] = arguments;
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
    "#;
    let argument = serde_json::to_value(input).expect("the input as a script argument");
    browser.execute(script, vec![argument, iso.into()]).await.expect("setting the date");
}

/// Scrolls `element` into view, for a screenshot of it.
pub async fn scroll_into_view(browser: &Client, element: &Element) {
    let argument = serde_json::to_value(element).expect("the element as a script argument");
    browser
        .execute("arguments[0].scrollIntoView({ block: 'center' });", vec![argument])
        .await
        .expect("scrolling to an element");
}

/// Scrolls the element `locator` finds (`what`, in the failure) into view and saves what the
/// browser shows as the screenshot `name`.
pub async fn screenshot_at(browser: &Client, locator: Locator<'_>, what: &str, name: &str) {
    let element = browser.find(locator).await.unwrap_or_else(|error| panic!("no {what}: {error}"));
    scroll_into_view(browser, &element).await;
    crate::harness::save_screenshot(browser, name).await;
}

/// The text of the page's `main`; none while a new page is still loading (no `main` yet, or the
/// old one just went away).
async fn main_text(browser: &Client) -> Result<Option<String>, CmdError> {
    let text = match browser.find(Locator::Css("main")).await {
        Ok(main) => main.text().await,
        Err(error) => Err(error),
    };
    match text {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.is_no_such_element() || error.is_stale_element_reference() => Ok(None),
        Err(error) => Err(error),
    }
}

/// Waits until the page's main text satisfies `check`; returns that text.
pub async fn wait_for_text(browser: &Client, what: &str, check: impl Fn(&str) -> bool) -> String {
    let check = &check;
    eventually(what, || async move { Ok(main_text(browser).await?.filter(|text| check(text))) }).await
}

/// Waits until the first element `xpath` finds has a text satisfying `check`; returns the text.
pub async fn wait_for_text_of(browser: &Client, xpath: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    let check = &check;
    eventually(what, || async move {
        let Some(found) = browser.find_all(Locator::XPath(xpath)).await?.into_iter().next() else {
            return Ok(None);
        };
        let text = found.text().await?;
        Ok(check(&text).then_some(text))
    })
    .await
}

/// Waits until nothing matches `xpath`.
pub async fn wait_until_gone(browser: &Client, xpath: &str, what: &str) {
    eventually(what, || async move { Ok(browser.find_all(Locator::XPath(xpath)).await?.is_empty().then_some(())) })
        .await;
}

/// Whether the text says something.
pub fn is_said(text: &str) -> bool {
    !text.trim().is_empty()
}

/// The steps every page object shares, acting on its browser window. A page object gives its
/// browser; a page that acts differently (inside a panel, say) has its own method of that name.
pub trait Screen {
    fn browser(&self) -> &Client;

    /// Replaces the text of the field labelled `label` with `text`.
    async fn fill(&self, label: &str, text: &str) {
        fill(self.browser(), label, text).await;
    }

    /// Clicks the button reading exactly `label`.
    async fn press(&self, label: &str) {
        press(self.browser(), label).await;
    }

    /// Whether there is a button reading exactly `label` on the page.
    async fn has_button(&self, label: &str) -> bool {
        has(self.browser(), &button(label)).await
    }

    /// Follows the link reading exactly `label`.
    async fn follow(&self, label: &str) {
        click(self.browser(), &link(label), &format!("link {label:?}")).await;
    }

    /// Picks `option` in the select labelled `label`.
    async fn select(&self, label: &str, option: &str) {
        select(self.browser(), label, option).await;
    }

    /// Presses `key` on whatever has the keyboard focus.
    async fn press_key(&self, key: Key) {
        let focused = self.browser().active_element().await.expect("the focused element");
        focused.send_keys(&key.to_string()).await.expect("pressing a key");
    }

    /// Presses Escape where the focus is.
    async fn press_escape(&self) {
        self.press_key(Key::Escape).await;
    }

    /// Waits for the first-level heading `title`.
    async fn expect_heading(&self, title: &str) {
        wait_for(self.browser(), &heading(title), &format!("the heading {title:?}")).await;
    }

    /// The text of the main region: what the page says under its heading.
    async fn main_text(&self) -> String {
        let main = self.browser().find(Locator::Css("main")).await.expect("a main region");
        main.text().await.expect("the main region's text")
    }

    /// Waits for the dialog asking before a change, and returns what it says.
    async fn confirmation(&self) -> String {
        let confirm = wait_for(self.browser(), CONFIRM, "a confirmation").await;
        confirm.text().await.expect("the confirmation's text")
    }

    /// Waits until the confirmation has closed.
    async fn wait_until_no_confirmation(&self) {
        wait_until_gone(self.browser(), CONFIRM, "the confirmation to close").await;
    }

    /// Every alert on the page, once there is one.
    async fn wait_for_alerts(&self) -> Vec<String> {
        let browser = self.browser();
        eventually("an alert", || async move {
            let mut texts = Vec::new();
            for alert in browser.find_all(Locator::XPath(ALERT)).await? {
                texts.push(alert.text().await?);
            }
            Ok((!texts.is_empty()).then_some(texts))
        })
        .await
    }

    /// The `id` of the element with the keyboard focus.
    async fn focused_id(&self) -> Option<String> {
        let focused = self.browser().active_element().await.expect("the focused element");
        focused.attr("id").await.expect("the focused element's id")
    }

    /// Whether the page is wider than the window, so the reader has to scroll sideways. A table
    /// may scroll inside its own box; the page around it must not.
    async fn scrolls_sideways(&self) -> bool {
        let script = "return document.documentElement.scrollWidth > document.documentElement.clientWidth;";
        let answer = self.browser().execute(script, Vec::new()).await.expect("measuring the page");
        answer.as_bool().expect("a true or false from the script")
    }
}
