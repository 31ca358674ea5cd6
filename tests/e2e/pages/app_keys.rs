//! A1, `/keys`: the app's keys and OAuth clients, the form that creates one, the box that shows
//! a new one's secret once, and the confirmation before revoking a key.

use fantoccini::Locator;
use fantoccini::key::Key;

use super::actions::{click, has, is_said, table_rows, wait_for, wait_for_text_of};
use super::{button, field, literal};
use crate::harness::eventually;

const TITLE: &str = "API keys";
const ROWS: &str = "//main//table/tbody/tr";
/// The box a new key's secret shows in, named by its heading.
const SECRET_BOX: &str = "//section[h2[normalize-space()='Copy this secret now: it will not be shown again']]";
/// The secret's input, labelled "API key" or "Client secret".
const SECRET_INPUT: &str = "//input[@id='new-key-secret']";
const MESSAGE: &str = "//main/p[@role='status'][not(@hidden)]";

page!(AppKeysPage, shown: TITLE, "section[h2[starts-with(normalize-space(), 'Keys of ')]]", "the API keys");

impl AppKeysPage<'_> {
    /// Each key's row as its cells' text: label, kind, created, created by, status and, for an
    /// admin, the action.
    pub async fn rows(&self) -> Vec<Vec<String>> {
        table_rows(self.browser, ROWS).await
    }

    /// The row of the key labelled `label`, once its Status satisfies `status`.
    pub async fn wait_for_key(&self, label: &str, status: impl Fn(&str) -> bool) -> Vec<String> {
        let (this, status) = (self, &status);
        eventually(&format!("the key {label:?} in the table"), || async move {
            Ok(this.rows().await.into_iter().find(|cells| cells[0] == label && cells.get(4).is_some_and(|s| status(s))))
        })
        .await
    }

    /// Whether there is an input labelled `label` on the page.
    pub async fn has_field(&self, label: &str) -> bool {
        has(self.browser, &field(label)).await
    }

    /// Presses Enter in the field labelled `label`, which submits its form.
    pub async fn press_enter_in(&self, label: &str) {
        let input = self.browser.find(Locator::XPath(&field(label))).await.expect("the field");
        input.send_keys(&Key::Enter.to_string()).await.unwrap_or_else(|error| panic!("pressing Enter: {error}"));
    }

    /// Waits for the box with a new key's secret and returns the secret.
    pub async fn wait_for_secret(&self) -> String {
        wait_for(self.browser, SECRET_BOX, "a new key's secret").await;
        self.secret().await.expect("the secret in its box")
    }

    /// The secret on show, if any.
    pub async fn secret(&self) -> Option<String> {
        let input = format!("{SECRET_BOX}{SECRET_INPUT}");
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
        wait_for_text_of(self.browser, &status, "the box to say what Copy did", is_said).await
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
        let input = format!("{SECRET_BOX}{SECRET_INPUT}");
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

    /// Picks how the new credential signs in: the radio button whose label starts with `kind`.
    pub async fn choose_kind(&self, kind: &str) {
        let radio =
            format!("//input[@type='radio'][@id=//label[starts-with(normalize-space(), {})]/@for]", literal(kind));
        click(self.browser, &radio, &format!("the {kind:?} choice")).await;
    }

    /// The client ID the secret's box shows for a new OAuth client.
    pub async fn client_id(&self) -> String {
        let id = format!("{SECRET_BOX}//code[@id='new-client-id']");
        let found = self.browser.find(Locator::XPath(&id)).await.expect("the client ID in the box");
        found.text().await.expect("the client ID's text")
    }

    /// Clicks Revoke in the row of the key labelled `label`.
    pub async fn revoke(&self, label: &str) {
        click(self.browser, &self.revoke_button(label), &format!("Revoke button for {label:?}")).await;
    }

    /// Whether the row of `label` has a Revoke button.
    pub async fn can_revoke(&self, label: &str) -> bool {
        let revoke = self.revoke_button(label);
        has(self.browser, &revoke).await
    }

    fn revoke_button(&self, label: &str) -> String {
        format!("{ROWS}[th[normalize-space()={}]]//button[starts-with(normalize-space(), 'Revoke')]", literal(label))
    }

    /// The `id` of the Revoke button in the row of `label`.
    pub async fn revoke_button_id(&self, label: &str) -> Option<String> {
        let revoke = self.browser.find(Locator::XPath(&self.revoke_button(label))).await.expect("the Revoke button");
        revoke.attr("id").await.expect("the button's id")
    }

    /// Waits for the sentence saying what the last change did.
    pub async fn wait_for_message(&self) -> String {
        wait_for_text_of(self.browser, MESSAGE, "the keys page to say what changed", is_said).await
    }
}
