//! One page object per screen, plus the XPath locators they share. Elements are found the way
//! a person finds them, by role, label and visible text, so restyling never breaks a test.

/// Declares the page object `$page`: one screen in its browser window, a [`Screen`] there.
/// Given `shown`, also its `expect_shown`, which waits for the page's heading and for what shows
/// after it once the page has loaded, and its `open_from_nav`, for a page the main navigation
/// links to by its title.
macro_rules! page {
    ($page:ident, shown: $title:expr, $loaded:expr, $what:expr) => {
        page!($page);

        impl<'a> $page<'a> {
            /// Waits for the page's heading and for what shows once the page has loaded.
            pub async fn expect_shown(browser: &'a fantoccini::Client) -> $page<'a> {
                $crate::pages::wait_below_heading(browser, $title, $loaded, $what).await;
                $page { browser }
            }

            /// Follows the main navigation's link of the same name as the page, and waits for it.
            pub async fn open_from_nav(browser: &'a fantoccini::Client) -> $page<'a> {
                $crate::pages::follow_main_nav(browser, $title).await;
                Self::expect_shown(browser).await
            }
        }
    };
    ($page:ident) => {
        pub struct $page<'a> {
            pub(super) browser: &'a fantoccini::Client,
        }

        impl $crate::pages::Screen for $page<'_> {
            fn browser(&self) -> &fantoccini::Client {
                self.browser
            }
        }
    };
}

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
pub(crate) fn literal(text: &str) -> String {
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

/// Waits for the heading `title` and, after it, `loaded` (an XPath step such as `table`), which
/// shows once the page has loaded; `what` names it in the failure.
pub(super) async fn wait_below_heading(browser: &Client, title: &str, loaded: &str, what: &str) {
    actions::wait_for(browser, &format!("{}/following::{loaded}", heading(title)), what).await;
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

/// Follows `name` in the main navigation and waits for the page it leads to, headed `name` too.
pub async fn open_from_main_nav(browser: &Client, name: &str) {
    follow_main_nav(browser, name).await;
    actions::wait_for(browser, &heading(name), &format!("the page headed {name:?}")).await;
}

/// Every element announced as an alert.
pub const ALERT: &str = "//*[@role='alert']";

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
