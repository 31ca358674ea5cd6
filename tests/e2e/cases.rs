//! P9 in the browser: a partner raises a case from the Active Cases tab, the support team
//! replies (through the core function the ops console calls), the partner sees the reply after
//! Refresh, answers and closes the case, which stays on the tab as Closed.

use fantoccini::{Client, Locator};
use gatehouse_core::cases;
use gatehouse_model::CaseState;

use super::sign_in_as_demo_partner;
use crate::accessibility::{assert_accessible, look_and_check};
use crate::harness::{browser_test, eventually, save_screenshot};
use crate::pages::actions::{click, fill, press, refused_at, select, wait_for, wait_for_text};
use crate::pages::{ALERT, button, field, follow_main_nav, heading, link, open_from_main_nav};

/// Follows "New Case" and waits for the form, with the contact filled in as the signed-in user
/// once /api/me answers.
pub(crate) async fn open_new_case_form(browser: &Client) {
    click(browser, &link("New Case"), "New Case link").await;
    wait_for(browser, &heading("New Case"), "the New Case form").await;
    eventually("the contact to be filled in", || async {
        let name = browser.find(Locator::XPath(&field("Contact name"))).await?.prop("value").await?;
        Ok(name.filter(|name| name == "Dana Demo"))
    })
    .await;
}

#[tokio::test]
async fn partner_raises_a_case_sees_the_support_reply_and_closes_it() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        open_from_main_nav(&browser, "Active Cases").await;
        wait_for_text(&browser, "the empty list", |text| text.contains("No active cases")).await;

        open_new_case_form(&browser).await;
        assert_accessible(&browser, "new-case-form").await;

        // A missing summary is said beside its field, nothing is sent.
        refused_at(&browser, "Raise case", "Summary of the error and where you see it").await;
        let alert = browser.find(Locator::XPath(ALERT)).await.unwrap().text().await.unwrap();
        assert!(alert.starts_with("Enter a summary"), "{alert}");
        save_screenshot(&browser, "new-case-missing-summary").await;

        select(&browser, "Category", "School not syncing").await;
        fill(&browser, "Summary of the error and where you see it", "No extract since Friday in /students").await;
        fill(&browser, "Description", "Cache age is 4 days; the school restarted the agent on Monday.").await;
        fill(&browser, "Phone", "0161 496 0000").await;
        save_screenshot(&browser, "new-case-filled").await;
        press(&browser, "Raise case").await;

        wait_for(&browser, &heading("Case GH-000001"), "the new case's page").await;
        wait_for_text(&browser, "the case details", |text| text.contains("No extract since Friday")).await;
        assert_accessible(&browser, "case-page").await;
        save_screenshot(&browser, "case-new").await;

        // Support replies from the console (its core call); the partner refreshes.
        cases::reply_as_support(
            app.gatehouse(),
            &gatehouse_core::CaseId::parse("GH-000001").unwrap(),
            "Sasha",
            "Please send the agent log from Monday.",
            None,
        )
        .await
        .expect("support replies");
        let before = wait_for_text(&browser, "the page's content", |_| true).await;
        assert!(!before.contains("agent log"), "no reply before Refresh");
        press(&browser, "Refresh").await;
        let text = wait_for_text(&browser, "the support reply", |text| text.contains("agent log")).await;
        assert!(text.contains("Sasha (Support team)"), "{text}");
        assert!(text.contains("Awaiting partner"), "{text}");
        save_screenshot(&browser, "case-support-reply").await;

        fill(&browser, "Add comment", "Log attached to the school's ticket; thanks.").await;
        press(&browser, "Add comment").await;
        wait_for_text(&browser, "the comment", |text| text.contains("Your comment was added")).await;
        let text = wait_for_text(&browser, "the page's content", |_| true).await;
        let (reply, answer) = (text.find("agent log").unwrap(), text.find("Log attached").unwrap());
        assert!(reply < answer, "newest last");

        press(&browser, "Close case").await;
        wait_for_text(&browser, "the case to close", |text| text.contains("The case was closed")).await;
        wait_for(&browser, &button("Reopen case"), "Reopen").await;
        look_and_check(&browser, "case-closed").await;
        let stored = cases::get_for_support(app.gatehouse(), &gatehouse_core::CaseId::parse("GH-000001").unwrap())
            .await
            .unwrap();
        assert_eq!(stored.state, CaseState::Closed);
        assert_eq!(stored.comments.len(), 2);

        // Closed less than 30 days ago: still on the Active Cases tab.
        follow_main_nav(&browser, "Active Cases").await;
        let text = wait_for_text(&browser, "the case in the list", |text| text.contains("GH-000001")).await;
        assert!(text.contains("Closed"), "{text}");
        assert_accessible(&browser, "active-cases").await;
        save_screenshot(&browser, "active-cases-tab").await;
    })
    .await;
}
