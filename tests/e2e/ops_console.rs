//! The operations console (O1) in the browser: a partner raises a case, ops reply in the console,
//! the partner sees the reply and closes the case; ops create a partner organisation. One browser
//! holds both sessions: each portal has its own cookie.

use fantoccini::{Client, Locator};
use gatehouse_core::demo::DEMO_OPS_EMAIL;

use super::{sign_in_as_demo_partner, sign_in_by_email};
use crate::accessibility::{assert_accessible, look_and_check};
use crate::cases::open_new_case_form;
use crate::harness::{Context, browser_test, save_screenshot};
use crate::pages::actions::{fill, press, refused_at, screenshot_at, select, set_date, wait_for, wait_for_text};
use crate::pages::outbox::OutboxPage;
use crate::pages::{field, heading, link, open_from_main_nav};

/// Signs the demo ops user in to the console through its own sign-in page and the outbox link.
pub(crate) async fn sign_in_to_the_console(app: &Context, browser: &Client) {
    let form = "Sign in to the operations console";
    let followed = sign_in_by_email(app, browser, "/ops/signin", form, DEMO_OPS_EMAIL).await;
    assert!(followed.contains("/ops/auth#token="), "{followed}");
    wait_for(browser, &heading("Operations console"), "the console's home").await;
}

#[tokio::test]
async fn ops_reply_in_the_console_and_the_partner_closes_the_case() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;

        // The partner raises a case.
        open_from_main_nav(&browser, "Active Cases").await;
        open_new_case_form(&browser).await;
        fill(&browser, "Summary of the error and where you see it", "Year 7 missing from /students").await;
        fill(&browser, "Description", "Since Monday the students endpoint returns no Year 7 pupils.").await;
        fill(&browser, "Phone", "0161 496 0000").await;
        press(&browser, "Raise case").await;
        wait_for(&browser, &heading("Case GH-000001"), "the new case's page").await;

        // Ops find it at the top of the console's queue and reply.
        sign_in_to_the_console(&app, &browser).await;
        look_and_check(&browser, "ops-home").await;
        open_from_main_nav(&browser, "Support cases").await;
        let text = wait_for_text(&browser, "the new case in the queue", |text| text.contains("GH-000001")).await;
        assert!(text.contains("Year 7 missing") && text.contains("Demo Partner Ltd"), "{text}");
        look_and_check(&browser, "ops-queue").await;
        browser.find(Locator::XPath(&link("GH-000001"))).await.expect("the case's link").click().await.unwrap();
        wait_for(&browser, &heading("Case GH-000001"), "the case in the console").await;
        wait_for_text(&browser, "the case's details", |text| text.contains("Since Monday the students endpoint")).await;

        // An empty reply is refused beside its field, and nothing is sent.
        refused_at(&browser, "Send reply", "Reply to the partner").await;
        fill(&browser, "Reply to the partner", "Please check the Year 7 groups are in the MIS export.").await;
        press(&browser, "Send reply").await;
        wait_for_text(&browser, "the reply to be sent", |text| text.contains("Your reply was added")).await;
        press(&browser, "Assign to me").await;
        let text =
            wait_for_text(&browser, "the case to be assigned", |text| text.contains("now with Olu Operations")).await;
        assert!(text.contains("Olu Operations (Support team)") && text.contains("Awaiting partner"), "{text}");
        assert_accessible(&browser, "ops-case").await;
        save_screenshot(&browser, "ops-case-replied").await;

        // The partner sees the reply on the case page and closes the case.
        browser.goto(&app.url("/cases/GH-000001")).await.unwrap();
        let text =
            wait_for_text(&browser, "the reply on the partner's page", |text| text.contains("Year 7 groups")).await;
        assert!(text.contains("Olu Operations (Support team)"), "{text}");
        press(&browser, "Close case").await;
        wait_for_text(&browser, "the case to close", |text| text.contains("The case was closed")).await;
        save_screenshot(&browser, "partner-closed-after-ops-reply").await;

        // Ops see it in the closed queue.
        browser.goto(&app.url("/ops/cases")).await.unwrap();
        wait_for(&browser, &heading("Support cases"), "the support queue").await;
        select(&browser, "Queue", "Closed (last 30 days)").await;
        wait_for_text(&browser, "the closed case", |text| text.contains("GH-000001")).await;
    })
    .await;
}

#[tokio::test]
async fn ops_create_a_partner_organisation() {
    browser_test(|app, browser| async move {
        sign_in_to_the_console(&app, &browser).await;
        open_from_main_nav(&browser, "Partners").await;
        wait_for_text(&browser, "the seeded organisations", |text| text.contains("Demo Partner Ltd")).await;
        // #16: each organisation's erasure confirmations overdue (the demo partner's six revoked
        // schools were all revoked 14 or more days ago and none confirmed).
        let overdue = "//tr[th[contains(normalize-space(), 'Demo Partner Ltd')]]/td[last()]";
        let cell = browser.find(Locator::XPath(overdue)).await.expect("the demo partner's row");
        assert_eq!(cell.text().await.expect("the cell's text"), "6");
        save_screenshot(&browser, "ops-partners-erasure-overdue").await;

        // A missing name is said beside its field.
        refused_at(&browser, "Create partner", "Organisation name").await;
        assert_accessible(&browser, "ops-partners-problem").await;

        fill(&browser, "Organisation name", "Acme Learning Ltd").await;
        fill(&browser, "First admin's name", "Ada Admin").await;
        fill(&browser, "First admin's email address", "ada@acme.example").await;
        fill(&browser, "App name", "Acme Homework").await;
        press(&browser, "Create partner").await;
        // The message comes first; the list then reloads with the new organisation.
        let text = wait_for_text(&browser, "the new organisation in the list", |text| {
            text.contains("was emailed a link") && text.contains("acme-learning-ltd")
        })
        .await;
        assert!(text.contains("Ada Admin"), "{text}");
        assert_accessible(&browser, "ops-partners").await;
        save_screenshot(&browser, "ops-partner-created").await;

        let outbox = OutboxPage::open(&browser, &app.url("/dev/outbox")).await;
        let subjects = outbox.emails_to("ada@acme.example").await;
        assert_eq!(subjects, ["You have been added to Acme Learning Ltd on Gatehouse"]);
    })
    .await;
}

#[tokio::test]
async fn ops_offer_install_slots_and_mark_a_booked_install_done() {
    use chrono::{Days, Local};
    use gatehouse_core::onboarding::{self, Booker};
    use gatehouse_core::{SchoolId, ingestion};

    browser_test(|app, browser| async move {
        sign_in_to_the_console(&app, &browser).await;
        open_from_main_nav(&browser, "Install bookings").await;
        wait_for_text(&browser, "the empty lists", |text| text.contains("No school has booked a slot yet")).await;

        // A missing day is said beside its field.
        let day = refused_at(&browser, "Offer slots", "Day").await;
        assert!(day.attr("aria-describedby").await.unwrap().unwrap_or_default().contains("offer-date-error"));
        assert_accessible(&browser, "ops-bookings-problem").await;

        // Ops offer two slots ten days on; the list shows them.
        let date = Local::now().date_naive().checked_add_days(Days::new(10)).expect("a date ten days on");
        set_date(&browser, &day, &date.to_string()).await;
        fill(&browser, "Start times", "09:30, 13:00").await;
        press(&browser, "Offer slots").await;
        let long = date.format("%-d %B %Y").to_string();
        let (first, second) = (format!("{long}, 09:30"), format!("{long}, 13:00"));
        wait_for_text(&browser, "the offered slots", |text| {
            text.contains("2 new slots offered") && text.contains(&first) && text.contains(&second)
        })
        .await;

        // A school books the first (through the domain, as the school portal does); ops see it.
        let school = SchoolId::parse("3280003").unwrap();
        let link = ingestion::school_links(app.gatehouse(), &school).await.unwrap().remove(0).link;
        let booker = Booker {
            school_id: school.clone(),
            school_name: link.name.clone(),
            urn: link.urn.clone().unwrap_or_default(),
            name: "Hana Head".to_owned(),
            email: "head@school.example".to_owned(),
        };
        onboarding::book(app.gatehouse(), &booker, None, onboarding::parse_slot(&format!("{date}T09:30")).unwrap())
            .await
            .expect("booking");
        browser.refresh().await.unwrap();
        let text = wait_for_text(&browser, "the booking", |text| text.contains("Hana Head")).await;
        assert!(text.contains(&link.name) && text.contains("head@school.example"), "{text}");
        look_and_check(&browser, "ops-bookings").await;

        press(&browser, "Mark installed").await;
        // The message comes first; the table then reloads without the button.
        let text = wait_for_text(&browser, "the install marked in the table", |text| {
            text.contains("is now marked Installed") && !text.contains("Mark installed")
        })
        .await;
        assert!(text.contains("Installed"), "{text}");
        screenshot_at(&browser, Locator::Css("table"), "the bookings table", "ops-bookings-installed").await;

        // G1: ops issue the school's MIS agent key, shown once.
        fill(&browser, "School ID", "3280003").await;
        press(&browser, "Issue agent key").await;
        let text = wait_for_text(&browser, "the new agent key", |text| text.contains("copy it now")).await;
        assert!(text.contains("for school 3280003"), "{text}");
        let secret = browser.find(Locator::XPath(&field("Agent key"))).await.expect("the key's field");
        let secret = secret.prop("value").await.expect("its value").unwrap_or_default();
        let status = reqwest::Client::new()
            .get(app.url("/api/agent/v1/status"))
            .bearer_auth(&secret)
            .send()
            .await
            .expect("the agent status call");
        assert_eq!(status.status(), 200, "the shown key works for the agent");
        assert_accessible(&browser, "ops-agent-key").await;
        screenshot_at(&browser, Locator::Css(".secret-box"), "the key's box", "ops-agent-key").await;
    })
    .await;
}

/// The console checks every Authorisation Log and names the one edited behind the API's back.
#[tokio::test]
async fn ops_check_every_authorisation_log_and_see_the_broken_one() {
    browser_test(|app, browser| async move {
        sign_in_to_the_console(&app, &browser).await;
        press(&browser, "Check every Authorisation Log").await;
        let text =
            wait_for_text(&browser, "every log checked", |text| text.contains("Authorisation Logs are intact")).await;
        assert!(text.contains("All ") && text.contains(" entries checked"), "{text}");

        // Someone with store access rewrites who authorised one school.
        gatehouse_tests::tamper::rewrite_log_actor(app.gatehouse(), "3280001", 2, "Mallory").await;

        press(&browser, "Check every Authorisation Log").await;
        let text =
            wait_for_text(&browser, "the broken log", |text| text.contains("Authorisation Logs are broken")).await;
        assert!(text.contains("1 of ") && text.contains("3280001") && text.contains("the entry was changed"), "{text}");
        assert_accessible(&browser, "ops-log-audit").await;
        screenshot_at(&browser, Locator::Id("log-audit-status"), "the audit's status", "ops-log-audit-broken").await;
    })
    .await;
}

/// The register import (O1): the console sends the file in parts, each written by a job (#15)
/// the page polls, and says what the import did once the last part's job is done.
#[tokio::test]
async fn ops_import_a_register_file_and_see_what_it_did() {
    browser_test(|app, browser| async move {
        sign_in_to_the_console(&app, &browser).await;
        open_from_main_nav(&browser, "School directory").await;
        let register = tempfile::Builder::new().suffix(".csv").tempfile().expect("a temp file");
        let rows = "URN,LA (name),EstablishmentName,EstablishmentStatus (name),PhaseOfEducation (name),Postcode\n\
                    190101,Cumbria,Zephyrfield Primary School,Open,Primary,CA1 1AA\n\
                    190102,Cumbria,Quillmoor Academy,Open,Secondary,CA2 2BB\n\
                    19X103,Cumbria,Broken Row School,Open,Primary,CA3 3CC\n";
        std::fs::write(register.path(), rows).expect("the register file");
        let input = wait_for(&browser, &field("Register extract (CSV)"), "the file input").await;
        input.send_keys(&register.path().display().to_string()).await.expect("the file chosen");
        press(&browser, "Import").await;
        let said = wait_for_text(&browser, "the import's report", |text| text.contains("Import finished.")).await;
        assert!(said.contains("3 of 3 rows imported: 2 new, 0 updated, 0 unchanged, 1 skipped."), "{said}");
        save_screenshot(&browser, "ops-directory-imported").await;
        // The schools are in the directory, searchable.
        fill(&browser, "Name, URN, local authority or postcode", "Zephyrfield").await;
        press(&browser, "Search").await;
        wait_for_text(&browser, "the imported school found", |text| text.contains("Zephyrfield Primary School")).await;
    })
    .await;
}
