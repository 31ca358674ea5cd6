//! P7 and S2 through the browser: a partner invites a school from the directory with the Invite
//! School wizard, and the school, following the emailed Begin Authorisation link in a browser
//! without a session, authorises, forwards or re-authorises with the seven-step wizard. axe-core
//! checks every step; every step and page is saved as a screenshot.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use gatehouse_core::demo::DEMO_EMAIL;

use super::sign_in_as_demo_partner;
use crate::accessibility::{assert_accessible, look_and_check, violations};
use crate::harness::{Context, browser_test, save_screenshot};
use crate::pages::authorise::{ALREADY_USED, AUTHORISED, AuthorisePage, EXPIRED};
use crate::pages::invite_school::{InviteSchoolPage, SEARCH};
use crate::pages::outbox::OutboxPage;
use crate::pages::permission_set::PermissionSetPage;
use crate::pages::school_list::{ACTIVE_SCHOOLS, PENDING_AUTHORISATIONS, SchoolListPage};
use crate::pages::school_tile::SchoolTilePage;
use crate::pages::sign_in::SignInPage;
use crate::pages::{Screen, Wizard, follow_main_nav};

/// In the directory extract the local server imports: Brookside Infant School, Birmingham, open,
/// whose verified email domain is brookside-infant-school.example.
pub(crate) const BROOKSIDE_URN: &str = "140004";
pub(crate) const BROOKSIDE: &str = "Brookside Infant School";
/// Oakfield Primary School, Leeds, open; Oakfield High School in Manchester is closed.
pub(crate) const OAKFIELD_URN: &str = "140001";
const OAKFIELD_CLOSED: &str = "Oakfield High School";

/// Walks the invite wizard from a school list without looking around: search, choose, contact,
/// send. Returns the wizard, for the sentence saying what was sent.
pub(crate) async fn invite<'a>(
    browser: &'a Client,
    search: &str,
    urn: &str,
    contact: (&str, &str),
) -> InviteSchoolPage<'a> {
    let wizard = InviteSchoolPage::open_from_list(browser).await;
    wizard.search(search).await;
    wizard.choose_school(urn).await;
    wizard.press("Next").await;
    wizard.wait_for_step("Step 2 of 3").await;
    wizard.fill("Name", contact.0).await;
    wizard.fill("Email address", contact.1).await;
    wizard.click_choice("This person is authorised to share data on the school's behalf").await;
    wizard.press("Next").await;
    wizard.wait_for_step("Step 3 of 3").await;
    wizard.press("Send invitation").await;
    wizard
}

/// The school's answers when the test has no interest in them: Yes, Arbor, every scope, Include
/// All, feed enabled; then Authorise Sharing, and the receipt.
async fn authorise_with_defaults(school: &AuthorisePage<'_>, role: &str) {
    answer_with_defaults(school, role).await;
    school.expect_heading(AUTHORISED).await;
}

/// [`authorise_with_defaults`] up to pressing Authorise Sharing, whatever the answer (#12: it
/// may wait for verification or for the school's admins).
pub(crate) async fn answer_with_defaults(school: &AuthorisePage<'_>, role: &str) {
    answer_authority(school, role).await;
    school.click_choice("Arbor").await;
    school.press("Next").await;
    school.wait_for_step("Step 3 of 7").await;
    school.press("Next").await;
    include_all_and_authorise(school).await;
}

/// Step 1: yes, the person opening the link decides, as `role`; on to step 2.
async fn answer_authority(school: &AuthorisePage<'_>, role: &str) {
    school.wait_for_step("Step 1 of 7").await;
    school.click_choice("Yes, I can decide this for the school").await;
    school.fill("Your role", role).await;
    school.press("Next").await;
    school.wait_for_step("Step 2 of 7").await;
}

/// From step 4: Include All, the feed as it is, then Authorise Sharing.
async fn include_all_and_authorise(school: &AuthorisePage<'_>) {
    school.wait_for_step("Step 4 of 7").await;
    school.click_choice("Include All").await;
    for step in ["Step 5 of 7", "Step 6 of 7", "Step 7 of 7"] {
        school.press("Next").await;
        school.wait_for_step(step).await;
    }
    school.press("Authorise Sharing").await;
}

/// Opens the newest Begin Authorisation link to `recipient` in a new browser without a session,
/// as the school would from its email; returns the browser and the link.
pub(crate) async fn open_link_as_school(app: &Context, recipient: &str) -> (Client, String) {
    let school = app.open_browser().await;
    let link =
        OutboxPage::open(&school, &app.url("/dev/outbox")).await.follow_newest_authorisation_link(recipient).await;
    (school, link)
}

#[tokio::test]
async fn partner_invites_a_directory_school_which_authorises_with_exclude_all_and_a_paused_feed() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        save_screenshot(&browser, "active-schools-invite-button").await;

        // P7 step 1: the directory, searched as the partner types.
        let wizard = InviteSchoolPage::open_from_list(&browser).await;
        let heading = wizard.expect_step_with_focus("Step 1 of 3").await;
        assert!(heading.ends_with("Find the school"), "step 1 reads {heading:?}");
        let (steps, current) = wizard.step_list().await;
        assert_eq!((steps.len(), current.as_str()), (3, "Find the school"), "the step list reads {steps:?}");
        look_and_check(&browser, "invite-1-start").await;

        wizard.search("oakfield").await;
        let found = wizard.results().await;
        let closed = found.iter().find(|school| school.label.contains(OAKFIELD_CLOSED)).expect("the closed Oakfield");
        assert!(closed.label.contains("Closed") && !closed.choosable, "a closed school cannot be chosen: {closed:?}");
        assert!(found.iter().any(|school| school.choosable), "open Oakfield schools can be chosen: {found:?}");
        wizard.scroll_to(OAKFIELD_CLOSED).await;
        look_and_check(&browser, "invite-1-closed-school").await;

        let line = wizard.search("school").await;
        assert!(line.contains("type more to narrow"), "a search with more matches than shown says so: {line:?}");

        let line = wizard.search("brookside inf").await;
        let found = wizard.results().await;
        assert!(!found.is_empty() && line.contains("found"), "searching brookside inf found {found:?} ({line})");
        assert!(found.iter().all(|school| school.label.contains("Brookside")), "the results are {found:?}");
        let brookside = found.iter().find(|school| school.label.contains("URN 140004")).expect("URN 140004");
        for part in [BROOKSIDE, "Birmingham", "B2 1BE", "Primary"] {
            assert!(brookside.label.contains(part), "the result should show {part:?}: {brookside:?}");
        }
        wizard.choose_school(BROOKSIDE_URN).await;
        look_and_check(&browser, "invite-1-find").await;
        wizard.press("Next").await;

        // Step 2: the contact; nothing typed yet, so each missing answer is said at its field.
        let heading = wizard.expect_step_with_focus("Step 2 of 3").await;
        assert!(heading.contains(BROOKSIDE), "step 2 names the school: {heading:?}");
        wizard.press("Next").await;
        let problem = wizard.field_problem("Name").await;
        assert!(problem.contains("name"), "a missing name is said beside the field: {problem:?}");
        look_and_check(&browser, "invite-2-contact-problem").await;
        wizard.fill("Name", "Bea Bursar").await;
        wizard.fill("Email address", "bea@brookside-infant-school.example").await;
        wizard.fill("Role (optional)", "Business Manager").await;
        wizard.press("Next").await;
        let problem = wizard.field_problem("This person is authorised to share data on the school's behalf").await;
        assert!(problem.contains("Confirm"), "the confirmation is required: {problem:?}");
        wizard.click_choice("This person is authorised to share data on the school's behalf").await;
        look_and_check(&browser, "invite-2-contact").await;
        wizard.press("Next").await;

        // Step 3: review, then send.
        wizard.expect_step_with_focus("Step 3 of 3").await;
        let school = wizard.review_value("School").await;
        assert!(school.contains(BROOKSIDE) && school.contains("URN 140004"), "the review shows {school:?}");
        let contact = wizard.review_value("School contact").await;
        assert!(
            contact.contains("Bea Bursar, Business Manager") && contact.contains("bea@brookside-infant-school.example")
        );
        assert!(
            wizard.review_value("Partner contact").await.contains(DEMO_EMAIL),
            "the partner contact defaults to me"
        );
        look_and_check(&browser, "invite-3-review").await;
        wizard.press("Send invitation").await;

        let message = wizard.wait_for_sent().await;
        assert!(
            message.contains("bea@brookside-infant-school.example"),
            "the wizard says where the invitation went: {message:?}"
        );
        look_and_check(&browser, "invite-sent").await;
        wizard.follow(&format!("Open {BROOKSIDE} in {PENDING_AUTHORISATIONS}")).await;
        let pending = SchoolListPage::expect_shown(&browser, PENDING_AUTHORISATIONS).await;
        let tile = SchoolTilePage::expect_shown(&browser).await;
        assert_eq!(tile.heading().await, BROOKSIDE, "the link opens the new school's tile");
        assert_eq!(tile.log().await[0].event, "Invited");
        assert_eq!(pending.cell(BROOKSIDE_URN, "Status").await.as_deref(), Some("Invitation Sent"));

        // S2, in the school's own browser with no session, from the emailed link.
        let (school_browser, link) = open_link_as_school(&app, "bea@brookside-infant-school.example").await;
        assert!(link.contains("/authorise#token="), "the email links to the wizard: {link}");
        let school = AuthorisePage::on(&school_browser);
        let heading = school.expect_step_with_focus("Step 1 of 7").await;
        assert!(
            heading.ends_with(&format!("Do you have authority to share data on {BROOKSIDE}'s behalf?")),
            "step 1 asks {heading:?}"
        );
        let address = school_browser.current_url().await.expect("the current address");
        assert_eq!((address.path(), address.fragment()), ("/authorise", None), "the token left the address bar");
        let (steps, current) = school.step_list().await;
        assert_eq!(steps.len(), 7, "seven steps: {steps:?}");
        assert_eq!(current, "Authority");
        look_and_check(&school_browser, "authorise-1-authority").await;
        school.click_choice("Yes, I can decide this for the school").await;
        assert_eq!(school.value("Your name").await, "Bea Bursar", "the name the invitation went to is filled in");
        school.press("Next").await;
        let problem = school.field_problem("Your role").await;
        assert!(problem.contains("role"), "the role is required: {problem:?}");
        school.fill("Your role", "Business Manager").await;
        look_and_check(&school_browser, "authorise-1-authority-answered").await;
        school.press("Next").await;

        // Step 2, by keyboard alone: the focus starts on the heading; Tab, Space and the arrow
        // keys choose; Enter goes on.
        school.expect_step_with_focus("Step 2 of 7").await;
        assert!(!school.is_checked("Arbor").await, "a new school's MIS is not known");
        school.keys(&[Key::Tab, Key::Space]).await;
        assert!(school.is_checked("SIMS").await, "Space chooses the first MIS");
        school.keys(&[Key::Down]).await;
        assert!(school.is_checked("Arbor").await, "the arrow key moves to the next MIS");
        look_and_check(&school_browser, "authorise-2-mis").await;
        school.keys(&[Key::Enter]).await;

        // Step 3: every requested data area, ticked to start with.
        school.expect_step_with_focus("Step 3 of 7").await;
        let boxes = school.scope_boxes().await;
        assert!(boxes.len() >= 4 && boxes.iter().all(|(_, ticked)| *ticked), "all ticked at first: {boxes:?}");
        assert!(boxes.iter().any(|(label, _)| label == "Students"), "Students is requested: {boxes:?}");
        school.click_choice("Staff").await;
        assert!(!school.is_checked("Staff").await, "a data area can be left out");
        look_and_check(&school_browser, "authorise-3-scopes").await;
        school_browser.set_window_size(800, 1024).await.expect("a tablet-sized window");
        save_screenshot(&school_browser, "authorise-3-scopes-tablet").await;
        assert!(!school.scrolls_sideways().await, "on a tablet the step fits the page");
        school_browser.set_window_size(1280, 900).await.expect("back to a desktop window");
        school.press("Next").await;

        // Step 4: the GDPR mode, each explained.
        school.expect_step_with_focus("Step 4 of 7").await;
        let text = school.main_text().await;
        assert!(text.contains("except the individuals you choose to exclude"), "Include All is explained");
        assert!(text.contains("Only the people you explicitly select are shared"), "Exclude All is explained");
        school.press("Next").await;
        let problem = school.group_problem("Step 4 of 7").await;
        assert!(problem.contains("Choose Include All or Exclude All"), "no mode, no next step: {problem:?}");
        look_and_check(&school_browser, "authorise-4-gdpr-problem").await;
        school.click_choice("Exclude All").await;
        look_and_check(&school_browser, "authorise-4-gdpr").await;
        school.press("Next").await;

        // Step 5: pause the feed.
        school.expect_step_with_focus("Step 5 of 7").await;
        school.click_choice("Pause until I have chosen who to share").await;
        look_and_check(&school_browser, "authorise-5-feed").await;
        school.press("Next").await;

        // Step 6: the answers, each changeable; Back keeps them.
        school.expect_step_with_focus("Step 6 of 7").await;
        assert_eq!(school.review_value("You").await, "Bea Bursar (Business Manager)");
        assert_eq!(school.review_value("MIS").await, "Arbor");
        let areas = school.review_value("Data areas").await;
        assert!(areas.contains("Students") && !areas.contains("Staff"), "the data areas read {areas:?}");
        assert!(school.review_value("GDPR mode").await.starts_with("Exclude All"));
        assert!(school.review_value("Feed").await.starts_with("Paused"));
        look_and_check(&school_browser, "authorise-6-check").await;
        school.press("Back").await;
        school.expect_step_with_focus("Step 5 of 7").await;
        assert!(school.is_checked("Pause until I have chosen who to share").await, "Back keeps the answer");
        school.press("Next").await;
        school.wait_for_step("Step 6 of 7").await;
        school.press("Next").await;

        // Step 7: Authorise Sharing, and the receipt.
        school.expect_step_with_focus("Step 7 of 7").await;
        look_and_check(&school_browser, "authorise-7-confirm").await;
        school.press("Authorise Sharing").await;
        school.expect_heading(AUTHORISED).await;
        let (facts, scopes) = school.receipt().await;
        assert_eq!(facts["School"], BROOKSIDE);
        assert_eq!(facts["Authorised by"], "Bea Bursar (Business Manager)");
        assert_eq!((facts["GDPR mode"].as_str(), facts["Feed status"].as_str()), ("Exclude All", "Paused"));
        assert!(!facts["Authorised at"].is_empty(), "the receipt says when");
        assert!(scopes.contains(&"Students".to_owned()) && !scopes.contains(&"Staff".to_owned()), "{scopes:?}");
        // S4: the next step is choosing the install type in the school portal.
        let next = school_browser
            .find(Locator::XPath(&crate::pages::link("Sign in to the school portal")))
            .await
            .expect("the receipt offers the school portal as the next step");
        assert_eq!(next.attr("href").await.expect("its address").as_deref(), Some("/school/signin"));
        look_and_check(&school_browser, "authorise-receipt").await;

        // The partner sees the school in Active Schools, as the school chose.
        follow_main_nav(&browser, "Schools").await;
        let active = SchoolListPage::expect_shown(&browser, ACTIVE_SCHOOLS).await;
        assert_eq!(active.cell(BROOKSIDE_URN, "GDPR Mode").await.as_deref(), Some("Exclude All"));
        assert_eq!(active.cell(BROOKSIDE_URN, "Feed Status").await.as_deref(), Some("Paused"));
        let tile = SchoolTilePage::open_by_clicking(&browser, BROOKSIDE_URN).await;
        let authorised = tile.log().await.into_iter().find(|line| line.event == "Authorised").expect("Authorised");
        assert_eq!(authorised.actor, "By Bea Bursar", "the log names the approver: {authorised:?}");
        assert!(authorised.detail.contains("Bea Bursar (Business Manager)"), "the log entry reads {authorised:?}");
        tile.scroll_to("Authorisation Log").await;
        save_screenshot(&browser, "authorised-school-tile").await;
    })
    .await;
}

#[tokio::test]
async fn a_school_contact_forwards_the_invitation_and_the_first_link_dies() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        let wizard = invite(&browser, OAKFIELD_URN, OAKFIELD_URN, ("Olu Office", "olu@oakfield.example")).await;
        wizard.wait_for_sent().await;

        // The same school again: the problem is said where the school was chosen.
        follow_main_nav(&browser, "Schools").await;
        SchoolListPage::expect_shown(&browser, ACTIVE_SCHOOLS).await;
        let again = invite(&browser, OAKFIELD_URN, OAKFIELD_URN, ("Olu Office", "olu@oakfield.example")).await;
        again.expect_step_with_focus("Step 1 of 3").await;
        let problem = again.group_problem("Matching schools").await;
        assert!(problem.contains("already invited"), "inviting twice is refused in words: {problem:?}");
        assert_eq!(again.value(SEARCH).await, OAKFIELD_URN, "the search is kept");
        look_and_check(&browser, "invite-already-invited").await;

        // "No": the school names the right person, who gets the invitation.
        let (school_browser, first_link) = open_link_as_school(&app, "olu@oakfield.example").await;
        let school = AuthorisePage::on(&school_browser);
        school.wait_for_step("Step 1 of 7").await;
        school.click_choice("No, someone else should decide").await;
        school.press("Send the invitation to them").await;
        let problem = school.field_problem("Their name").await;
        assert!(problem.contains("name"), "the right person's name is required: {problem:?}");
        school.fill("Their name", "Dev Head").await;
        school.fill("Their email address", "olu@oakfield.example").await;
        school.fill("Their role (optional)", "Headteacher").await;
        school.press("Send the invitation to them").await;
        let problem = school.field_problem("Their email address").await;
        assert!(problem.contains("name someone else"), "the server's problem shows at the field: {problem:?}");
        school.fill("Their email address", "head@oakfield.example").await;
        look_and_check(&school_browser, "authorise-1-forward").await;
        school.press("Send the invitation to them").await;
        school.expect_heading("Invitation forwarded").await;
        let text = school.main_text().await;
        assert!(
            text.contains("We sent the invitation to Dev Head (head@oakfield.example); this link no longer works."),
            "the page says where the invitation went: {text:?}"
        );
        look_and_check(&school_browser, "authorise-forwarded").await;

        let outbox = OutboxPage::open(&browser, &app.url("/dev/outbox")).await;
        assert_eq!(outbox.emails_to("head@oakfield.example").await.len(), 1, "the right person gets one email");

        // The first link, opened again, is dead.
        let again = app.open_browser().await;
        again.goto(&first_link).await.expect("opening the first link again");
        let dead = AuthorisePage::on(&again);
        dead.expect_heading(EXPIRED).await;
        let text = dead.main_text().await;
        // #12: forwarding supersedes the link; the page gives the server's reason.
        assert!(text.contains("This link was replaced"), "the page explains: {text:?}");
        look_and_check(&again, "authorise-link-expired").await;

        // The forwarded link opens the wizard for the right person.
        let (forwarded, _) = open_link_as_school(&app, "head@oakfield.example").await;
        AuthorisePage::on(&forwarded).wait_for_step("Step 1 of 7").await;
    })
    .await;
}

#[tokio::test]
async fn a_used_link_opened_again_shows_the_receipt() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        invite(&browser, BROOKSIDE, BROOKSIDE_URN, ("Bea Bursar", "bea@brookside-infant-school.example"))
            .await
            .wait_for_sent()
            .await;
        let (school_browser, link) = open_link_as_school(&app, "bea@brookside-infant-school.example").await;
        authorise_with_defaults(&AuthorisePage::on(&school_browser), "Business Manager").await;

        let later = app.open_browser().await;
        later.goto(&link).await.expect("opening the used link");
        let receipt = AuthorisePage::on(&later);
        receipt.expect_heading(ALREADY_USED).await;
        let (facts, scopes) = receipt.receipt().await;
        assert_eq!(facts["Authorised by"], "Bea Bursar (Business Manager)");
        assert_eq!((facts["GDPR mode"].as_str(), facts["Feed status"].as_str()), ("Include All", "Enabled"));
        assert!(scopes.contains(&"Students".to_owned()), "the receipt lists what was shared: {scopes:?}");
        assert!(receipt.main_text().await.contains("cannot be used again"), "the page says the link is used up");
        look_and_check(&later, "authorise-used-link").await;
    })
    .await;
}

#[tokio::test]
async fn a_school_approves_a_scope_added_later_and_keeps_what_it_granted() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        let permissions = PermissionSetPage::open_from_nav(&browser).await;
        let flags = permissions.flags().await;
        let (added, _) = flags.iter().find(|(_, ticked)| !ticked).expect("a flag the demo app does not ask for");
        permissions.toggle(added).await;
        permissions.press("Save").await;
        permissions.confirmation().await;
        permissions.press("Save and ask schools").await;
        permissions.wait_for_message().await;

        let (school_browser, _) = open_link_as_school(&app, "data.lead.3280001@school.example").await;
        let school = AuthorisePage::on(&school_browser);
        answer_authority(&school, "Data Manager").await;
        let mut preselected = Vec::new();
        for mis in ["SIMS", "Arbor", "Bromcom", "iSAMS", "ScholarPack", "Integris", "Pupil Asset", "Other"] {
            if school.is_checked(mis).await {
                preselected.push(mis);
            }
        }
        assert_eq!(preselected.len(), 1, "the MIS the school is known to use is chosen already: {preselected:?}");
        school.press("Next").await;

        let heading = school.expect_step_with_focus("Step 3 of 7").await;
        assert!(heading.contains("approve all, some or none"), "step 3 reads {heading:?}");
        let table = school.comparison().await;
        let new: Vec<_> = table.iter().filter(|[_, _, granted]| granted == "New request").collect();
        assert_eq!(new.len(), 1, "only the added scope is new: {table:?}");
        assert_eq!(&new[0][0], added);
        assert!(table.iter().any(|[scope, _, granted]| scope == "Students" && granted == "Granted"), "{table:?}");
        let boxes = school.scope_boxes().await;
        assert_eq!(boxes, [(added.clone(), true)], "only the new scope can be approved, ticked to start with");
        look_and_check(&school_browser, "reauthorise-3-scopes").await;
        school.scroll_to("New requests").await;
        save_screenshot(&school_browser, "reauthorise-3-scopes-new").await;
        school.press("Next").await;
        include_all_and_authorise(&school).await;
        school.expect_heading(AUTHORISED).await;
        let (_, scopes) = school.receipt().await;
        assert!(scopes.contains(added) && scopes.contains(&"Students".to_owned()), "the receipt lists {scopes:?}");

        follow_main_nav(&browser, "Schools").await;
        let active = SchoolListPage::expect_shown(&browser, ACTIVE_SCHOOLS).await;
        let needed = active.cell("3280001", "Re-authorisation").await.expect("school 3280001 in Active Schools");
        assert_ne!(needed, "Needed", "once the school approved the new scope, it need not re-authorise");
    })
    .await;
}

/// The accessibility check itself can fail: a field without a label, put into a page that
/// passes, is reported as a critical violation.
#[tokio::test]
async fn the_accessibility_check_reports_a_field_without_a_label() {
    browser_test(|app, browser| async move {
        SignInPage::open(&browser, &app.url("/signin")).await;
        assert_accessible(&browser, "sign-in").await;
        let script = "const input = document.createElement('input'); input.type = 'text'; \
                      document.querySelector('main').appendChild(input);";
        browser.execute(script, Vec::new()).await.expect("adding a field without a label");
        let found = violations(&browser).await;
        assert!(
            found.iter().any(|violation| violation.id == "label" && violation.impact.as_deref() == Some("critical")),
            "axe should report the field without a label, not {found:?}"
        );
    })
    .await;
}
