//! #16 in the browser: the school's person page. Hana Head finds a pupil, sees which apps can see
//! them (the demo app read them), excludes them from every app, then erases them after the
//! confirmation; the page says so, and the data API no longer returns them.

use gatehouse_core::demo::DEMO_SCHOOL_EMAIL;

use crate::accessibility::look_and_check;
use fantoccini::Locator;

use crate::harness::{browser_test, eventually, save_screenshot};
use crate::pages::{Screen, follow_main_nav};

/// Hana Head's school, active for the demo app.
const SCHOOL_ID: &str = "3280003";
const APP: &str = "Demo Timetabler";

#[tokio::test]
async fn a_school_admin_finds_a_person_sees_their_apps_excludes_and_erases_them() {
    browser_test(|app, browser| async move {
        let extract = gatehouse_core::synthetic::school(9, 30, app.today());
        app.mis_pushes(SCHOOL_ID, &extract).await;
        let pupil = &extract.students[0];
        let name = format!("{} {}", pupil.first_name, pupil.last_name);
        // The demo app reads the school's pupils.
        let students = format!("/api/v1/schools/{SCHOOL_ID}/students?limit=100");
        let read = || async {
            let response = reqwest::Client::new()
                .get(app.url(&students))
                .bearer_auth(app.demo_app_key())
                .send()
                .await
                .expect("the data API answers");
            response.text().await.expect("a page of pupils")
        };
        assert!(read().await.contains(pupil.id.as_str()), "the app reads the pupil");

        let portal = super::sign_in_to_the_school_portal(&app, &browser, DEMO_SCHOOL_EMAIL).await;
        follow_main_nav(&browser, "People").await;
        portal.expect_heading("People").await;
        portal.fill("Search by name or MIS id", &pupil.id).await;
        portal.press("Search").await;
        // The list before the search is replaced: wait for the one match.
        eventually("the one person found", || async {
            let rows = browser.find_all(Locator::XPath("//main//table/tbody/tr")).await?;
            Ok((rows.len() == 1).then_some(()))
        })
        .await;
        portal.follow(&name).await;
        portal.expect_heading(&name).await;
        crate::pages::actions::wait_for_text(&browser, "the apps table", |text| text.contains("Sees them now")).await;
        let text = portal.main_text().await;
        assert!(text.contains(APP) && text.contains("Shared"), "the demo app sees the pupil: {text}");
        look_and_check(&browser, "school-person").await;

        portal.press("Exclude from every app").await;
        portal.wait_for_message(|text| text.starts_with("Excluded from every app")).await;
        let text = portal.main_text().await;
        assert!(text.contains("Excluded"), "{text}");
        assert!(!read().await.contains(pupil.id.as_str()), "the app no longer reads the pupil");

        portal.press("Erase this person…").await;
        let asked = portal.confirmation().await;
        assert!(asked.contains("cannot be undone"), "{asked}");
        save_screenshot(&browser, "school-person-erase-confirm").await;
        portal.press("Yes, erase").await;
        portal.wait_for_message(|text| text.starts_with("Erased")).await;
        portal.expect_heading(&pupil.id).await;
        let text = portal.main_text().await;
        assert!(text.contains("erased") && !text.contains(&pupil.last_name), "nothing but the id: {text}");
        look_and_check(&browser, "school-person-erased").await;
        save_screenshot(&browser, "school-person-erased").await;
    })
    .await;
}
