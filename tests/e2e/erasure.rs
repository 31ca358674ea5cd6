//! #16 in the browser: until the app confirms it erased a school's data, the school portal says
//! "Erasure not yet confirmed" with the days since access ended, and so do the partner's Revoked
//! Schools list and the school's tile; once the app confirms (the data API, with its key), both
//! say so.

use gatehouse_core::demo::DEMO_SCHOOL_EMAIL;
use serde_json::json;

use super::sign_in_as_demo_partner;
use crate::accessibility::look_and_check;
use crate::harness::{Context, browser_test, save_screenshot};
use crate::pages::outbox::OutboxPage;
use crate::pages::school_list::{REVOKED_SCHOOLS, SchoolListPage};
use crate::pages::school_portal::{DASHBOARD, SIGN_IN, SchoolPortal};
use crate::pages::school_tile::SchoolTilePage;
use crate::pages::{Screen, follow_main_nav};

/// Hana Head's school, active for the demo app until she revokes it here.
const HANA_SCHOOL: &str = "3280003";
/// A demo school revoked 14 days ago whose erasure the demo app has not confirmed.
const REVOKED_SCHOOL: &str = "3280010";
const APP: &str = "Demo Timetabler";
const NOT_YET: &str = "Erasure not yet confirmed";

/// The demo app confirms, as an app would, through the data API.
async fn app_confirms(app: &Context, school: &str) {
    let body = json!({
        "erased_at": chrono::Utc::now().to_rfc3339(), "records": true,
        "backups": { "erased_by": null }, "note": "No backups kept."
    });
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/schools/{school}/erasure-confirmation")))
        .bearer_auth(app.demo_app_key())
        .json(&body)
        .send()
        .await
        .expect("the data API answers");
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
}

#[tokio::test]
async fn erasure_not_yet_confirmed_shows_on_both_portals_until_the_app_confirms() {
    browser_test(|app, browser| async move {
        // The partner: Revoked Schools and the tile say the demo school's erasure is unconfirmed.
        let revoked = sign_in_as_demo_partner(&app, &browser).await.open_list(REVOKED_SCHOOLS).await;
        let shown = revoked.cell(REVOKED_SCHOOL, "Erasure").await;
        assert_eq!(shown.as_deref(), Some("Erasure not yet confirmed (14 days)"), "the list's Erasure column");
        look_and_check(&browser, "erasure-revoked-schools").await;
        let tile = SchoolTilePage::open_by_clicking(&browser, REVOKED_SCHOOL).await;
        assert_eq!(tile.detail("Erasure").await, "Erasure not yet confirmed (14 days)");
        save_screenshot(&browser, "erasure-tile-not-confirmed").await;

        // The school: Hana revokes the app; the app's page and the dashboard say erasure is owed.
        let school = app.open_browser().await;
        let portal = SchoolPortal::on(&school);
        school.goto(&app.url("/school/signin")).await.expect("opening the school sign-in");
        portal.expect_heading(SIGN_IN).await;
        portal.fill("Email address", DEMO_SCHOOL_EMAIL).await;
        portal.press("Email me a sign-in link").await;
        portal.expect_heading("Check your email").await;
        OutboxPage::open(&school, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_SCHOOL_EMAIL).await;
        portal.expect_heading(DASHBOARD).await;
        portal.follow(APP).await;
        portal.expect_heading(APP).await;
        portal.fill("Why (optional)", "Trial over").await;
        portal.press("Revoke access").await;
        portal.wait_for_message(|text| text.contains("can no longer read your data")).await;
        let page = portal.main_text().await;
        assert!(page.contains("Erasure not yet confirmed (0 days)"), "the app's page says so: {page}");
        school.execute("window.scrollTo(0, 0)", Vec::new()).await.expect("scrolling to the top");
        look_and_check(&school, "erasure-school-app-not-confirmed").await;
        follow_main_nav(&school, "Data sharing").await;
        portal.expect_heading(DASHBOARD).await;
        let row = portal.dashboard_row(APP).await;
        assert!(row[1].contains("Access revoked") && row[1].contains(NOT_YET), "the dashboard row: {row:?}");
        save_screenshot(&school, "erasure-school-dashboard-not-confirmed").await;

        // The app confirms for both schools: the notes go.
        app_confirms(&app, HANA_SCHOOL).await;
        app_confirms(&app, REVOKED_SCHOOL).await;
        school.refresh().await.expect("reloading the dashboard");
        portal.expect_heading(DASHBOARD).await;
        let row = portal.dashboard_row(APP).await;
        assert!(row[1].contains("Access revoked") && !row[1].contains(NOT_YET), "confirmed: {row:?}");
        save_screenshot(&school, "erasure-school-dashboard-confirmed").await;

        browser.refresh().await.expect("reloading Revoked Schools");
        let revoked = SchoolListPage::expect_shown(&browser, REVOKED_SCHOOLS).await;
        revoked.wait_for_cell(REVOKED_SCHOOL, "Erasure", "Confirmed").await;
        revoked.wait_for_cell(HANA_SCHOOL, "Erasure", "Confirmed").await;
        let tile = SchoolTilePage::expect_shown(&browser).await;
        assert_eq!(tile.detail("Erasure").await, "Confirmed");
        tile.press_escape().await;
        tile.wait_until_closed().await;
        save_screenshot(&browser, "erasure-revoked-schools-confirmed").await;
    })
    .await;
}
