//! The school portal (S3, S4) in the browser: a school user signs in through the outbox link,
//! changes the demo app's GDPR mode and feed from the keyboard, downloads a receipt and revokes
//! access; the partner, in a browser of their own, sees the school revoked with the school's
//! log entries. axe-core checks every school portal page.

use fantoccini::Locator;
use fantoccini::key::Key;
use gatehouse_core::demo::DEMO_SCHOOL_EMAIL;
use gatehouse_core::held_extracts;
use gatehouse_core::ingestion;
use gatehouse_model::Resource;

use super::sign_in_as_demo_partner;
use crate::accessibility::{assert_accessible, look_and_check};
use crate::harness::{browser_test, save_screenshot};
use crate::pages::actions::wait_for_text;
use crate::pages::outbox::OutboxPage;
use crate::pages::school_list::REVOKED_SCHOOLS;
use crate::pages::school_portal::{COLLEAGUES, DASHBOARD, INSTALL, SIGN_IN, SchoolPortal};
use crate::pages::school_tile::SchoolTilePage;
use crate::pages::{Screen, follow_main_nav, open_from_main_nav};

/// The demo school Hana Head works at, and the demo partner's app it shares with.
const SCHOOL_ID: &str = "3280003";
const APP: &str = "Demo Timetabler";

#[tokio::test]
async fn a_school_changes_mode_and_feed_revokes_and_the_partner_sees_it() {
    browser_test(|app, browser| async move {
        let portal = SchoolPortal::on(&browser);

        // Sign in through the school portal's own page and the emailed link.
        browser.goto(&app.url("/school/signin")).await.expect("opening the school sign-in");
        portal.expect_heading(SIGN_IN).await;
        look_and_check(&browser, "school-portal-sign-in").await;
        portal.fill("Email address", DEMO_SCHOOL_EMAIL).await;
        portal.press("Email me a sign-in link").await;
        portal.expect_heading("Check your email").await;
        let followed = OutboxPage::open(&browser, &app.url("/dev/outbox"))
            .await
            .follow_newest_sign_in_link(DEMO_SCHOOL_EMAIL)
            .await;
        assert!(followed.contains("/school/auth#token="), "the school's link lands in the school portal: {followed}");

        // The dashboard: the demo app, active, with its settings.
        portal.expect_heading(DASHBOARD).await;
        let row = portal.dashboard_row(APP).await;
        assert!(row[0].contains("Demo Partner Ltd"), "the row names the partner: {row:?}");
        assert_eq!(
            (row[1].as_str(), row[3].as_str(), row[4].as_str()),
            ("Sharing", "Include All", "Enabled"),
            "{row:?}"
        );
        let address = browser.current_url().await.expect("the current address");
        assert!(!address.as_str().contains("token="), "the token stayed in the address bar: {address}");
        look_and_check(&browser, "school-portal-dashboard").await;

        // The app's page.
        portal.follow(APP).await;
        portal.expect_heading(APP).await;
        assert!(portal.is_chosen("Include All:").await && portal.is_chosen("Enabled:").await);
        look_and_check(&browser, "school-portal-app").await;

        // Keyboard only: arrow keys choose within each group, Tab moves to the next, Enter saves.
        portal.focus_radio("Include All:").await;
        portal.press_key(Key::Down).await;
        assert!(portal.is_chosen("Exclude All:").await, "Arrow Down should choose Exclude All");
        portal.press_key(Key::Tab).await;
        assert!(portal.focused_label().await.starts_with("Enabled:"), "Tab should reach the feed's choice");
        portal.press_key(Key::Down).await;
        assert!(portal.is_chosen("Paused:").await, "Arrow Down should choose Paused");
        portal.press_key(Key::Tab).await;
        assert_eq!(portal.focused_label().await, "Save settings", "Tab should reach Save settings");
        portal.press_key(Key::Enter).await;
        let message = portal.wait_for_message(|text| text.starts_with("Saved.")).await;
        assert!(message.contains("GDPR mode Exclude All") && message.contains("feed Paused"), "{message}");
        let log = portal.log().await;
        let newest: Vec<(&str, &str)> = log.iter().take(2).map(|row| (row[1].as_str(), row[2].as_str())).collect();
        assert_eq!(newest, [("Feed paused", "Hana Head"), ("GDPR mode changed", "Hana Head")], "{log:?}");
        assert_accessible(&browser, "school-portal-app-saved").await;
        portal.scroll_to_message().await;
        save_screenshot(&browser, "school-portal-app-saved").await;

        // The newest receipt downloads as a file that names the change and who made it.
        let receipts = portal.receipts().await;
        let (line, href) = receipts.first().expect("a receipt for the change");
        assert!(line.contains("Feed paused"), "the newest receipt is the feed's: {receipts:?}");
        assert!(href.starts_with("/api/school/apps/") && href.contains("/receipts/"), "{href}");
        let download = portal.fetch(href).await;
        assert_eq!(download.status, 200, "the receipt answered {download:?}");
        let disposition = download.disposition.unwrap_or_default();
        assert!(disposition.starts_with("attachment; filename=\"receipt-3280003-"), "{disposition}");
        assert!(download.text.contains("Feed paused") && download.text.contains("Hana Head"));
        assert!(download.text.contains(APP) && download.text.contains("Intact"), "the chain verifies");

        // Revoke now: the date starts at today.
        portal.fill("Why (optional)", "Trial over").await;
        portal.press("Revoke access").await;
        let message = portal.wait_for_message(|text| text.contains("can no longer read your data")).await;
        assert!(message.starts_with(APP), "{message}");
        assert!(portal.main_text().await.contains("Access revoked"), "the page says the app is revoked");
        assert!(!portal.has_section("Sharing settings").await, "nothing is left to set once revoked");
        assert_eq!(portal.log().await[0][1], "Revoked");
        portal.scroll_to_message().await;
        save_screenshot(&browser, "school-portal-app-revoked").await;

        // The school's other pages.
        open_from_main_nav(&browser, COLLEAGUES).await;
        assert!(portal.main_text().await.contains(DEMO_SCHOOL_EMAIL), "Hana is on her school's team");
        look_and_check(&browser, "school-portal-team").await;
        follow_main_nav(&browser, "Install").await;
        portal.expect_heading(INSTALL).await;
        assert!(portal.main_text().await.contains("Install status"), "the page says where the install stands");
        look_and_check(&browser, "school-portal-onboarding").await;
        follow_main_nav(&browser, "Data sharing").await;
        portal.expect_heading(DASHBOARD).await;
        let row = portal.dashboard_row(APP).await;
        // Access ended just now: the app owes its confirmation of erasure (#16).
        assert_eq!(row[1], "Access revoked\nErasure not yet confirmed (0 days)", "{row:?}");

        // The partner, in a browser of their own, sees the school's changes.
        let partner = app.open_browser().await;
        let revoked = sign_in_as_demo_partner(&app, &partner).await.open_list(REVOKED_SCHOOLS).await;
        assert_eq!(revoked.cell(SCHOOL_ID, "Revoked By").await.as_deref(), Some("School"), "the school revoked");
        let tile = SchoolTilePage::open_by_clicking(&partner, SCHOOL_ID).await;
        let log = tile.log().await;
        let newest: Vec<(&str, &str)> =
            log.iter().take(3).map(|line| (line.event.as_str(), line.actor.as_str())).collect();
        assert_eq!(
            newest,
            [("Revoked", "By Hana Head"), ("Feed paused", "By Hana Head"), ("GDPR mode changed", "By Hana Head")],
            "{log:?}"
        );
        assert!(log[0].detail.contains("Reason: Trial over. Now:"), "the reason reaches the partner: {:?}", log[0]);
        assert!(log[2].detail.contains("from Include All to Exclude All"), "{:?}", log[2]);
        save_screenshot(&partner, "school-portal-partner-tile").await;
    })
    .await;
}

/// #16: with no app left, the dashboard says when the school's MIS data will be deleted, and
/// once the daily job has run, that it was.
#[tokio::test]
async fn the_dashboard_says_when_the_mis_data_will_be_deleted_and_that_it_was() {
    browser_test(|app, browser| async move {
        use std::sync::Arc;

        use gatehouse_core::ports::ManualClock;
        use gatehouse_core::{Gatehouse, SchoolId, ingestion, jobs, synthetic};

        // The school's agent pushed data ten days ago, while the demo app had access.
        let now = app.gatehouse().clock.now();
        let as_of = |at| Gatehouse { clock: Arc::new(ManualClock::at(at)), ..app.gatehouse().clone() };
        let pushed = now - chrono::Duration::days(10);
        let extract = synthetic::school(3, 40, pushed.date_naive());
        let school = SchoolId::parse(SCHOOL_ID).unwrap();
        ingestion::ingest(&as_of(pushed), &school, &extract, ingestion::Guard::On).await.expect("a push");

        // Hana revokes the only app the school shares with.
        let portal = SchoolPortal::on(&browser);
        browser.goto(&app.url("/school/signin")).await.expect("opening the school sign-in");
        portal.fill("Email address", DEMO_SCHOOL_EMAIL).await;
        portal.press("Email me a sign-in link").await;
        portal.expect_heading("Check your email").await;
        OutboxPage::open(&browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_SCHOOL_EMAIL).await;
        portal.expect_heading(DASHBOARD).await;
        assert!(!portal.main_text().await.contains("will be deleted"), "an app has access: no notice");
        portal.follow(APP).await;
        portal.expect_heading(APP).await;
        portal.press("Revoke access").await;
        portal.wait_for_message(|text| text.contains("can no longer read your data")).await;

        // The dashboard gives the date, 30 days on.
        follow_main_nav(&browser, "Data sharing").await;
        portal.expect_heading(DASHBOARD).await;
        let today = gatehouse_core::calendar::uk_date(now);
        let on = today + chrono::Days::new(30);
        let expected = format!("Your MIS data will be deleted on {} because no app has access", on.format("%-d %b %Y"));
        let text = wait_for_text(&browser, "the purge notice", |text| text.contains("will be deleted")).await;
        assert!(text.contains(&expected), "{text}");
        look_and_check(&browser, "school-portal-purge-pending").await;

        // The daily job on the day: the notice says it happened.
        let due = as_of(now + chrono::Duration::days(30));
        let report = jobs::run(&due, "purge_mis_caches").await.expect("the job runs");
        assert!(report["purged"].as_u64().unwrap() >= 1, "{report}");
        browser.refresh().await.expect("reloading the dashboard");
        portal.expect_heading(DASHBOARD).await;
        let text = wait_for_text(&browser, "the purged notice", |text| text.contains("was deleted")).await;
        assert!(text.contains(&format!("Your MIS data was deleted on {}", on.format("%-d %b %Y"))), "{text}");
        assert!(text.contains("0 people held"), "{text}");
        look_and_check(&browser, "school-portal-purged").await;

        // Operations see it on the console's home.
        let ops = app.open_browser().await;
        crate::ops_console::sign_in_to_the_console(&app, &ops).await;
        let line = format!("{SCHOOL_ID}: deleted");
        let home = wait_for_text(&ops, "the retention panel", |text| text.contains(&line)).await;
        assert!(home.contains("MIS data retention"), "{home}");
        let list = crate::pages::actions::wait_for(&ops, "//ul[@id='mis-retention']", "the retention list").await;
        crate::pages::actions::scroll_into_view(&ops, &list).await;
        look_and_check(&ops, "ops-home-mis-retention").await;
    })
    .await;
}

/// G1, #15: a held extract's release runs as a job; the page polls it and shows the release's
/// result, as it did when the release answered at once.
#[tokio::test]
async fn the_school_releases_a_held_extract_and_sees_it_applied() {
    browser_test(|app, browser| async move {
        // The school's MIS pushed 100 pupils, then an extract without 34 of them: held.
        let full = gatehouse_core::synthetic::school(5, 100, app.today());
        let mut shrunk = full.clone();
        shrunk.students.truncate(66);
        for extract in [&full, &shrunk] {
            app.mis_pushes(SCHOOL_ID, extract).await;
        }
        let school = gatehouse_core::SchoolId::parse(SCHOOL_ID).expect("a school id");

        let portal = super::sign_in_to_the_school_portal(&app, &browser, DEMO_SCHOOL_EMAIL).await;
        browser.goto(&app.url("/school/held-extract")).await.expect("opening the held extract");
        portal.expect_heading("Held MIS extract").await;
        let release = crate::pages::button("Release: apply it, deletions included");
        browser.wait().for_element(Locator::XPath(&release)).await.expect("the diff and its Release button");
        look_and_check(&browser, "school-held-extract").await;

        portal.press("Release: apply it, deletions included").await;
        let message = portal.wait_for_message(|text| text.starts_with("The held extract was applied:")).await;
        assert!(message.ends_with("records deleted."), "{message}");
        let progress = browser.find(Locator::Css(".job-progress")).await.expect("the job's progress line");
        assert!(progress.attr("hidden").await.expect("its hidden attribute").is_some(), "the job has ended");
        assert_accessible(&browser, "school-held-extract-released").await;
        save_screenshot(&browser, "school-held-extract-released").await;
        let students = ingestion::live_counts(app.gatehouse(), &school).await.expect("the school's counts");
        assert_eq!(students[&Resource::Students], 66, "the 34 pupils missing from the extract are gone");
        assert!(held_extracts::diff(app.gatehouse(), &school).await.is_err(), "nothing held any more");
    })
    .await;
}
