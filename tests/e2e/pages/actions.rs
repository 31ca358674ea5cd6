//! What a person does on any screen, by label and visible text: wait for something to show,
//! type into a labelled field, press a button, read the main content until it says something.

use fantoccini::{Client, Locator};

use super::{button, field};
use crate::harness::{PATIENCE, eventually};

/// Waits until `xpath` matches; `what` names it in the failure.
pub async fn wait_for(browser: &Client, xpath: &str, what: &str) {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|error| panic!("{what} did not show: {error}"));
}

/// Types `text` into the field labelled `label`.
pub async fn fill(browser: &Client, label: &str, text: &str) {
    let input = browser
        .find(Locator::XPath(&field(label)))
        .await
        .unwrap_or_else(|error| panic!("no field labelled {label:?}: {error}"));
    input.send_keys(text).await.unwrap_or_else(|error| panic!("typing into {label:?}: {error}"));
}

/// Clicks the button named `label`.
pub async fn press(browser: &Client, label: &str) {
    let pressed = browser
        .find(Locator::XPath(&button(label)))
        .await
        .unwrap_or_else(|error| panic!("no button {label:?}: {error}"));
    pressed.click().await.unwrap_or_else(|error| panic!("clicking {label:?}: {error}"));
}

/// The text of the page's `main`; none while a new page is still loading (no `main` yet, or the
/// old one just went away).
async fn main_text(browser: &Client) -> Result<Option<String>, fantoccini::error::CmdError> {
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
