//! Browser tests: real Chromium, driven through chromedriver, against the local server serving
//! the built SPA. `cargo xtask test` builds the SPA and points `GATEHOUSE_SPA_DIR` at it.

mod harness;
mod pages;

use gatehouse_core::demo::DEMO_EMAIL;
use harness::{browser_test, save_screenshot};
use pages::active_schools::ActiveSchoolsPage;
use pages::auth_landing::LinkUnusablePage;
use pages::outbox::OutboxPage;
use pages::sign_in::SignInPage;

/// P2's columns, in the partner portal's order.
const ACTIVE_COLUMNS: [&str; 12] = [
    "School ID",
    "School Name",
    "MIS",
    "Status",
    "Authorised On",
    "GDPR Mode",
    "Feed Status",
    "Month Stats",
    "Install Status",
    "Cache Age (days)",
    "Active Cases",
    "Revoke Pending",
];

#[tokio::test]
async fn partner_signs_in_through_the_outbox_link_and_sees_active_schools() {
    browser_test(|app| async move {
        let browser = app.open_browser().await;
        let sign_in = SignInPage::open(&browser, &app.url("/signin")).await;
        sign_in.enter_email(DEMO_EMAIL).await;
        save_screenshot(&browser, "sign-in").await;
        sign_in.request_link().await;

        OutboxPage::open(&browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_EMAIL).await;

        let schools = ActiveSchoolsPage::expect_shown(&browser).await;
        schools.expect_partner_in_banner("Demo Partner Ltd").await;
        assert_eq!(schools.records_line().await, "Records 1–42 of 42");
        assert_eq!(schools.row_count().await, 42);
        assert_eq!(schools.column_headings().await, ACTIVE_COLUMNS);
        let school_ids = schools.column("School ID").await;
        let other_partners: Vec<_> = school_ids.iter().filter(|id| id.starts_with("451")).collect();
        assert!(other_partners.is_empty(), "Other Partner plc's schools are listed: {other_partners:?}");
        let address = browser.current_url().await.expect("the current address");
        assert!(!address.as_str().contains("token="), "the token stayed in the address bar: {address}");
        save_screenshot(&browser, "active-schools").await;

        schools.sign_out().await;
        SignInPage::expect_shown(&browser).await;
        browser.goto(&app.url("/schools")).await.expect("opening /schools");
        SignInPage::expect_shown(&browser).await;
        let address = browser.current_url().await.expect("the current address");
        assert_eq!(address.path(), "/signin", "signed out, /schools should send the visitor to sign in");
    })
    .await;
}

#[tokio::test]
async fn used_sign_in_link_shows_a_clear_error() {
    browser_test(|app| async move {
        let first = app.open_browser().await;
        let sign_in = SignInPage::open(&first, &app.url("/signin")).await;
        sign_in.enter_email(DEMO_EMAIL).await;
        sign_in.request_link().await;
        let link = OutboxPage::open(&first, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_EMAIL).await;
        ActiveSchoolsPage::expect_shown(&first).await;

        // A second browser has its own cookie jar, like a forwarded email opened elsewhere.
        let second = app.open_browser().await;
        second.goto(&link).await.expect("opening the used link");
        let refused = LinkUnusablePage::expect_shown(&second).await;
        let alert = refused.alert().await;
        let sentence = alert.trim();
        assert!(
            sentence.chars().next().is_some_and(char::is_uppercase)
                && sentence.ends_with('.')
                && sentence.contains(' '),
            "the alert should explain in a sentence, not {alert:?}"
        );
        assert!(refused.has_link_to_request_a_new_one().await, "no \"Request a new link\" link");
        save_screenshot(&second, "link-used").await;
    })
    .await;
}
