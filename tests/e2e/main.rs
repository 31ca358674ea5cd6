//! Browser tests: real Chromium, driven through chromedriver, against the local server serving
//! the built SPA. `cargo xtask test` builds the SPA and points `GATEHOUSE_SPA_DIR` at it.

mod harness;
mod pages;

use fantoccini::Client;
use gatehouse_core::demo::DEMO_EMAIL;
use harness::{Context, browser_test, save_screenshot};
use pages::auth_landing::LinkUnusablePage;
use pages::outbox::OutboxPage;
use pages::school_list::{ACTIVE_SCHOOLS, PENDING_AUTHORISATIONS, REVOKED_SCHOOLS, SchoolListPage};
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

/// P3's columns, the priority marker beside the name where a partner looks.
const PENDING_COLUMNS: [&str; 9] = [
    "School ID",
    "School Name",
    "Priority",
    "MIS",
    "Date Invited",
    "School Contact",
    "Partner Contact",
    "Status",
    "Install Type",
];

/// P4's columns.
const REVOKED_COLUMNS: [&str; 6] = ["School ID", "School Name", "MIS", "Authorised On", "Revoked On", "Revoked By"];

#[tokio::test]
async fn partner_signs_in_through_the_outbox_link_and_sees_active_schools() {
    browser_test(|app| async move {
        let browser = app.open_browser().await;
        let sign_in = SignInPage::open(&browser, &app.url("/signin")).await;
        sign_in.enter_email(DEMO_EMAIL).await;
        save_screenshot(&browser, "sign-in").await;
        sign_in.request_link().await;

        OutboxPage::open(&browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_EMAIL).await;

        let schools = SchoolListPage::expect_shown(&browser, ACTIVE_SCHOOLS).await;
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
async fn sign_in_as_demo_partner<'a>(app: &Context, browser: &'a Client) -> SchoolListPage<'a> {
    let sign_in = SignInPage::open(browser, &app.url("/signin")).await;
    sign_in.enter_email(DEMO_EMAIL).await;
    sign_in.request_link().await;
    OutboxPage::open(browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_EMAIL).await;
    SchoolListPage::expect_shown(browser, ACTIVE_SCHOOLS).await
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
async fn partner_switches_between_the_three_lists() {
    browser_test(|app| async move {
        let browser = app.open_browser().await;
        let active = sign_in_as_demo_partner(&app, &browser).await;
        let lists = [ACTIVE_SCHOOLS, PENDING_AUTHORISATIONS, REVOKED_SCHOOLS].map(str::to_owned);
        assert_eq!(active.tabs().await, (lists.to_vec(), ACTIVE_SCHOOLS.to_owned()));

        let pending = active.open_list(PENDING_AUTHORISATIONS).await;
        assert_eq!(browser.current_url().await.expect("the current address").path(), "/schools/pending");
        assert_eq!(pending.tabs().await.1, PENDING_AUTHORISATIONS);
        assert_eq!(pending.records_line().await, "Records 1–12 of 12");
        assert_eq!(pending.column_headings().await, PENDING_COLUMNS);
        let statuses = pending.column("Status").await;
        for status in ["Invitation Sent", "Ready to Authorise"] {
            assert!(statuses.iter().any(|shown| shown == status), "no {status:?} among {statuses:?}");
        }
        let key = pending.status_key().await;
        assert!(
            key.len() == 2 && key[0].starts_with("Invitation Sent") && key[1].starts_with("Ready to Authorise"),
            "the status key should explain both statuses, not {key:?}"
        );
        let priorities = pending.priority_row_count().await;
        assert!((1..12).contains(&priorities), "the demo data marks some pending schools as a priority");
        save_screenshot(&browser, "pending").await;

        pending.toggle_checkbox("Priority only").await;
        let narrowed = format!("Records 1–{priorities} of {priorities} (filtered from 12)");
        pending.wait_for_records("with priority schools only", |line| line == narrowed).await;
        assert_eq!(pending.priority_row_count().await, priorities, "every school listed should be a priority");
        let address = browser.current_url().await.expect("the current address");
        assert_eq!(address.query(), Some("priority=true"), "the filter should be in the address");

        let revoked = pending.open_list(REVOKED_SCHOOLS).await;
        assert_eq!(revoked.tabs().await.1, REVOKED_SCHOOLS);
        assert_eq!(revoked.records_line().await, "Records 1–6 of 6", "the list should start unfiltered");
        assert_eq!(revoked.column_headings().await, REVOKED_COLUMNS);
        let revoked_on = revoked.column("Revoked On").await;
        assert!(revoked_on.iter().all(|date| is_iso_date(date)), "Revoked On listed {revoked_on:?}");
        let revoked_by = revoked.column("Revoked By").await;
        assert!(revoked_by.iter().all(|who| !who.is_empty() && who != "–"), "Revoked By listed {revoked_by:?}");
        save_screenshot(&browser, "revoked").await;

        // Back returns to the filtered pending list it left.
        browser.back().await.expect("going back");
        let pending = SchoolListPage::expect_shown(&browser, PENDING_AUTHORISATIONS).await;
        pending.wait_for_records("with priority schools only, again", |line| line == narrowed).await;
        save_screenshot(&browser, "pending-priority").await;

        browser.set_window_size(768, 1024).await.expect("a tablet-sized window");
        save_screenshot(&browser, "pending-tablet").await;
        assert!(!pending.scrolls_sideways().await, "on a tablet the pending list should fit the page");
        let revoked = pending.open_list(REVOKED_SCHOOLS).await;
        save_screenshot(&browser, "revoked-tablet").await;
        assert!(!revoked.scrolls_sideways().await, "on a tablet the revoked list should fit the page");
    })
    .await;
}

#[tokio::test]
async fn partner_exports_the_filtered_view_as_csv() {
    browser_test(|app| async move {
        let browser = app.open_browser().await;
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        schools.select_filter("Status", "Error").await;
        let records = schools.wait_for_records("filtered to Error", |line| line.ends_with("(filtered from 42)")).await;
        let listed = record_total(&records);

        let href = schools.export_href().await;
        assert!(href.starts_with("/api/partner/schools/export?"), "Export CSV points at {href}");
        assert!(
            href.contains("view=active") && href.contains("status=Error"),
            "the export should name the view and the filter: {href}"
        );
        assert!(!href.contains("page"), "the export should hold every page, not ask for one: {href}");

        let download = schools.fetch(&href).await;
        assert_eq!(download.status, 200, "the export answered {download:?}");
        let content_type = download.content_type.unwrap_or_default();
        assert!(content_type.starts_with("text/csv"), "the export is {content_type:?}");
        let disposition = download.disposition.unwrap_or_default();
        assert!(
            disposition.starts_with("attachment; filename=\"active-schools-") && disposition.ends_with(".csv\""),
            "the export should download as a dated file, not {disposition:?}"
        );
        let body = download.text.strip_prefix('\u{feff}').unwrap_or_else(|| {
            panic!("the CSV should start with a byte order mark, so a spreadsheet reads it as UTF-8")
        });

        let mut csv = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = csv.headers().expect("the CSV's header row").iter().map(str::to_owned).collect();
        assert_eq!(header, schools.column_headings().await, "the CSV's columns should be the table's");
        let status = header.iter().position(|heading| heading == "Status").expect("a Status column");
        let rows: Vec<csv::StringRecord> = csv.records().map(|row| row.expect("a CSV row")).collect();
        assert_eq!(rows.len(), listed, "one row per school in the filtered list ({records})");
        let statuses: Vec<&str> = rows.iter().map(|row| &row[status]).collect();
        assert!(statuses.iter().all(|status| *status == "Error"), "the CSV's statuses are {statuses:?}");
    })
    .await;
}

/// `n` in "Records x–y of n", with or without "(filtered from m)".
fn record_total(line: &str) -> usize {
    let total = line.split(" of ").nth(1).and_then(|rest| rest.split_whitespace().next());
    total.and_then(|total| total.parse().ok()).unwrap_or_else(|| panic!("no total in {line:?}"))
}

fn is_iso_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
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
        SchoolListPage::expect_shown(&first, ACTIVE_SCHOOLS).await;

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
