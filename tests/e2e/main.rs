//! Browser tests: real Chromium, driven through chromedriver, against the local server serving
//! the built SPA. `cargo xtask test` builds the SPA and points `GATEHOUSE_SPA_DIR` at it.

mod harness;
mod pages;

use fantoccini::Client;
use gatehouse_core::demo::DEMO_EMAIL;
use harness::{Context, browser_test, save_screenshot};
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

/// Signs the demo partner in through the outbox link and waits for their Active Schools.
async fn sign_in_as_demo_partner<'a>(app: &Context, browser: &'a Client) -> ActiveSchoolsPage<'a> {
    let sign_in = SignInPage::open(browser, &app.url("/signin")).await;
    sign_in.enter_email(DEMO_EMAIL).await;
    sign_in.request_link().await;
    OutboxPage::open(browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_EMAIL).await;
    ActiveSchoolsPage::expect_shown(browser).await
}

#[tokio::test]
async fn partner_filters_searches_and_sorts_active_schools() {
    browser_test(|app| async move {
        let browser = app.open_browser().await;
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        assert_eq!(schools.records_line().await, "Records 1–42 of 42");

        schools.select_filter("Status", "Error").await;
        let records = schools.wait_for_records("filtered to Error", |line| line.ends_with("(filtered from 42)")).await;
        let statuses = schools.column("Status").await;
        assert!(!statuses.is_empty(), "the demo data has schools in Error, yet none are listed ({records})");
        assert!(statuses.iter().all(|status| status == "Error"), "Status = Error listed {statuses:?}");
        let address = browser.current_url().await.expect("the current address");
        assert_eq!(address.query(), Some("status=Error"), "the filter should be in the address");

        schools.clear_filters().await;
        schools.wait_for_records("back to every school", |line| line == "Records 1–42 of 42").await;

        // The MIS options come from the server's answer, not from a list in the SPA.
        schools.select_filter("MIS", "Arbor").await;
        schools.wait_for_records("filtered to Arbor", |line| line.ends_with("(filtered from 42)")).await;
        let systems = schools.column("MIS").await;
        assert!(!systems.is_empty() && systems.iter().all(|mis| mis == "Arbor"), "MIS = Arbor listed {systems:?}");
        schools.clear_filters().await;
        schools.wait_for_records("back to every school", |line| line == "Records 1–42 of 42").await;

        schools.search("castle").await;
        let records = schools.wait_for_records("after searching", |line| line.ends_with("(filtered from 42)")).await;
        let names = schools.column("School Name").await;
        assert!(!names.is_empty(), "the demo data has a Castle school, yet none are listed ({records})");
        assert!(names.iter().all(|name| name.contains("Castle")), "searching castle listed {names:?}");

        schools.click_column_heading("Month Stats").await;
        schools.wait_for_sort("Month Stats", "ascending").await;
        schools.click_column_heading("Month Stats").await;
        schools.wait_for_sort("Month Stats", "descending").await;
        assert_eq!(schools.focused_text().await, "Month Stats", "the heading should keep the focus across the reload");
        let calls: Vec<u64> = schools
            .column("Month Stats")
            .await
            .iter()
            .map(|count| count.replace(',', "").parse().unwrap_or_else(|_| panic!("Month Stats {count:?}")))
            .collect();
        assert!(calls.is_sorted_by(|earlier, later| earlier >= later), "Month Stats descending gave {calls:?}");
        let names_sorted = schools.column("School Name").await;
        assert!(
            names_sorted.iter().all(|name| name.contains("Castle")),
            "sorting dropped the search: {names_sorted:?}"
        );
        save_screenshot(&browser, "active-schools-filtered").await;

        // Each change is its own history entry: Back undoes the second click only.
        browser.back().await.expect("going back");
        schools.wait_for_sort("Month Stats", "ascending").await;
    })
    .await;
}

#[tokio::test]
async fn on_a_tablet_a_search_that_matches_nothing_can_be_cleared() {
    browser_test(|app| async move {
        let browser = app.open_browser().await;
        browser.set_window_size(768, 1024).await.expect("a tablet-sized window");
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        assert!(!schools.scrolls_sideways().await, "the filter bar should wrap, not widen the page");

        schools.search("no school is called this").await;
        schools.wait_for_records("with nothing found", |line| line == "No records (filtered from 42)").await;
        assert_eq!(schools.empty_message().await, "No schools match these filters.");
        assert!(!schools.scrolls_sideways().await, "the empty table should fit the page");
        save_screenshot(&browser, "active-schools-tablet-empty").await;

        schools.clear_filters_from_the_empty_table().await;
        schools.wait_for_records("back to every school", |line| line == "Records 1–42 of 42").await;
        save_screenshot(&browser, "active-schools-tablet").await;
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
