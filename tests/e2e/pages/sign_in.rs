//! P1, `/signin`: the form that emails a sign-in link, and its "Check your email" answer.

use fantoccini::{Client, Locator};

use super::{button, field, heading};
use crate::harness::PATIENCE;

const TITLE: &str = "Sign in to Gatehouse";

pub struct SignInPage<'a> {
    browser: &'a Client,
}

impl<'a> SignInPage<'a> {
    /// Opens `url` (the sign-in page, or a page that should send the visitor there) and waits
    /// for the form.
    pub async fn open(browser: &'a Client, url: &str) -> SignInPage<'a> {
        browser.goto(url).await.expect("opening the sign-in page");
        SignInPage::expect_shown(browser).await
    }

    /// Waits until the browser shows the sign-in form, wherever it came from.
    pub async fn expect_shown(browser: &'a Client) -> SignInPage<'a> {
        let title = heading(TITLE);
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&title))
            .await
            .unwrap_or_else(|error| panic!("the heading {TITLE:?} did not appear: {error}"));
        SignInPage { browser }
    }

    pub async fn enter_email(&self, email: &str) {
        let email_field = field("Email address");
        let input = self.browser.find(Locator::XPath(&email_field)).await.expect("a field labelled Email address");
        input.send_keys(email).await.expect("typing the email address");
    }

    /// Sends the form and waits for the confirmation.
    pub async fn request_link(&self) {
        let send = button("Email me a sign-in link");
        self.browser.find(Locator::XPath(&send)).await.expect("the send button").click().await.expect("clicking send");
        let confirmation = heading("Check your email");
        self.browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&confirmation))
            .await
            .unwrap_or_else(|error| panic!("no \"Check your email\" after sending the form: {error}"));
    }
}
