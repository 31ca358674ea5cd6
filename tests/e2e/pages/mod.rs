//! One page object per screen, plus the XPath locators they share. Elements are found the way
//! a person finds them, by role, label and visible text, so restyling never breaks a test.

pub mod actions;
pub mod app_keys;
pub mod auth_landing;
pub mod authorise;
pub mod invite_school;
pub mod outbox;
pub mod permission_set;
pub mod school_list;
pub mod school_portal;
pub mod school_tile;
pub mod sign_in;
pub mod team;
pub mod verifications;
pub mod webhooks;
pub mod wizard;

pub use actions::Screen;
use fantoccini::{Client, Locator};
pub use wizard::Wizard;

/// An XPath string literal for `text`; XPath 1.0 has no escapes, so a text holding both quote
/// kinds is spliced together with `concat`.
fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The top-level heading reading exactly `text`.
pub fn heading(text: &str) -> String {
    format!("//h1[normalize-space()={}]", literal(text))
}

/// The button reading exactly `text`.
pub fn button(text: &str) -> String {
    format!("//button[normalize-space()={}]", literal(text))
}

/// The link reading exactly `text`.
pub fn link(text: &str) -> String {
    format!("//a[normalize-space()={}]", literal(text))
}

/// The form field whose `<label>` reads exactly `text`.
pub fn field(text: &str) -> String {
    format!("//*[@id=//label[normalize-space()={}]/@for]", literal(text))
}

/// Clicks the link `name` in the banner's main navigation ("Schools", "Permission set", "Team").
pub async fn follow_main_nav(browser: &Client, name: &str) {
    let nav_link = format!("//nav[@aria-label='Main']{}", link(name));
    let nav_link = browser
        .find(Locator::XPath(&nav_link))
        .await
        .unwrap_or_else(|error| panic!("no {name:?} link in the main navigation: {error}"));
    nav_link.click().await.unwrap_or_else(|error| panic!("following {name:?}: {error}"));
}

/// Every element announced as an alert.
pub const ALERT: &str = "//*[@role='alert']";

/// Every page object is a [`Screen`] over the browser it was made for.
macro_rules! screens {
    ($($module:ident::$page:ident),* $(,)?) => {
        $(impl Screen for $module::$page<'_> {
            fn browser(&self) -> &Client {
                self.browser
            }
        })*
    };
}

screens!(
    app_keys::AppKeysPage,
    auth_landing::LinkUnusablePage,
    authorise::AuthorisePage,
    invite_school::InviteSchoolPage,
    outbox::OutboxPage,
    permission_set::PermissionSetPage,
    school_list::SchoolListPage,
    school_portal::SchoolPortal,
    school_tile::SchoolTilePage,
    sign_in::SignInPage,
    team::TeamPage,
    verifications::VerificationsPage,
    webhooks::WebhooksPage,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_quote_around_whatever_quotes_the_text_holds() {
        assert_eq!(literal("Active Schools"), "'Active Schools'");
        assert_eq!(literal("can't"), "\"can't\"");
        assert_eq!(literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }
}
