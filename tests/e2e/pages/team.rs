//! `/team`: the colleagues table, the add form and the confirmation before removing someone.

use super::actions::{click, table_rows, wait_for_text_of};
use super::literal;
use crate::harness::eventually;

const TITLE: &str = "Team";
const ROWS: &str = "//table/tbody/tr";
const STATUS: &str = "//main//*[@role='status'][not(@hidden)]";

page!(TeamPage, shown: TITLE, "table", "the team");

impl TeamPage<'_> {
    /// Each colleague's row as its cells' text: name, email, role, added, added by, action.
    pub async fn rows(&self) -> Vec<Vec<String>> {
        table_rows(self.browser, ROWS).await
    }

    /// The row whose Email cell reads `email`, once the table shows it.
    pub async fn wait_for_member(&self, email: &str) -> Vec<String> {
        let this = self;
        eventually(&format!("{email} in the team"), || async move {
            Ok(this.rows().await.into_iter().find(|cells| cells.get(1).is_some_and(|cell| cell == email)))
        })
        .await
    }

    pub async fn wait_until_gone(&self, email: &str) {
        let this = self;
        eventually(&format!("{email} to leave the team"), || async move {
            Ok((!this.rows().await.iter().any(|cells| cells.get(1).is_some_and(|cell| cell == email))).then_some(()))
        })
        .await;
    }

    /// Clicks Remove in the row of `email`.
    pub async fn remove(&self, email: &str) {
        let remove = format!(
            "{ROWS}[td[normalize-space()={}]]//button[starts-with(normalize-space(), 'Remove')]",
            literal(email)
        );
        click(self.browser, &remove, &format!("Remove button for {email}")).await;
    }

    /// Waits for the sentence saying what the last change did.
    pub async fn wait_for_message(&self, expected: impl Fn(&str) -> bool) -> String {
        wait_for_text_of(self.browser, STATUS, "the team page to say what changed", expected).await
    }
}
