//! A1, `/keys`: the app's keys, the form that creates one, the box that shows a new key's secret
//! once, and the confirmation before revoking a key.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::{ALERT, button, field, heading, literal};
use crate::harness::{PATIENCE, eventually};

const TITLE: &str = "API keys";
const ROWS: &str = "//main//table/tbody/tr";
/// The box a new key's secret shows in, named by its heading.
const SECRET_BOX: &str = "//section[h2[normalize-space()='Copy this key now: it will not be shown again']]";
const SECRET_LABEL: &str = "API key";
const CONFIRM: &str = "//*[@role='alertdialog']";
const MESSAGE: &str = "//main/p[@role='status'][not(@hidden)]";

pub struct AppKeysPage<'a> {
    browser: &'a Client,
}

impl<'a> AppKeysPage<'a> {
    /// Waits for the heading and the app's keys.
    pub async fn expect_shown(browser: &'a Client) -> AppKeysPage<'a> {
        let loaded = format!("{}/following::section[h2[starts-with(normalize-space(), 'Keys of ')]]", heading(TITLE));
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&loaded))
            .await
            .unwrap_or_else(|error| panic!("the API keys did not load: {error}"));
        AppKeysPage { browser }
    }

    /// Each key's row as its cells' text: label, created, created by, status and, for an admin,
    /// the action.
    pub async fn rows(&self) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for row in self.browser.find_all(Locator::XPath(ROWS)).await.expect("the keys' rows") {
            let mut cells = Vec::new();
            for cell in row.find_all(Locator::XPath("./*")).await.expect("a row's cells") {
                cells.push(cell.text().await.expect("a cell's text"));
            }
            rows.push(cells);
        }
        rows
    }

    /// The row of the key labelled `label`, once its Status satisfies `status`.
    pub async fn wait_for_key(&self, label: &str, status: impl Fn(&str) -> bool) -> Vec<String> {
        let (this, status) = (self, &status);
        eventually(&format!("the key {label:?} in the table"), || async move {
            Ok(this.rows().await.into_iter().find(|cells| cells[0] == label && cells.get(3).is_some_and(|s| status(s))))
        })
        .await
    }

    /// Whether there is an input labelled `label` on the page.
    pub async fn has_field(&self, label: &str) -> bool {
        !self.browser.find_all(Locator::XPath(&field(label))).await.expect("looking for the field").is_empty()
    }

    /// Whether there is a button reading `label` on the page.
    pub async fn has_button(&self, label: &str) -> bool {
        !self.browser.find_all(Locator::XPath(&button(label))).await.expect("looking for the button").is_empty()
    }

    pub async fn fill(&self, label: &str, text: &str) {
        let input = self
            .browser
            .find(Locator::XPath(&field(label)))
            .await
            .unwrap_or_else(|error| panic!("no field labelled {label:?}: {error}"));
        input.send_keys(text).await.unwrap_or_else(|error| panic!("typing into {label:?}: {error}"));
    }

    /// Presses Enter in the field labelled `label`, which submits its form.
    pub async fn press_enter_in(&self, label: &str) {
        let input = self.browser.find(Locator::XPath(&field(label))).await.expect("the field");
        input.send_keys(&Key::Enter.to_string()).await.unwrap_or_else(|error| panic!("pressing Enter: {error}"));
    }

    pub async fn press(&self, label: &str) {
        let pressed = self
            .browser
            .find(Locator::XPath(&button(label)))
            .await
            .unwrap_or_else(|error| panic!("no button {label:?}: {error}"));
        pressed.click().await.unwrap_or_else(|error| panic!("clicking {label:?}: {error}"));
    }

    /// Every alert on the page, once there is one.
    pub async fn wait_for_alerts(&self) -> Vec<String> {
        let browser = self.browser;
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
    pub async fn focused_id(&self) -> Option<String> {
        let focused = self.browser.active_element().await.expect("the focused element");
        focused.attr("id").await.expect("the focused element's id")
    }

    /// Waits for the box with a new key's secret and returns the secret.
    pub async fn wait_for_secret(&self) -> String {
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(SECRET_BOX))
            .await
            .unwrap_or_else(|error| panic!("no secret was shown: {error}"));
        self.secret().await.expect("the secret in its box")
    }

    /// The secret on show, if any.
    pub async fn secret(&self) -> Option<String> {
        let input = format!("{SECRET_BOX}{}", field(SECRET_LABEL));
        let input = self.browser.find_all(Locator::XPath(&input)).await.expect("looking for the secret");
        match input.into_iter().next() {
            Some(input) => input.prop("value").await.expect("the secret's value"),
            None => None,
        }
    }

    /// Everything the secret's box says.
    pub async fn secret_box(&self) -> String {
        let found = self.browser.find(Locator::XPath(SECRET_BOX)).await.expect("the secret's box");
        found.text().await.expect("the box's text")
    }

    /// The command line the box suggests for trying the key.
    pub async fn curl_example(&self) -> String {
        let example = format!("{SECRET_BOX}//pre");
        let example = self.browser.find(Locator::XPath(&example)).await.expect("a command line to try the key");
        example.text().await.expect("the command line's text")
    }

    /// Presses Copy beside the secret and returns what the box then says about it.
    pub async fn copy(&self) -> String {
        let copy = format!("{SECRET_BOX}{}", button("Copy"));
        let copy = self.browser.find(Locator::XPath(&copy)).await.expect("a Copy button beside the secret");
        copy.click().await.expect("clicking Copy");
        let status = format!("{SECRET_BOX}//*[@role='status']");
        let (browser, status) = (self.browser, &status);
        eventually("the box to say what Copy did", || async move {
            let text = browser.find(Locator::XPath(status)).await?.text().await?;
            Ok((!text.trim().is_empty()).then_some(text))
        })
        .await
    }

    /// Pastes with Ctrl+V into the field labelled `label`, returns what it then holds, and
    /// empties it again.
    pub async fn paste_into(&self, label: &str) -> String {
        let input = self.browser.find(Locator::XPath(&field(label))).await.expect("the field");
        input.click().await.expect("focusing the field");
        let paste = format!("{}v{}", Key::Control, Key::Null);
        input.send_keys(&paste).await.expect("pressing Ctrl+V");
        let pasted = input.prop("value").await.expect("the field's value").unwrap_or_default();
        input.clear().await.expect("emptying the field");
        pasted
    }

    /// The part of the secret's input that is selected, as the start and end offsets.
    pub async fn secret_selection(&self) -> (u64, u64) {
        let input = format!("{SECRET_BOX}{}", field(SECRET_LABEL));
        let input = self.browser.find(Locator::XPath(&input)).await.expect("the secret's input");
        let argument = serde_json::to_value(&input).expect("the input as a script argument");
        let range = self
            .browser
            .execute("return [arguments[0].selectionStart, arguments[0].selectionEnd];", vec![argument])
            .await
            .expect("the selection");
        let offset = |index: usize| range[index].as_u64().expect("a selection offset");
        (offset(0), offset(1))
    }

    /// Clicks Revoke in the row of the key labelled `label`.
    pub async fn revoke(&self, label: &str) {
        let revoke = self.revoke_button(label);
        let revoke = self
            .browser
            .find(Locator::XPath(&revoke))
            .await
            .unwrap_or_else(|error| panic!("no Revoke button for {label:?}: {error}"));
        revoke.click().await.unwrap_or_else(|error| panic!("clicking Revoke for {label:?}: {error}"));
    }

    /// Whether the row of `label` has a Revoke button.
    pub async fn can_revoke(&self, label: &str) -> bool {
        let revoke = self.revoke_button(label);
        !self.browser.find_all(Locator::XPath(&revoke)).await.expect("looking for Revoke").is_empty()
    }

    fn revoke_button(&self, label: &str) -> String {
        format!("{ROWS}[th[normalize-space()={}]]//button[starts-with(normalize-space(), 'Revoke')]", literal(label))
    }

    /// The `id` of the Revoke button in the row of `label`.
    pub async fn revoke_button_id(&self, label: &str) -> Option<String> {
        let revoke = self.browser.find(Locator::XPath(&self.revoke_button(label))).await.expect("the Revoke button");
        revoke.attr("id").await.expect("the button's id")
    }

    /// Waits for the confirmation before revoking and returns its text.
    pub async fn confirmation(&self) -> String {
        let confirm = self
            .browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(CONFIRM))
            .await
            .unwrap_or_else(|error| panic!("Revoke asked for no confirmation: {error}"));
        confirm.text().await.expect("the confirmation's text")
    }

    /// Presses Escape where the focus is.
    pub async fn press_escape(&self) {
        let focused = self.browser.active_element().await.expect("the focused element");
        focused.send_keys(&Key::Escape.to_string()).await.expect("pressing Escape");
    }

    pub async fn wait_until_no_confirmation(&self) {
        let browser = self.browser;
        eventually("the confirmation to close", || async move {
            Ok(browser.find_all(Locator::XPath(CONFIRM)).await?.is_empty().then_some(()))
        })
        .await;
    }

    /// Waits for the sentence saying what the last change did.
    pub async fn wait_for_message(&self) -> String {
        let browser = self.browser;
        eventually("the keys page to say what changed", || async move {
            let Some(status) = browser.find_all(Locator::XPath(MESSAGE)).await?.into_iter().next() else {
                return Ok(None);
            };
            let text = status.text().await?;
            Ok((!text.trim().is_empty()).then_some(text))
        })
        .await
    }
}
