//! Browser tests: real Chromium, driven through chromedriver, against the local server serving
//! the built SPA. `cargo xtask test` builds the SPA and points `GATEHOUSE_SPA_DIR` at it.

mod accessibility;
mod cases;
mod consent;
mod erasure;
mod harness;
mod keys;
mod ops_console;
mod pages;
mod people;
mod school_portal;
mod slow_device;
mod smoke;
mod webhooks;
mod wizards;

use accessibility::look_and_check;
use chrono::{Days, Local, NaiveDate};
use fantoccini::Client;
use gatehouse_core::demo::{COLLEAGUE_EMAIL, DEMO_EMAIL};
use harness::{Context, browser_test, save_screenshot};
use pages::auth_landing::LinkUnusablePage;
use pages::outbox::OutboxPage;
use pages::permission_set::PermissionSetPage;
use pages::school_list::{ACTIVE_SCHOOLS, PENDING_AUTHORISATIONS, REVOKED_SCHOOLS, SchoolListPage};
use pages::school_portal::SchoolPortal;
use pages::school_tile::{SchoolTilePage, row_has_focus};
use pages::sign_in::SignInPage;
use pages::team::TeamPage;
use pages::{Screen, follow_main_nav};

/// The headings of `view`'s columns as the model declares them; the SPA's
/// unit test pins the declaration to P2, P3 and P4, this test that the browser
/// shows exactly it (the priority marker beside the name where a partner looks).
fn headings(view: gatehouse_model::SchoolView) -> Vec<&'static str> {
    gatehouse_model::columns(view).iter().map(|column| column.heading).collect()
}

#[tokio::test]
async fn partner_signs_in_through_the_outbox_link_and_sees_active_schools() {
    browser_test(|app, browser| async move {
        let sign_in = SignInPage::open(&browser, &app.url("/signin")).await;
        sign_in.enter_email(DEMO_EMAIL).await;
        save_screenshot(&browser, "sign-in").await;
        sign_in.request_link().await;

        OutboxPage::open(&browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(DEMO_EMAIL).await;

        let schools = SchoolListPage::expect_shown(&browser, ACTIVE_SCHOOLS).await;
        schools.expect_partner_in_banner("Demo Partner Ltd").await;
        assert_eq!(schools.records_line().await, "Records 1–42 of 42");
        assert_eq!(schools.row_count().await, 42);
        assert_eq!(schools.column_headings().await, headings(gatehouse_model::SchoolView::Active));
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
    sign_in_as(app, browser, DEMO_EMAIL).await
}

/// Signs `email` in through the outbox link and waits for their Active Schools.
async fn sign_in_as<'a>(app: &Context, browser: &'a Client, email: &str) -> SchoolListPage<'a> {
    sign_in_by_email(app, browser, "/signin", "Sign in to Gatehouse", email).await;
    SchoolListPage::expect_shown(browser, ACTIVE_SCHOOLS).await
}

/// Signs `email` in to the school portal through its own sign-in page and the outbox link, and
/// waits for the dashboard.
pub(crate) async fn sign_in_to_the_school_portal<'a>(
    app: &Context,
    browser: &'a Client,
    email: &str,
) -> SchoolPortal<'a> {
    sign_in_by_email(app, browser, "/school/signin", pages::school_portal::SIGN_IN, email).await;
    let portal = SchoolPortal::on(browser);
    portal.expect_heading(pages::school_portal::DASHBOARD).await;
    portal
}

/// Asks the sign-in form at `path` (headed `form`) for a link for `email`, and follows the
/// link from the outbox; returns the link. Where it lands is the caller's to check.
pub(crate) async fn sign_in_by_email(app: &Context, browser: &Client, path: &str, form: &str, email: &str) -> String {
    browser.goto(&app.url(path)).await.unwrap_or_else(|error| panic!("opening {path}: {error}"));
    let sign_in = SignInPage::expect_form(browser, form).await;
    sign_in.fill("Email address", email).await;
    sign_in.request_link().await;
    OutboxPage::open(browser, &app.url("/dev/outbox")).await.follow_newest_sign_in_link(email).await
}

#[tokio::test]
async fn partner_filters_searches_and_sorts_active_schools() {
    browser_test(|app, browser| async move {
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
    browser_test(|app, browser| async move {
        let active = sign_in_as_demo_partner(&app, &browser).await;
        let lists = [ACTIVE_SCHOOLS, PENDING_AUTHORISATIONS, REVOKED_SCHOOLS].map(str::to_owned);
        assert_eq!(active.tabs().await, (lists.to_vec(), ACTIVE_SCHOOLS.to_owned()));

        let pending = active.open_list(PENDING_AUTHORISATIONS).await;
        assert_eq!(browser.current_url().await.expect("the current address").path(), "/schools/pending");
        assert_eq!(pending.tabs().await.1, PENDING_AUTHORISATIONS);
        assert_eq!(pending.records_line().await, "Records 1–12 of 12");
        assert_eq!(pending.column_headings().await, headings(gatehouse_model::SchoolView::Pending));
        let statuses = pending.column("Status").await;
        for status in ["Invitation Sent", "Ready to Authorise"] {
            assert!(statuses.iter().any(|shown| shown == status), "no {status:?} among {statuses:?}");
        }
        let key = pending.status_key().await;
        let explained = ["Invitation Sent", "Ready to Authorise", "Awaiting Verification", "Awaiting School Approval"];
        assert!(
            key.len() == explained.len() && key.iter().zip(explained).all(|(entry, status)| entry.starts_with(status)),
            "the status key should explain every status, not {key:?}"
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
        assert_eq!(revoked.column_headings().await, headings(gatehouse_model::SchoolView::Revoked));
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
    browser_test(|app, browser| async move {
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
    browser_test(|app, browser| async move {
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
    browser_test(|app, first| async move {
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

/// The Authorisation Log's labels (`LogEvent::label`), for checking that entries read as events.
const LOG_EVENTS: [&str; 17] = [
    "Invited",
    "Invitation resent",
    "Invitation cancelled",
    "Re-invited",
    "Reminded",
    "Authorised",
    "GDPR mode changed",
    "Feed paused",
    "Feed enabled",
    "Persons changed",
    "Scopes changed",
    "Re-authorisation requested",
    "Priority set",
    "Priority removed",
    "Revoke scheduled",
    "Revoke cancelled",
    "Revoked",
];

/// `2025-12-01` as the screens spell it: `1 December 2025`.
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The value of the address parameter `name`, if the address has it.
async fn address_param(browser: &Client, name: &str) -> Option<String> {
    let address = browser.current_url().await.expect("the current address");
    address.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

#[tokio::test]
async fn partner_opens_a_school_tile_from_active_schools_and_closes_it_with_escape() {
    browser_test(|app, browser| async move {
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        let name = schools.cell("3280001", "School Name").await.expect("school 3280001 in Active Schools");

        let tile = SchoolTilePage::open_by_clicking(&browser, "3280001").await;
        assert_eq!(tile.heading().await, name);
        assert!(tile.has_focus().await, "the focus should move into the tile when it opens");
        assert_eq!(address_param(&browser, "school").await.as_deref(), Some("3280001"), "the tile is in the address");
        assert_eq!(tile.detail("School ID").await, "3280001");
        for label in ["URN", "Local authority", "Postcode", "MIS", "Status", "Install status", "Cache age"] {
            let value = tile.detail(label).await;
            assert!(!value.is_empty() && value != "–", "{label} should be shown, not {value:?}");
        }
        // The count, then the links to the cases ("View cases · New Case").
        let cases = tile.detail("Active Cases").await;
        let count = cases.split_whitespace().next().unwrap_or_default();
        assert!(count.parse::<u32>().is_ok(), "Active Cases should start with a count, not {cases:?}");
        let contact = tile.detail("School contact").await;
        assert!(contact.contains("data.lead.3280001@school.example"), "the school contact reads {contact:?}");
        assert!(tile.detail("Partner contact").await.contains(DEMO_EMAIL), "the partner contact is the inviter");
        assert!(tile.badges().await.iter().any(|badge| badge == ACTIVE_SCHOOLS), "the tile names its list");

        let scopes = tile.scopes().await;
        let students = scopes.iter().find(|line| line.scope == "Students").expect("a Students scope");
        assert_eq!((students.requested.as_str(), students.granted.as_str()), ("Requested", "Granted"));

        let log = tile.log().await;
        assert!(!log.is_empty(), "an authorised school has an Authorisation Log");
        assert!(log.iter().all(|line| LOG_EVENTS.contains(&line.event.as_str())), "log events read {log:?}");
        assert!(log.iter().any(|line| line.event == "Authorised"), "an active school was authorised: {log:?}");
        assert!(log.iter().all(|line| line.actor.starts_with("By ")), "each entry says who: {log:?}");
        let actions = tile.actions().await;
        assert!(actions.contains(&"Revoke Access".to_owned()), "an active school can be revoked: {actions:?}");
        save_screenshot(&browser, "school-tile").await;
        tile.scroll_to("Authorisation Log").await;
        save_screenshot(&browser, "school-tile-log").await;

        tile.press_escape().await;
        tile.wait_until_closed().await;
        assert_eq!(address_param(&browser, "school").await, None, "closing takes the tile out of the address");
        assert!(row_has_focus(&browser, "3280001").await, "the focus should return to the row");

        // Back reopens the tile, as the address had it.
        browser.back().await.expect("going back");
        let tile = SchoolTilePage::expect_shown(&browser).await;
        assert_eq!(tile.heading().await, name);
        tile.press_escape().await;
        tile.wait_until_closed().await;

        // By keyboard: a row in the tab order, Enter opens its tile.
        let other = schools.cell("3280002", "School Name").await.expect("school 3280002 in Active Schools");
        let tile = SchoolTilePage::open_with_keyboard(&browser, "3280002").await;
        assert_eq!(tile.heading().await, other);

        browser.set_window_size(800, 1024).await.expect("a tablet-sized window");
        let (width, window) = tile.width_and_window().await;
        assert!((width - window).abs() < 1.0, "on a tablet the tile should fill the width ({width} of {window})");
        save_screenshot(&browser, "school-tile-tablet").await;
    })
    .await;
}

#[tokio::test]
async fn the_school_tile_says_whether_its_authorisation_log_is_unchanged() {
    browser_test(|app, browser| async move {
        // Someone with access to the store rewrites who authorised school 3280001.
        gatehouse_tests::tamper::rewrite_log_actor(app.gatehouse(), "3280001", 2, "Mallory").await;

        sign_in_as_demo_partner(&app, &browser).await;
        let tile = SchoolTilePage::open_by_clicking(&browser, "3280002").await;
        let line = tile.log_integrity().await;
        assert!(line.ends_with("Log verified: unchanged since written"), "an untouched log reads {line:?}");
        assert_eq!(tile.log_warning().await, None, "an untouched log needs no warning");
        tile.scroll_to("Authorisation Log").await;
        save_screenshot(&browser, "school-tile-log-verified").await;
        tile.press_escape().await;
        tile.wait_until_closed().await;

        let tile = SchoolTilePage::open_by_clicking(&browser, "3280001").await;
        let warning = tile.log_warning().await.expect("a warning at the top of the tile");
        assert!(
            warning.contains("This log was changed after it was written; contact support"),
            "the warning reads {warning:?}"
        );
        let line = tile.log_integrity().await;
        assert!(line.contains("Not verified"), "a changed log must not read as verified: {line:?}");
        assert!(tile.log().await.iter().any(|entry| entry.actor == "By Mallory"), "the changed entry shows as stored");
        look_and_check(&browser, "school-tile-log-changed").await;
        tile.scroll_to("Authorisation Log").await;
        save_screenshot(&browser, "school-tile-log-changed-entries").await;
    })
    .await;
}

#[tokio::test]
async fn partner_revokes_from_a_later_date_through_the_wizard() {
    browser_test(|app, browser| async move {
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        assert_eq!(schools.cell("3280002", "Revoke Pending").await.as_deref(), Some("–"));
        let tile = SchoolTilePage::open_by_clicking(&browser, "3280002").await;

        tile.open_action("Revoke Access", "Revoke access: step 1 of 3").await;
        tile.press("Next").await;
        let alerts = tile.alerts().await;
        assert!(alerts.iter().any(|alert| alert.contains("Choose why")), "no reason, no next step: {alerts:?}");
        tile.choose("Other").await;
        tile.press("Next").await;
        let alerts = tile.alerts().await;
        assert!(alerts.iter().any(|alert| alert.contains("note")), "Other needs a note: {alerts:?}");
        tile.fill("Note", "Moving to another timetabling provider").await;
        save_screenshot(&browser, "revoke-step-1-reason").await;
        tile.press("Next").await;

        tile.wait_for_form("Revoke access: step 2 of 3").await;
        let today = Local::now().date_naive();
        let (value, min) = tile.date_field("Access ends on").await;
        assert_eq!((value.as_str(), min.as_deref()), (today.to_string().as_str(), Some(today.to_string().as_str())));
        let ends = today.checked_add_days(Days::new(10)).expect("a date ten days on");
        tile.set_date("Access ends on", &ends.to_string()).await;
        save_screenshot(&browser, "revoke-step-2-date").await;
        tile.press("Next").await;

        tile.wait_for_form("Revoke access: step 3 of 3").await;
        let summary = tile.summary().await;
        assert!(summary.contains(&format!("Access ends on {}", long_date(ends))), "the summary reads {summary:?}");
        assert!(summary.contains("Schools must authorise again"), "the summary reads {summary:?}");
        assert!(summary.contains("Moving to another timetabling provider"), "the summary reads {summary:?}");
        save_screenshot(&browser, "revoke-step-3-confirm").await;
        let (message, newest) = tile.finish_action("Confirm revocation", "Revoke scheduled").await;
        assert!(message.contains(&ends.to_string()), "the tile should say when access ends: {message:?}");
        assert!(newest.detail.contains(&ends.to_string()), "the log entry names the date: {newest:?}");
        assert!(newest.detail.contains("Moving to another"), "the log entry keeps the note: {newest:?}");
        let badges = tile.badges().await;
        assert!(badges.iter().any(|badge| badge.starts_with("Revoke Pending")), "badges read {badges:?}");
        assert!(
            tile.actions().await.contains(&"Cancel Revocation".to_owned()),
            "a pending revocation can be cancelled"
        );

        // The list behind the tile was fetched again: the row now shows the date.
        schools.wait_for_cell("3280002", "Revoke Pending", &ends.to_string()).await;
        save_screenshot(&browser, "revoke-scheduled").await;
    })
    .await;
}

#[tokio::test]
async fn partner_resends_an_invitation_to_a_new_contact() {
    browser_test(|app, browser| async move {
        let pending = sign_in_as_demo_partner(&app, &browser).await.open_list(PENDING_AUTHORISATIONS).await;
        let tile = SchoolTilePage::open_by_clicking(&browser, "3280018").await;
        assert!(tile.actions().await.contains(&"Resend Invite".to_owned()), "a pending school can be invited again");

        tile.open_action("Resend Invite", "Resend the invitation").await;
        tile.choose("Send to a new contact").await;
        tile.fill("Name", "Nia Newton").await;
        tile.fill("Email address", "nia.newton@school.example").await;
        tile.fill("Role", "Data Manager").await;
        save_screenshot(&browser, "resend-invite").await;
        let (message, newest) = tile.finish_action("Send invitation", "Invitation resent").await;
        assert!(message.contains("nia.newton@school.example"), "the tile should say where it went: {message:?}");
        assert!(newest.detail.contains("nia.newton@school.example"), "the log names the new contact: {newest:?}");
        pending.wait_for_cell("3280018", "School Contact", "nia.newton@school.example").await;

        let outbox = OutboxPage::open(&browser, &app.url("/dev/outbox")).await;
        let emails = outbox.emails_to("nia.newton@school.example").await;
        assert_eq!(emails.len(), 1, "one invitation to the new contact, not {emails:?}");
    })
    .await;
}

#[tokio::test]
async fn partner_sets_priority_on_a_pending_school_and_filters_priority_only() {
    browser_test(|app, browser| async move {
        let pending = sign_in_as_demo_partner(&app, &browser).await.open_list(PENDING_AUTHORISATIONS).await;
        let before = pending.priority_row_count().await;
        assert!(!pending.is_priority("3280019").await, "3280019 starts as no priority");

        let tile = SchoolTilePage::open_by_clicking(&browser, "3280019").await;
        tile.start_action("Set Priority").await;
        let message = tile.wait_for_message().await;
        assert!(message.contains("priority"), "the tile should say what changed: {message:?}");
        tile.wait_for_newest_log_entry("Priority set").await;
        assert!(tile.actions().await.contains(&"Remove Priority".to_owned()), "priority can be taken off again");
        assert!(tile.badges().await.iter().any(|badge| badge.contains("Priority")), "the tile marks the priority");
        pending.wait_for_priority_rows(before + 1).await;
        assert!(pending.is_priority("3280019").await, "the list behind the tile marks 3280019 as a priority");
        tile.press_escape().await;
        tile.wait_until_closed().await;

        pending.toggle_checkbox("Priority only").await;
        let narrowed = format!("Records 1–{0} of {0} (filtered from 12)", before + 1);
        pending.wait_for_records("with priority schools only", |line| line == narrowed).await;
        assert!(pending.column("School ID").await.contains(&"3280019".to_owned()), "3280019 is now a priority");
        assert_eq!(address_param(&browser, "priority").await.as_deref(), Some("true"));
        save_screenshot(&browser, "pending-priority-set").await;
    })
    .await;
}

#[tokio::test]
async fn admin_adds_a_scope_and_active_schools_show_re_authorisation_needed() {
    browser_test(|app, browser| async move {
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        let needed_before = schools.column("Re-authorisation").await.iter().filter(|cell| *cell == "Needed").count();
        assert!(needed_before < 42, "some schools granted everything the demo app asks for");

        let permissions = PermissionSetPage::open_from_nav(&browser).await;
        assert!(permissions.is_ticked("Students").await, "the demo app asks for students");
        assert!(!permissions.description("Students").await.is_empty(), "each scope says what it shares");
        let flags = permissions.flags().await;
        let (added, _) = flags.iter().find(|(_, ticked)| !ticked).expect("a flag the demo app does not ask for");
        assert!(permissions.is_editable(added).await, "an admin can change the set");
        permissions.toggle(added).await;
        save_screenshot(&browser, "permission-set").await;

        permissions.press("Save").await;
        let confirmation = permissions.confirmation().await;
        assert!(
            confirmation.contains("Adding scopes asks every authorised school (")
                && confirmation.contains("to authorise again; until they do, your app reads only what they granted."),
            "the confirmation reads {confirmation:?}"
        );
        save_screenshot(&browser, "permission-set-confirm").await;
        permissions.press("Save and ask schools").await;

        let message = permissions.wait_for_message().await;
        let expected_start = format!("Added: {added}; removed: none; ");
        assert!(
            message.starts_with(&expected_start) && message.ends_with("emailed to re-authorise."),
            "saving should say what changed: {message:?}"
        );
        let emailed: u32 = message[expected_start.len()..]
            .split_whitespace()
            .next()
            .and_then(|count| count.parse().ok())
            .unwrap_or_else(|| panic!("no count of schools in {message:?}"));
        assert!(emailed > 0, "the authorised schools should have been emailed: {message:?}");
        assert!(permissions.is_ticked(added).await, "the saved set keeps the new scope");
        save_screenshot(&browser, "permission-set-saved").await;

        follow_main_nav(&browser, "Schools").await;
        let schools = SchoolListPage::expect_shown(&browser, ACTIVE_SCHOOLS).await;
        let needed = schools.column("Re-authorisation").await.iter().filter(|cell| *cell == "Needed").count();
        assert!(
            needed > needed_before,
            "more schools should need to re-authorise ({needed_before} before, {needed} now)"
        );
        schools.select_filter("Re-authorisation", "Needed").await;
        let narrowed = format!("Records 1–{needed} of {needed} (filtered from 42)");
        schools.wait_for_records("needing re-authorisation", |line| line == narrowed).await;
        let shown = schools.column("Re-authorisation").await;
        assert!(shown.iter().all(|cell| cell == "Needed"), "the filter kept {shown:?}");
        assert_eq!(address_param(&browser, "reauthorisation").await.as_deref(), Some("true"));
        save_screenshot(&browser, "active-schools-reauthorisation").await;

        let school_id = schools.column("School ID").await.remove(0);
        let tile = SchoolTilePage::open_by_clicking(&browser, &school_id).await;
        let scope = tile.scopes().await.into_iter().find(|line| &line.scope == added).expect("the added scope");
        assert_eq!(scope.granted, "Awaiting re-authorisation", "the tile marks the scope the school lacks");
        tile.press_escape().await;
        tile.wait_until_closed().await;

        schools.clear_filters().await;
        schools.wait_for_records("back to every school", |line| line == "Records 1–42 of 42").await;
        assert_eq!(address_param(&browser, "reauthorisation").await, None, "Clear Filters clears it too");
    })
    .await;
}

#[tokio::test]
async fn admin_adds_a_colleague_and_removes_them() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        let team = TeamPage::open_from_nav(&browser).await;
        let me = team.wait_for_member(DEMO_EMAIL).await;
        assert!(me[0].contains("Dana Demo") && me[2] == "Admin", "the demo partner is an admin: {me:?}");

        team.fill("Name", "Chris Colleague").await;
        team.fill("Email address", "chris@partner.example").await;
        team.select("Role", "Member").await;
        team.press("Add colleague").await;
        team.wait_for_message(|text| text.starts_with("Chris Colleague (chris@partner.example) was added")).await;
        let chris = team.wait_for_member("chris@partner.example").await;
        assert_eq!((chris[0].as_str(), chris[2].as_str()), ("Chris Colleague", "Member"));
        assert!(chris[4].contains("Dana Demo"), "the table says who added them: {chris:?}");
        save_screenshot(&browser, "team").await;

        team.remove("chris@partner.example").await;
        let confirmation = team.confirmation().await;
        assert!(confirmation.contains("Remove Chris Colleague?"), "the confirmation reads {confirmation:?}");
        save_screenshot(&browser, "team-remove-confirm").await;
        team.press("Yes, remove").await;
        team.wait_for_message(|text| text.contains("was removed from the team")).await;
        team.wait_until_gone("chris@partner.example").await;
        let emails: Vec<String> = team.rows().await.into_iter().map(|cells| cells[1].clone()).collect();
        assert!(emails.contains(&DEMO_EMAIL.to_owned()), "the admin stays: {emails:?}");
    })
    .await;
}

#[tokio::test]
async fn partner_cancels_a_scheduled_revocation_after_confirming() {
    browser_test(|app, browser| async move {
        let schools = sign_in_as_demo_partner(&app, &browser).await;
        let planned = schools.cell("3280005", "Revoke Pending").await.expect("school 3280005 in Active Schools");
        assert!(is_iso_date(&planned), "the demo data plans a revocation for 3280005, not {planned:?}");

        let tile = SchoolTilePage::open_by_clicking(&browser, "3280005").await;
        tile.open_action("Cancel Revocation", "Cancel the revocation?").await;
        // Escape closes the form, not the tile, and the action is still there to start again.
        tile.press_escape().await;
        assert!(tile.actions().await.contains(&"Cancel Revocation".to_owned()), "Escape should close the form only");
        tile.open_action("Cancel Revocation", "Cancel the revocation?").await;
        let (message, _) = tile.finish_action("Yes, cancel the revocation", "Revoke cancelled").await;
        assert!(message.contains("keeps its access"), "the tile should say what changed: {message:?}");
        schools.wait_for_cell("3280005", "Revoke Pending", "–").await;
    })
    .await;
}

#[tokio::test]
async fn partner_cancels_an_invitation_and_the_school_leaves_pending() {
    browser_test(|app, browser| async move {
        let pending = sign_in_as_demo_partner(&app, &browser).await.open_list(PENDING_AUTHORISATIONS).await;
        let tile = SchoolTilePage::open_by_clicking(&browser, "3280029").await;
        tile.open_action("Cancel Invite", "Cancel the invitation?").await;
        save_screenshot(&browser, "cancel-invite-confirm").await;
        let (message, _) = tile.finish_action("Yes, cancel the invitation", "Invitation cancelled").await;
        assert!(message.contains("cancelled"), "the tile should say what changed: {message:?}");
        assert!(tile.note().await.contains("no longer in any list"), "the tile says the school left every list");
        pending.wait_until_gone("3280029").await;
    })
    .await;
}

#[tokio::test]
async fn partner_reinvites_a_revoked_school_which_moves_to_pending() {
    browser_test(|app, browser| async move {
        let revoked = sign_in_as_demo_partner(&app, &browser).await.open_list(REVOKED_SCHOOLS).await;
        let tile = SchoolTilePage::open_by_clicking(&browser, "3280010").await;
        tile.open_action("Re-invite", "Invite the school again").await;
        tile.choose("Send to the current contact (data.lead.3280010@school.example)").await;
        let (message, _) = tile.finish_action("Send invitation", "Re-invited").await;
        assert!(message.contains("data.lead.3280010@school.example"), "the tile says where it went: {message:?}");
        assert!(tile.note().await.contains(PENDING_AUTHORISATIONS), "the tile says where the school is now");
        revoked.wait_until_gone("3280010").await;

        let outbox = OutboxPage::open(&browser, &app.url("/dev/outbox")).await;
        assert_eq!(outbox.emails_to("data.lead.3280010@school.example").await.len(), 1, "one invitation is sent");
    })
    .await;
}

#[tokio::test]
async fn a_member_sees_the_permission_set_and_team_read_only() {
    browser_test(|app, browser| async move {
        sign_in_as(&app, &browser, COLLEAGUE_EMAIL).await;
        let permissions = PermissionSetPage::open_from_nav(&browser).await;
        assert!(permissions.is_ticked("Students").await, "a member sees the set");
        assert!(!permissions.is_editable("Students").await, "a member cannot change it");
        assert!(!permissions.has_button("Save").await, "a member has nothing to save");

        let team = TeamPage::open_from_nav(&browser).await;
        team.wait_for_member(DEMO_EMAIL).await;
        assert!(!team.has_button("Add colleague").await, "a member cannot add colleagues");
        assert!(team.rows().await.iter().all(|cells| !cells.iter().any(|cell| cell.starts_with("Remove"))));
    })
    .await;
}
