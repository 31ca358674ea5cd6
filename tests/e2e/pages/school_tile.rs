//! P8 and P6: the school tile, a panel (role `dialog`) over a school list, with the school's
//! details, contacts, scopes, Authorisation Log and action buttons, and the forms the actions
//! open inside it (the revoke wizard, confirmations, the invitation's recipient).

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::actions::{click, is_said, set_date, texts, texts_of, wait_for, wait_for_text_of, wait_until_gone};
use super::{button, field, literal};
use crate::harness::eventually;

/// The tile, named by its heading.
const TILE: &str = "//aside[@role='dialog'][@aria-labelledby='tile-heading']";
/// The tile has loaded once its Details section is there.
const LOADED: &str = "//aside[@role='dialog']//section[h3[normalize-space()='Details']]";
const HEADING: &str = "//aside[@role='dialog']//h2[@id='tile-heading']";
const STATUS: &str = "//aside[@role='dialog']//*[@role='status'][not(@hidden)]";
const LOG_ENTRIES: &str = "//aside[@role='dialog']//section[h3[normalize-space()='Authorisation Log']]//ol/li";
const SCOPE_ROWS: &str = "//aside[@role='dialog']//section[h3[normalize-space()='Scopes']]//tbody/tr";
const ACTION_BUTTONS: &str = "//aside[@role='dialog']//section[h3[normalize-space()='Actions']]\
    //div[contains(@class, 'action-buttons')][not(@hidden)]/button";
/// The form an action opened, headed by what it does and, in the wizard, the step.
const FORM_HEADING: &str = "//aside[@role='dialog']//form//h4";

/// The row of `school_id` in the list behind the tile: School ID is every list's first column.
fn row(school_id: &str) -> String {
    format!("//table/tbody/tr[*[1][normalize-space()={}]]", literal(school_id))
}

/// One line of the Authorisation Log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub event: String,
    pub actor: String,
    pub detail: String,
}

/// One scope: its name, whether the app requests it, and what the school granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeLine {
    pub scope: String,
    pub requested: String,
    pub granted: String,
}

page!(SchoolTilePage);

impl<'a> SchoolTilePage<'a> {
    /// Clicks the row of `school_id` in the list on screen and waits for its tile.
    pub async fn open_by_clicking(browser: &'a Client, school_id: &str) -> SchoolTilePage<'a> {
        // The name cell: a click anywhere on the row opens the tile.
        click(browser, &format!("{}/*[2]", row(school_id)), &format!("row for school {school_id} in the list")).await;
        SchoolTilePage::expect_shown(browser).await
    }

    /// Moves the keyboard focus to the row of `school_id` and presses Enter.
    pub async fn open_with_keyboard(browser: &'a Client, school_id: &str) -> SchoolTilePage<'a> {
        let row = browser
            .find(Locator::XPath(&row(school_id)))
            .await
            .unwrap_or_else(|error| panic!("no row for school {school_id} in the list: {error}"));
        let focusable = row.attr("tabindex").await.expect("the row's tabindex");
        assert_eq!(focusable.as_deref(), Some("0"), "the row of {school_id} should be in the tab order");
        let argument = serde_json::to_value(&row).expect("the row as a script argument");
        browser.execute("arguments[0].focus();", vec![argument]).await.expect("focusing the row");
        let focused = browser.active_element().await.expect("the focused element");
        focused.send_keys(&Key::Enter.to_string()).await.expect("pressing Enter on the row");
        SchoolTilePage::expect_shown(browser).await
    }

    /// Waits until a tile is open and its school has loaded.
    pub async fn expect_shown(browser: &'a Client) -> SchoolTilePage<'a> {
        wait_for(browser, LOADED, "the school tile, open and loaded").await;
        SchoolTilePage { browser }
    }

    pub async fn heading(&self) -> String {
        let heading = self.browser.find(Locator::XPath(HEADING)).await.expect("the tile's heading");
        heading.text().await.expect("the heading's text")
    }

    /// The value shown beside `label` in the tile's Details or Contacts ("URN", "School contact").
    pub async fn detail(&self, label: &str) -> String {
        let value = format!("{TILE}//dl/div[dt[normalize-space()={}]]/dd", literal(label));
        let value = self
            .browser
            .find(Locator::XPath(&value))
            .await
            .unwrap_or_else(|error| panic!("no {label:?} in the tile: {error}"));
        value.text().await.expect("the value's text")
    }

    /// The words on the badges under the heading: the list, the status, what needs attention.
    pub async fn badges(&self) -> Vec<String> {
        texts_of(self.browser, &format!("{TILE}//*[contains(@class, 'tile-badges')]/span")).await
    }

    /// What the tile says about where the school went, when an action moved it out of the
    /// list behind the tile.
    pub async fn note(&self) -> String {
        let note = format!("{TILE}//*[contains(@class, 'tile-note')]");
        let note = wait_for(self.browser, &note, "what the tile says about where the school went").await;
        note.text().await.expect("the note's text")
    }

    /// The Authorisation Log, top to bottom.
    pub async fn log(&self) -> Vec<LogLine> {
        let mut lines = Vec::new();
        for entry in self.browser.find_all(Locator::XPath(LOG_ENTRIES)).await.expect("the log entries") {
            lines.push(LogLine {
                event: part(&entry, "log-event").await,
                actor: part(&entry, "log-actor").await,
                detail: part(&entry, "log-detail").await,
            });
        }
        lines
    }

    /// Waits until the newest log entry is `event`, and returns it.
    pub async fn wait_for_newest_log_entry(&self, event: &str) -> LogLine {
        let newest = format!("({LOG_ENTRIES})[1][.//*[normalize-space()={}]]", literal(event));
        let (browser, newest) = (self.browser, &newest);
        eventually(&format!("a {event:?} entry at the top of the Authorisation Log"), || async move {
            Ok((!browser.find_all(Locator::XPath(newest)).await?.is_empty()).then_some(()))
        })
        .await;
        self.log().await.into_iter().next().expect("the newest entry")
    }

    /// The line under the Authorisation Log's heading saying whether the log checks out.
    pub async fn log_integrity(&self) -> String {
        let line = "//aside[@role='dialog']//section[h3[normalize-space()='Authorisation Log']]\
                    /p[contains(@class, 'log-integrity')]";
        let line = self
            .browser
            .find(Locator::XPath(line))
            .await
            .unwrap_or_else(|error| panic!("the Authorisation Log says nothing about its integrity: {error}"));
        line.text().await.expect("the integrity line's text")
    }

    /// The warning at the top of the tile when its Authorisation Log does not check out.
    pub async fn log_warning(&self) -> Option<String> {
        let warning = format!("{TILE}//*[contains(@class, 'integrity-warning')]");
        let found = self.browser.find_all(Locator::XPath(&warning)).await.expect("looking for the warning");
        match found.into_iter().next() {
            Some(warning) => Some(warning.text().await.expect("the warning's text")),
            None => None,
        }
    }

    /// Scrolls the tile down to the section headed `title` ("Authorisation Log"), for a screenshot.
    pub async fn scroll_to(&self, title: &str) {
        let section = format!("{TILE}//section[h3[normalize-space()={}]]", literal(title));
        let section = self.browser.find(Locator::XPath(&section)).await.expect("the section");
        let argument = serde_json::to_value(&section).expect("the section as a script argument");
        self.browser.execute("arguments[0].scrollIntoView();", vec![argument]).await.expect("scrolling the tile");
    }

    pub async fn scopes(&self) -> Vec<ScopeLine> {
        let mut lines = Vec::new();
        for row in self.browser.find_all(Locator::XPath(SCOPE_ROWS)).await.expect("the scope rows") {
            let cells = texts(row.find_all(Locator::XPath("./*")).await.expect("the row's cells")).await;
            let scope = part(&row, "scope-label").await;
            lines.push(ScopeLine { scope, requested: cells[1].clone(), granted: cells[2].clone() });
        }
        lines
    }

    /// The labels of the action buttons, while no form is open.
    pub async fn actions(&self) -> Vec<String> {
        texts_of(self.browser, ACTION_BUTTONS).await
    }

    /// Clicks the action button reading `label` ("Revoke Access", "Set Priority").
    pub async fn start_action(&self, label: &str) {
        click(self.browser, &format!("{TILE}{}", button(label)), &format!("{label:?} action in the tile")).await;
    }

    /// Starts the action `label` and waits for its form headed `form`.
    pub async fn open_action(&self, label: &str, form: &str) {
        self.start_action(label).await;
        self.wait_for_form(form).await;
    }

    /// Presses `button` to finish an action, then waits for the tile to say what it did and for
    /// the newest Authorisation Log entry to be `logged`; returns the message and that entry.
    pub async fn finish_action(&self, button: &str, logged: &str) -> (String, LogLine) {
        self.press(button).await;
        let message = self.wait_for_message().await;
        (message, self.wait_for_newest_log_entry(logged).await)
    }

    /// Waits for the form an action opened to show the heading `text` ("Revoke access: step 2 of 3").
    pub async fn wait_for_form(&self, text: &str) {
        let heading = format!("{FORM_HEADING}[normalize-space()={}]", literal(text));
        wait_for(self.browser, &heading, &format!("the form {text:?}")).await;
    }

    /// Clicks the button reading `label` inside the tile ("Next", "Confirm revocation").
    pub async fn press(&self, label: &str) {
        click(self.browser, &format!("{TILE}{}", button(label)), &format!("button {label:?} in the tile")).await;
    }

    /// Picks the radio button labelled `label`.
    pub async fn choose(&self, label: &str) {
        click(self.browser, &field(label), &format!("choice labelled {label:?}")).await;
    }

    /// The value of the field labelled `label`, and its `min`.
    pub async fn date_field(&self, label: &str) -> (String, Option<String>) {
        let input = self.browser.find(Locator::XPath(&field(label))).await.expect("the date field");
        let value = input.prop("value").await.expect("the date's value").unwrap_or_default();
        (value, input.attr("min").await.expect("the date's min"))
    }

    /// Sets the date field labelled `label` to `iso` (`YYYY-MM-DD`).
    pub async fn set_date(&self, label: &str, iso: &str) {
        let input = self.browser.find(Locator::XPath(&field(label))).await.expect("the date field");
        set_date(self.browser, &input, iso).await;
    }

    /// The text of the alerts in the tile, such as a field's problem.
    pub async fn alerts(&self) -> Vec<String> {
        texts_of(self.browser, &format!("{TILE}//*[@role='alert']")).await
    }

    /// The revoke wizard's summary before confirming.
    pub async fn summary(&self) -> String {
        let summary = format!("{TILE}//*[contains(@class, 'summary')]");
        let summary = self.browser.find(Locator::XPath(&summary)).await.expect("the wizard's summary");
        summary.text().await.expect("the summary's text")
    }

    /// Waits for the sentence saying what the last action did, and returns it.
    pub async fn wait_for_message(&self) -> String {
        wait_for_text_of(self.browser, STATUS, "the tile to say what the action did", is_said).await
    }

    /// Waits until the tile has closed.
    pub async fn wait_until_closed(&self) {
        wait_until_gone(self.browser, TILE, "the tile to close").await;
    }

    /// Whether the keyboard focus is inside the tile.
    pub async fn has_focus(&self) -> bool {
        let script = "const tile = document.querySelector('aside[role=dialog]'); \
                      return !!tile && tile.contains(document.activeElement);";
        let answer = self.browser.execute(script, Vec::new()).await.expect("asking where the focus is");
        answer.as_bool().expect("a true or false from the script")
    }

    /// The tile's width against the window's, in CSS pixels.
    pub async fn width_and_window(&self) -> (f64, f64) {
        let script = "const tile = document.querySelector('aside[role=dialog]'); \
                      return [tile.getBoundingClientRect().width, document.documentElement.clientWidth];";
        let answer = self.browser.execute(script, Vec::new()).await.expect("measuring the tile");
        let sizes = answer.as_array().expect("two numbers");
        (sizes[0].as_f64().expect("the tile's width"), sizes[1].as_f64().expect("the window's width"))
    }
}

/// The text of the descendant of `element` with the class `class`; empty when there is none.
async fn part(element: &Element, class: &str) -> String {
    let xpath = format!(".//*[contains(concat(' ', @class, ' '), {})]", literal(&format!(" {class} ")));
    match element.find_all(Locator::XPath(&xpath)).await.expect("looking inside an element").into_iter().next() {
        Some(part) => part.text().await.expect("the part's text"),
        None => String::new(),
    }
}

/// The row of `school_id` has the keyboard focus.
pub async fn row_has_focus(browser: &Client, school_id: &str) -> bool {
    let focused = browser.active_element().await.expect("the focused element");
    if focused.tag_name().await.expect("the focused element's tag") != "tr" {
        return false;
    }
    let first_cell = focused.find_all(Locator::XPath("./*[1]")).await.expect("the focused element's first cell");
    match first_cell.into_iter().next() {
        Some(cell) => cell.text().await.expect("the cell's text").trim() == school_id,
        None => false,
    }
}
