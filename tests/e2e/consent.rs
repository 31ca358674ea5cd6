//! #12 in the browser: only the school says yes. A school that already has an admin decides
//! about an authorisation someone else made through an emailed link: the partner sees it
//! "Awaiting School Approval", the admin is emailed, a member of the school sees the request but
//! cannot answer it, the admin approves in the school portal and the partner sees the school
//! Active. A first-time school whose authoriser nothing vouches for waits for Gatehouse
//! operations, who verify them from the console's Verifications queue with the evidence before
//! them; ops also keep the directory's verified email domains. A partner naming its own address
//! as the school contact is refused at the email field. axe-core checks each new page.

use fantoccini::Client;
use gatehouse_core::demo::{DEMO_EMAIL, OTHER_EMAIL};

use super::{sign_in_as, sign_in_to_the_school_portal};
use crate::accessibility::{assert_accessible, look_and_check};
use crate::harness::{Context, browser_test, save_screenshot};
use crate::ops_console::sign_in_to_the_console;
use crate::pages::actions::{fill, press, wait_for, wait_for_text};
use crate::pages::authorise::{AUTHORISED, AuthorisePage};
use crate::pages::outbox::OutboxPage;
use crate::pages::school_list::{ACTIVE_SCHOOLS, PENDING_AUTHORISATIONS, SchoolListPage};
use crate::pages::school_portal::{COLLEAGUES, DASHBOARD, SchoolPortal};
use crate::pages::verifications::VerificationsPage;
use crate::pages::{Screen, Wizard, button, follow_main_nav, open_from_main_nav};
use crate::wizards::{BROOKSIDE, BROOKSIDE_URN, answer_with_defaults, invite, open_link_as_school};

/// Brookside's first admin: her address is at the directory's verified domain for the school.
const BEA: (&str, &str) = ("Bea Bursar", "bea@brookside-infant-school.example");
/// Someone Other Partner plc names at Brookside, at an address the directory does not vouch for.
const OFFICE: (&str, &str) = ("Oli Office", "office@brookside-parents.example");
/// A colleague Bea adds as a member.
const MIA: (&str, &str) = ("Mia Member", "mia@brookside-infant-school.example");
/// The Other partner's app.
const OTHER_APP: &str = "Other Homework";
/// The heading after authorising when the school's admins decide.
const WAITING_FOR_APPROVAL: &str = "Waiting for your school's approval";
/// The heading after authorising when ops verify the authoriser.
const WAITING_FOR_VERIFICATION: &str = "Waiting for verification";
/// In the directory extract, with no website and so no verified email domain.
const MILLBROOK_URN: &str = "140007";
const MILLBROOK: &str = "Millbrook Academy";
const MO: (&str, &str) = ("Mo Manager", "mo@millbrook-academy.example");

/// A partner signs in as `email` in the window `partner` and invites `search` (the words it
/// types, the URN it picks) with `contact`; the contact opens the emailed link in a browser of
/// their own and authorises with the default answers. The authorisation waits (#12), under the
/// heading `waiting`, and nothing is shared yet. Returns the contact's browser and what the page
/// says.
async fn invited_and_waiting(
    app: &Context,
    (partner, email): (&Client, &str),
    search: (&str, &str),
    contact: (&str, &str),
    waiting: &str,
) -> (Client, String) {
    sign_in_as(app, partner, email).await;
    invite(partner, search.0, search.1, contact).await.wait_for_sent().await;
    let (school, _) = open_link_as_school(app, contact.1).await;
    let page = AuthorisePage::on(&school);
    answer_with_defaults(&page, "Business Manager").await;
    let text = wait_for_text(&school, "the answer to Authorise Sharing", |text| !text.contains("Step 7 of 7")).await;
    page.expect_heading(waiting).await;
    assert!(text.contains("Nothing is shared yet"), "the outcome says nothing flows: {text}");
    (school, text)
}

#[tokio::test]
async fn a_school_with_an_admin_approves_what_someone_else_authorised() {
    browser_test(|app, demo| async move {
        // Bea, at the directory's domain for Brookside, authorises the demo partner's app and so
        // becomes the school's first admin.
        sign_in_as(&app, &demo, DEMO_EMAIL).await;
        invite(&demo, BROOKSIDE, BROOKSIDE_URN, BEA).await.wait_for_sent().await;
        let (bea_link, _) = open_link_as_school(&app, BEA.1).await;
        answer_with_defaults(&AuthorisePage::on(&bea_link), "Business Manager").await;
        AuthorisePage::on(&bea_link).expect_heading(AUTHORISED).await;

        // Other Partner plc names someone else at Brookside, who authorises through the link.
        let other = app.open_browser().await;
        let (office, text) =
            invited_and_waiting(&app, (&other, OTHER_EMAIL), (BROOKSIDE, BROOKSIDE_URN), OFFICE, WAITING_FOR_APPROVAL)
                .await;
        assert!(text.contains("have been emailed"), "the outcome says the admins were told: {text}");
        look_and_check(&office, "authorise-waiting-for-approval").await;

        // The partner sees it waiting for the school.
        let pending = open_school_list(&other, &app.url("/schools/pending"), PENDING_AUTHORISATIONS).await;
        pending.wait_for_cell(BROOKSIDE_URN, "Status", "Awaiting School Approval").await;
        look_and_check(&other, "pending-awaiting-school-approval").await;

        // Bea is emailed, signs in to the school portal and sees the request on her dashboard.
        let subjects = OutboxPage::open(&bea_link, &app.url("/dev/outbox")).await.emails_to(BEA.1).await;
        assert!(
            subjects.iter().any(|subject| subject.contains(OTHER_APP) && subject.contains("an admin must approve")),
            "Bea should be asked to approve: {subjects:?}"
        );
        let bea = app.open_browser().await;
        sign_in_to_the_school_portal(&app, &bea, BEA.1).await;
        let portal = SchoolPortal::on(&bea);
        let row = portal.dashboard_row(OTHER_APP).await;
        assert_eq!(row[1], "Waiting for an admin's approval", "{row:?}");
        let text = portal.main_text().await;
        assert!(text.contains("wait for an admin's approval"), "the dashboard says a request waits: {text}");
        look_and_check(&bea, "school-portal-dashboard-waiting").await;

        // Bea adds Mia as a member, and can change her access both ways.
        open_from_main_nav(&bea, COLLEAGUES).await;
        wait_for_text(&bea, "the colleagues", |text| text.contains(BEA.1)).await;
        portal.fill("Name", MIA.0).await;
        portal.fill("Work email", MIA.1).await;
        portal.fill("Role at the school", "Data Manager").await;
        portal.press("Add colleague").await;
        let text = wait_for_text(&bea, "Mia to be added", |text| text.contains("can now sign in as a Member")).await;
        assert!(text.contains(MIA.1), "{text}");
        press(&bea, &format!("Make admin {}", MIA.0)).await;
        wait_for_text(&bea, "Mia to be an admin", |text| text.contains("Mia Member is now an Admin.")).await;
        press(&bea, &format!("Make member {}", MIA.0)).await;
        wait_for_text(&bea, "Mia to be a member", |text| text.contains("Mia Member is now a Member.")).await;
        look_and_check(&bea, "school-portal-colleagues-access").await;

        // Mia, a member, sees the request but cannot answer it, and is told whom to ask.
        let mia = app.open_browser().await;
        sign_in_to_the_school_portal(&app, &mia, MIA.1).await;
        let member = SchoolPortal::on(&mia);
        member.dashboard_row(OTHER_APP).await;
        member.follow(OTHER_APP).await;
        member.expect_heading(OTHER_APP).await;
        let text =
            wait_for_text(&mia, "the member's note", |text| text.contains("Only an admin can change this")).await;
        assert!(text.contains(&format!("ask {}", BEA.0)), "the note names the admin: {text}");
        assert!(text.contains("Request waiting for an admin's approval"), "the member sees the request: {text}");
        assert!(!has_button(&mia, "Approve").await, "a member has no Approve button");
        assert!(!has_button(&mia, "Decline").await, "a member has no Decline button");
        look_and_check(&mia, "school-portal-app-member").await;

        // Bea opens the request, sees exactly what was asked, and approves it.
        follow_main_nav(&bea, "Data sharing").await;
        portal.expect_heading(DASHBOARD).await;
        portal.dashboard_row(OTHER_APP).await;
        portal.follow(OTHER_APP).await;
        portal.expect_heading(OTHER_APP).await;
        let text =
            wait_for_text(&bea, "the request panel", |text| text.contains("Request waiting for an admin's approval"))
                .await;
        assert!(text.contains(OFFICE.1) && text.contains("Include All"), "the request's answers are shown: {text}");
        wait_for(&bea, &button("Approve"), "the Approve button").await;
        assert_accessible(&bea, "school-portal-app-request").await;
        save_screenshot(&bea, "school-approval").await;
        portal.press("Approve").await;
        let message = portal.wait_for_message(|text| text.contains("is authorised to read")).await;
        assert!(message.starts_with(OTHER_APP), "{message}");
        assert!(!has_button(&bea, "Approve").await, "nothing waits once approved");

        // The Other partner sees Brookside Active.
        let active = open_school_list(&other, &app.url("/schools"), ACTIVE_SCHOOLS).await;
        let status = active.cell(BROOKSIDE_URN, "School Name").await;
        assert_eq!(status.as_deref(), Some(BROOKSIDE), "Brookside is in the Other partner's Active Schools");
        save_screenshot(&other, "active-after-school-approval").await;
    })
    .await;
}

#[tokio::test]
async fn ops_verify_the_first_authoriser_of_a_school_nothing_vouches_for() {
    browser_test(|app, demo| async move {
        let (school, text) =
            invited_and_waiting(&app, (&demo, DEMO_EMAIL), (MILLBROOK, MILLBROOK_URN), MO, WAITING_FOR_VERIFICATION)
                .await;
        assert!(text.contains("Gatehouse operations are verifying"), "the outcome says who checks: {text}");
        look_and_check(&school, "authorise-waiting-for-verification").await;

        let pending = open_school_list(&demo, &app.url("/schools/pending"), PENDING_AUTHORISATIONS).await;
        pending.wait_for_cell(MILLBROOK_URN, "Status", "Awaiting Verification").await;
        pending.select_filter("Status", "Awaiting Verification").await;
        pending.wait_for_records("filtered to Awaiting Verification", |line| line.contains("filtered from")).await;
        let statuses = pending.column("Status").await;
        assert!(statuses.iter().all(|status| status == "Awaiting Verification"), "{statuses:?}");
        assert!(pending.status_key().await.iter().any(|entry| entry.starts_with("Awaiting Verification")));
        // Wide enough for the Status column and the key beside the badge.
        demo.set_window_size(1800, 1000).await.expect("a wide window");
        look_and_check(&demo, "pending-awaiting-verification").await;
        demo.set_window_size(1280, 900).await.expect("back to a desktop window");

        // Ops see the evidence in the console's queue and verify Mo.
        let ops = app.open_browser().await;
        sign_in_to_the_console(&app, &ops).await;
        follow_main_nav(&ops, "Verifications").await;
        let queue = VerificationsPage::expect_shown(&ops).await;
        let evidence = queue.evidence(MO.0).await;
        let fact = |label: &str| {
            evidence.iter().find(|(name, _)| name == label).map(|(_, value)| value.clone()).unwrap_or_default()
        };
        assert!(fact("School").contains(MILLBROOK) && fact("School").contains(MILLBROOK_URN), "{evidence:?}");
        assert_eq!(fact("Email"), MO.1, "{evidence:?}");
        assert!(fact("Email domain").starts_with("millbrook-academy.example"), "{evidence:?}");
        assert_eq!(fact("Directory's domains"), "None listed", "{evidence:?}");
        assert!(fact("App").contains("Demo Timetabler"), "{evidence:?}");
        assert!(!fact("Invited by").is_empty(), "{evidence:?}");
        look_and_check(&ops, "ops-verifications").await;
        let text = queue.verify(MO.0).await;
        assert!(text.contains("Millbrook Academy's first admin"), "{text}");
        wait_for_text(&ops, "the queue to empty", |text| text.contains("Nobody is waiting for verification.")).await;

        // The partner sees the school Active.
        let active = open_school_list(&demo, &app.url("/schools"), ACTIVE_SCHOOLS).await;
        let name = active.cell(MILLBROOK_URN, "School Name").await;
        assert_eq!(name.as_deref(), Some(MILLBROOK), "Millbrook is in the demo partner's Active Schools");

        // Ops record Millbrook's own email domain in the directory, so its next authoriser there
        // needs no check.
        open_from_main_nav(&ops, "School directory").await;
        fill(&ops, "Name, URN, local authority or postcode", MILLBROOK_URN).await;
        press(&ops, "Search").await;
        let edit = format!("Edit {MILLBROOK}");
        wait_for(&ops, &button(&edit), "Millbrook among the schools found").await;
        press(&ops, &edit).await;
        fill(&ops, "Verified email domains", "millbrook-academy.example").await;
        look_and_check(&ops, "ops-directory-email-domains").await;
        press(&ops, "Save").await;
        let text = wait_for_text(&ops, "the entry to be saved", |text| text.contains("was saved")).await;
        assert!(text.contains("millbrook-academy.example"), "the results show the domain: {text}");
    })
    .await;
}

#[tokio::test]
async fn a_partner_naming_itself_as_the_school_contact_is_told_at_the_email_field() {
    browser_test(|app, demo| async move {
        sign_in_as(&app, &demo, DEMO_EMAIL).await;
        let wizard = invite(&demo, BROOKSIDE, BROOKSIDE_URN, ("Dana Demo", DEMO_EMAIL)).await;
        wizard.expect_step_with_focus("Step 2 of 3").await;
        let problem = wizard.field_problem("Email address").await;
        assert!(problem.contains("belongs to a partner organisation"), "the refusal is said at the email: {problem:?}");
        look_and_check(&demo, "invite-2-partner-address").await;
    })
    .await;
}

/// Opens the school list at `url` by its address and waits for it, headed `title`.
async fn open_school_list<'a>(browser: &'a Client, url: &str, title: &str) -> SchoolListPage<'a> {
    browser.goto(url).await.unwrap_or_else(|error| panic!("opening {url}: {error}"));
    SchoolListPage::expect_shown(browser, title).await
}

/// Whether the page has a button reading exactly `label`.
async fn has_button(browser: &Client, label: &str) -> bool {
    let found = browser.find_all(fantoccini::Locator::XPath(&button(label))).await.expect("looking for a button");
    !found.is_empty()
}
