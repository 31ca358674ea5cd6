//! P1, `/signin`: the form that emails a sign-in link, and its "Check your email" answer.

use fantoccini::Client;

use super::Screen;
use super::actions::wait_for;
use super::heading;

const TITLE: &str = "Sign in to Gatehouse";

page!(SignInPage);

impl<'a> SignInPage<'a> {
    /// Opens `url` (the sign-in page, or a page that should send the visitor there) and waits
    /// for the form.
    pub async fn open(browser: &'a Client, url: &str) -> SignInPage<'a> {
        browser.goto(url).await.expect("opening the sign-in page");
        SignInPage::expect_shown(browser).await
    }

    /// Waits until the browser shows the sign-in form, wherever it came from.
    pub async fn expect_shown(browser: &'a Client) -> SignInPage<'a> {
        SignInPage::expect_form(browser, TITLE).await
    }

    /// Waits for a sign-in form headed `title`: each portal has its own.
    pub async fn expect_form(browser: &'a Client, title: &str) -> SignInPage<'a> {
        wait_for(browser, &heading(title), &format!("the heading {title:?}")).await;
        SignInPage { browser }
    }

    pub async fn enter_email(&self, email: &str) {
        self.fill("Email address", email).await;
    }

    /// Sends the form and waits for the confirmation.
    pub async fn request_link(&self) {
        self.press("Email me a sign-in link").await;
        self.expect_heading("Check your email").await;
    }
}
