//! The school portal (S3), receipts and onboarding (S4), black-box: a school
//! user signs in by magic link, sees every app of any partner with access or
//! asking for it, changes its settings, revokes, authorises; every change is
//! logged where the partner sees it, emailed as a receipt and downloadable
//! from both portals; another school's app is 404.

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::onboarding;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, beas_answers, log_events, new_client, spawn_app, spawn_app_as_demo, token_after,
};

const MARKER: &str = "/authorise#token=";
const DIRECTORY_SCHOOL: &str = "140004";
/// Hana Head's school (demo school 2): Active for the demo app, Include All, feed Enabled.
const HANA_SCHOOL: &str = "3280003";

fn invitation(contact: &str) -> Value {
    json!({
        "urn": DIRECTORY_SCHOOL,
        "school_contact": { "name": "Bea Bursar", "email": contact, "role": "Business Manager" },
        "contact_may_authorise": true
    })
}

fn answers(token: &str) -> Value {
    beas_answers(token, "Exclude All")
}

/// The demo partner invites the directory school; Bea authorises by S2.
async fn authorised_by_bea(app: &TestApp, demo: &reqwest::Client) -> &'static str {
    let bea = "bea@brookside-infant-school.example";
    app.post_ok(demo, "/api/partner/invitations", invitation(bea)).await;
    let token = token_after(&app.emails_to(bea).await[0].text, MARKER);
    app.post_ok(&new_client(), "/api/invitations/authorise", answers(&token)).await;
    bea
}

/// Signs `email` in to the school portal through the newest sign-in email (the outbox also holds
/// their invitations, whose links carry tokens too).
async fn school_client(app: &TestApp, email: &str) -> reqwest::Client {
    let requested = app.post(&app.client, "/api/school/auth/magic-link", json!({ "email": email })).await;
    assert_eq!(requested.status(), 202);
    let mail = app.emails_to(email).await.into_iter().rev().find(|e| e.text.contains("/school/auth#token=")).unwrap();
    let token = token_after(&mail.text, "/school/auth#token=");
    let client = new_client();
    app.post_ok(&client, "/api/school/auth/session", json!({ "token": token })).await;
    client
}

async fn published(app: &TestApp) -> Vec<Value> {
    app.get(&app.client, "/dev/events.json").await.json().await.unwrap()
}

#[tokio::test]
async fn school_and_partner_sessions_never_pass_for_each_other() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    assert!(app.emails_to(DEMO_SCHOOL_EMAIL).await[0].text.contains("/school/auth#token="));
    for path in ["/api/school/apps", "/api/school/apps/demo-app", "/api/school/team", "/api/school/onboarding"] {
        assert_problem(app.get(&partner, path).await, 401, "sign_in_required").await;
        assert_problem(app.get(&new_client(), path).await, 401, "sign_in_required").await;
    }
    let settings = json!({ "gdpr_mode": "Exclude All" });
    assert_problem(app.post(&partner, "/api/school/apps/demo-app/settings", settings).await, 401, "sign_in_required")
        .await;
    for path in ["/api/partner/schools", &format!("/api/partner/schools/{HANA_SCHOOL}"), "/api/partner/team"] {
        assert_problem(app.get(&school, path).await, 401, "sign_in_required").await;
    }
    let refused = app.get(&school, &format!("/api/partner/schools/{HANA_SCHOOL}/receipts/1")).await;
    assert_problem(refused, 401, "sign_in_required").await;
}

#[tokio::test]
async fn the_authorising_contact_becomes_a_school_user_who_sees_every_partners_apps() {
    let (app, demo) = spawn_app_as_demo().await;
    let bea = authorised_by_bea(&app, &demo).await;
    let receipt = app.emails_to(bea).await.into_iter().find(|e| e.subject.starts_with("Receipt")).unwrap();
    let portal = format!("{}/school/signin", app.server.url);
    assert!(receipt.text.contains(&portal) && receipt.html.contains(&portal), "{}", receipt.text);
    // The partner's copy does not invite them to the school portal.
    let partner_copy = app.emails_to(DEMO_EMAIL).await.into_iter().find(|e| e.subject.starts_with("Receipt")).unwrap();
    assert!(!partner_copy.text.contains("/school/signin"));

    // Another partner asks the same school for its own app.
    let other = app.signed_in_client(OTHER_EMAIL).await;
    app.post_ok(&other, "/api/partner/invitations", invitation(bea)).await;

    let school = school_client(&app, bea).await;
    let me = app.get_ok(&school, "/api/school/me").await;
    assert_eq!((me["school_id"].as_str(), me["role"].as_str()), (Some(DIRECTORY_SCHOOL), Some("Business Manager")));
    let dashboard = app.get_ok(&school, "/api/school/apps").await;
    let apps = dashboard["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 2, "{dashboard}");
    assert_eq!(
        (apps[0]["app_name"].as_str(), apps[0]["state"].as_str()),
        (Some("Other Homework"), Some("asking_for_access"))
    );
    assert_eq!(apps[0]["partner_name"], "Other Partner plc");
    assert_eq!((apps[1]["app_name"].as_str(), apps[1]["state"].as_str()), (Some("Demo Timetabler"), Some("active")));
    assert_eq!(apps[1]["partner_name"], "Demo Partner Ltd");
    assert_eq!(apps[1]["granted_scopes"], json!(["students", "groups"]));
    assert_eq!(
        (apps[1]["gdpr_mode"].as_str(), apps[1]["feed_status"].as_str()),
        (Some("Exclude All"), Some("Enabled"))
    );
    assert_eq!(apps[1]["authorised_by"], "Bea Bursar (Business Manager)");
    assert_eq!(apps[1]["mis"], "Arbor");
    assert_eq!(apps[1]["install_status"]["state"], "Onboarding Queue");

    // Authorising a second time (e.g. after a revoke and re-invite) keeps one account.
    let team = app.get_ok(&school, "/api/school/team").await;
    assert_eq!(team["members"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn settings_changes_are_logged_emailed_published_and_idempotent() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let before = app.get_ok(&partner, &format!("/api/partner/schools/{HANA_SCHOOL}")).await;
    let dashboard = app.get_ok(&school, "/api/school/apps").await;
    assert_eq!(dashboard["apps"].as_array().unwrap().len(), 1);
    assert_eq!(dashboard["apps"][0]["gdpr_mode"], "Include All");

    let wanted = json!({ "gdpr_mode": "Exclude All", "feed_status": "Paused" });
    let outcome = app.post_ok(&school, "/api/school/apps/demo-app/settings", wanted.clone()).await;
    assert_eq!(outcome["changed"], true);
    assert_eq!(
        (outcome["app"]["row"]["gdpr_mode"].as_str(), outcome["app"]["row"]["feed_status"].as_str()),
        (Some("Exclude All"), Some("Paused"))
    );
    let receipts = outcome["app"]["receipts"].as_array().unwrap();
    assert_eq!(receipts[0]["event"], "feed_paused");
    assert_eq!(receipts[1]["event"], "gdpr_mode_changed");

    // The partner's tile shows both, by Hana, with the whole grant in words.
    let tile = app.get_ok(&partner, &format!("/api/partner/schools/{HANA_SCHOOL}")).await;
    assert_eq!(log_events(&tile)[..2], ["feed_paused", "gdpr_mode_changed"]);
    assert_eq!(tile["log"][0]["actor"], "Hana Head");
    let detail = tile["log"][1]["detail"].as_str().unwrap();
    assert!(detail.contains("from Include All to Exclude All by Hana Head (Headteacher)"), "{detail}");
    assert!(detail.contains("Now: Data areas: Students"), "{detail}");
    assert_eq!(
        (tile["row"]["gdpr_mode"].as_str(), tile["row"]["feed_status"].as_str()),
        (Some("Exclude All"), Some("Paused"))
    );
    assert_eq!(tile["log_intact"], true);

    // Stating the same result again changes, logs, emails and publishes nothing.
    let mail_before = app.outbox().await.len();
    let events_before = published(&app).await.len();
    let again = app.post_ok(&school, "/api/school/apps/demo-app/settings", wanted).await;
    assert_eq!(again["changed"], false);
    let tile_after = app.get_ok(&partner, &format!("/api/partner/schools/{HANA_SCHOOL}")).await;
    assert_eq!(tile_after["log"].as_array().unwrap().len(), tile["log"].as_array().unwrap().len());
    assert_eq!(app.outbox().await.len(), mail_before);
    assert_eq!(published(&app).await.len(), events_before);
    assert_eq!(tile["log"].as_array().unwrap().len(), before["log"].as_array().unwrap().len() + 2);

    // Domain events for apps.
    let kinds: Vec<String> =
        published(&app).await.iter().map(|e| e["detail_type"].as_str().unwrap_or("").to_owned()).collect();
    assert!(kinds.contains(&"gdpr_mode.changed".to_owned()) && kinds.contains(&"feed.paused".to_owned()), "{kinds:?}");

    // A receipt per change to the school user and the partner contact, with the link to download it.
    for (to, link) in [
        (DEMO_SCHOOL_EMAIL, "/school/apps/demo-app".to_owned()),
        (DEMO_EMAIL, format!("/schools?school={HANA_SCHOOL}")),
    ] {
        let mails = app.emails_to_about(to, "Receipt: GDPR mode changed").await;
        assert_eq!(mails.len(), 1, "{to}");
        assert!(mails[0].subject.contains("Demo Timetabler"), "{}", mails[0].subject);
        assert!(mails[0].text.contains(&format!("{}{link}", app.server.url)), "{}", mails[0].text);
        assert!(mails[0].text.contains(tile["log"][1]["hash"].as_str().unwrap()));
        assert!(app.emails_to(to).await.iter().any(|e| e.subject.starts_with("Receipt: Feed paused")));
    }
    // The school's contact on the link (a different person) gets it too.
    let contact = format!("data.lead.{HANA_SCHOOL}@school.example");
    assert_eq!(app.emails_to(&contact).await.iter().filter(|e| e.subject.starts_with("Receipt")).count(), 2);

    // Enabling the feed again is its own change.
    let enabled = app.post_ok(&school, "/api/school/apps/demo-app/settings", json!({ "feed_status": "Enabled" })).await;
    assert_eq!(enabled["app"]["log"][0]["event"], "feed_enabled");
    let bad = app.post(&school, "/api/school/apps/demo-app/settings", json!({})).await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "gdpr_mode");
}

#[tokio::test]
async fn receipts_download_from_both_portals_and_match_the_log() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let outcome =
        app.post_ok(&school, "/api/school/apps/demo-app/settings", json!({ "gdpr_mode": "Exclude All" })).await;
    let entry = outcome["app"]["log"][0].clone();
    let seq = entry["seq"].as_u64().unwrap();

    let from_school = app.get(&school, &format!("/api/school/apps/demo-app/receipts/{seq}")).await;
    let from_partner = app.get(&partner, &format!("/api/partner/schools/{HANA_SCHOOL}/receipts/{seq}")).await;
    let mut bodies = Vec::new();
    for response in [from_school, from_partner] {
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"receipt-{HANA_SCHOOL}-demo-app-{seq:04}.html\""));
        bodies.push(response.text().await.unwrap());
    }
    for body in &bodies {
        assert!(body.contains(entry["hash"].as_str().unwrap()), "the entry hash is in the receipt");
        assert!(body.contains("GDPR mode changed") && body.contains("Hana Head"));
        assert!(body.contains("Demo Timetabler") && body.contains("Demo Partner Ltd"));
        assert!(body.contains("Intact"), "the chain verified when downloaded");
    }
    // Same receipt both ways, apart from the download time.
    let strip = |body: &str| body.lines().filter(|line| !line.contains("Downloaded")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&bodies[0]), strip(&bodies[1]));

    // An entry without a receipt (the invitation), an unknown one, junk: 404.
    for bad in ["1", "999", "abc", "0"] {
        assert_problem(app.get(&school, &format!("/api/school/apps/demo-app/receipts/{bad}")).await, 404, "not_found")
            .await;
    }
    // Another partner cannot download this school's receipt.
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let stranger = app.get(&other, &format!("/api/partner/schools/{HANA_SCHOOL}/receipts/{seq}")).await;
    assert_problem(stranger, 404, "not_found").await;
}

#[tokio::test]
async fn a_school_revokes_later_cancels_then_revokes_now() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let tile_path = format!("/api/partner/schools/{HANA_SCHOOL}");

    let later = json!({ "revoke_on": "2026-12-15", "note": "Trial ended" });
    let outcome = app.post_ok(&school, "/api/school/apps/demo-app/revoke", later.clone()).await;
    assert_eq!(
        (outcome["changed"].as_bool(), outcome["app"]["row"]["state"].as_str()),
        (Some(true), Some("revoke_pending"))
    );
    let tile = app.get_ok(&partner, &tile_path).await;
    assert_eq!(tile["row"]["revoke_pending"], "2026-12-15");
    assert_eq!(tile["log"][0]["event"], "revoke_scheduled");
    assert!(tile["log"][0]["detail"].as_str().unwrap().contains("Trial ended"));
    assert_eq!(app.post_ok(&school, "/api/school/apps/demo-app/revoke", later).await["changed"], false);

    let cancelled = app.post_ok(&school, "/api/school/apps/demo-app/cancel-revocation", json!({})).await;
    assert_eq!(cancelled["app"]["row"]["state"], "active");
    assert_eq!(app.post_ok(&school, "/api/school/apps/demo-app/cancel-revocation", json!({})).await["changed"], false);
    let tile = app.get_ok(&partner, &tile_path).await;
    assert_eq!(tile["log"][0]["event"], "revoke_cancelled");
    assert!(tile["row"]["revoke_pending"].is_null());

    let past = app.post(&school, "/api/school/apps/demo-app/revoke", json!({ "revoke_on": "2026-11-01" })).await;
    assert_eq!(assert_problem(past, 400, "invalid").await["field"], "revoke_on");

    let now = app.post_ok(&school, "/api/school/apps/demo-app/revoke", json!({ "revoke_on": "2026-11-23" })).await;
    assert_eq!(now["app"]["row"]["state"], "revoked");
    assert_eq!(now["app"]["row"]["granted_scopes"], json!([]));
    let tile = app.get_ok(&partner, &tile_path).await;
    assert_eq!((tile["view"].as_str(), tile["log"][0]["event"].as_str()), (Some("revoked"), Some("revoked")));
    assert_eq!(tile["row"]["revoked_by"], "School");
    assert_eq!(
        app.post_ok(&school, "/api/school/apps/demo-app/revoke", json!({ "revoke_on": "2026-11-23" })).await["changed"],
        false
    );
    assert!(
        published(&app)
            .await
            .iter()
            .any(|e| e["detail_type"] == "authorisation.revoked" && e["detail"]["school_id"] == HANA_SCHOOL)
    );
    // A revoked app is still listed, as revoked.
    let dashboard = app.get_ok(&school, "/api/school/apps").await;
    assert_eq!(dashboard["apps"][0]["state"], "revoked");
    let settings = app.post(&school, "/api/school/apps/demo-app/settings", json!({ "feed_status": "Paused" })).await;
    assert_problem(settings, 400, "invalid").await;
}

#[tokio::test]
async fn classic_authorisation_and_partial_reauthorisation_in_the_portal() {
    let (app, demo) = spawn_app_as_demo().await;
    let bea = authorised_by_bea(&app, &demo).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    app.post_ok(&other, "/api/partner/invitations", invitation(bea)).await;
    let invitation_mail = app.emails_to(bea).await.into_iter().find(|e| e.subject.contains("Other Homework")).unwrap();
    let invite_token = token_after(&invitation_mail.text, MARKER);
    let school = school_client(&app, bea).await;

    // Classic: the pending request of the other partner's app.
    let pending = app.get_ok(&school, "/api/school/apps/other-app").await;
    assert_eq!(pending["row"]["state"], "asking_for_access");
    assert_eq!(pending["requested_scopes"], json!(["students", "groups"]));
    let none = json!({ "approved_scopes": [], "gdpr_mode": "Include All", "feed_status": "Enabled" });
    let refused = app.post(&school, "/api/school/apps/other-app/authorise", none).await;
    assert_eq!(assert_problem(refused, 400, "invalid").await["field"], "approved_scopes");
    let body = json!({ "approved_scopes": ["students"], "gdpr_mode": "Include All", "feed_status": "Enabled", "mis": "Arbor" });
    let done = app.post_ok(&school, "/api/school/apps/other-app/authorise", body.clone()).await;
    assert_eq!((done["changed"].as_bool(), done["app"]["row"]["state"].as_str()), (Some(true), Some("active")));
    assert_eq!(done["app"]["row"]["authorised_by"], "Bea Bursar (Business Manager)");
    assert_eq!(app.post_ok(&school, "/api/school/apps/other-app/authorise", body).await["changed"], false);
    let tile = app.get_ok(&other, &format!("/api/partner/schools/{DIRECTORY_SCHOOL}")).await;
    assert_eq!((tile["view"].as_str(), tile["log"][0]["event"].as_str()), (Some("active"), Some("authorised")));
    assert!(tile["log"][0]["detail"].as_str().unwrap().contains("in the school portal"));
    assert!(app.emails_to(OTHER_EMAIL).await.iter().any(|e| e.subject.starts_with("Receipt: Authorised")));
    // The emailed link is no longer needed and no longer works.
    let opened = app.post(&new_client(), "/api/invitations/open", json!({ "token": invite_token })).await;
    assert_problem(opened, 410, "link_superseded").await;

    // P10: the demo app asks for more; Bea approves some, the grant stays live.
    let set = app.get_ok(&demo, "/api/partner/apps/demo-app/permissions").await;
    let mut requested: Vec<Value> = set["requested"].as_array().unwrap().clone();
    requested.extend([json!("home_language"), json!("traveller")]);
    app.save_permission_set(&demo, "demo-app", json!(requested)).await;
    let page = app.get_ok(&school, "/api/school/apps/demo-app").await;
    let asking = page["row"]["asking_for_more"].as_array().unwrap();
    assert!(asking.contains(&json!("home_language")) && asking.contains(&json!("traveller")), "{page}");
    assert_eq!(page["row"]["granted_scopes"], json!(["students", "groups"]), "the existing grant stays meanwhile");
    let partial = json!({ "approved_scopes": ["home_language"], "gdpr_mode": "Exclude All", "feed_status": "Enabled" });
    let answered = app.post_ok(&school, "/api/school/apps/demo-app/authorise", partial.clone()).await;
    assert_eq!(answered["app"]["row"]["granted_scopes"], json!(["students", "groups", "home_language"]));
    let still_asking = answered["app"]["row"]["asking_for_more"].as_array().unwrap();
    assert!(still_asking.contains(&json!("traveller")) && !still_asking.contains(&json!("home_language")));
    assert_eq!(app.post_ok(&school, "/api/school/apps/demo-app/authorise", partial).await["changed"], false);
    let tile = app.get_ok(&demo, &format!("/api/partner/schools/{DIRECTORY_SCHOOL}")).await;
    assert_eq!(tile["log"][0]["event"], "scopes_changed");
    let detail = tile["log"][0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("Bea Bursar (Business Manager) approved: Home language; not approved: ")
            && detail.contains("Traveller"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_school_user_sees_only_their_school_and_writes_nothing_elsewhere() {
    let (app, demo) = spawn_app_as_demo().await;
    authorised_by_bea(&app, &demo).await;
    // Hana (school 3280003) names apps linked to other schools, and junk.
    let hana = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let before = app.get_ok(&other, "/api/partner/schools/4510001?app=other-app").await;
    let mail_before = app.outbox().await.len();
    for app_id in ["other-app", "no-such-app", "..%2F.."] {
        for path in ["", "/people", "/receipts/2"] {
            assert_problem(app.get(&hana, &format!("/api/school/apps/{app_id}{path}")).await, 404, "not_found").await;
        }
        let writes = [
            ("/settings", json!({ "gdpr_mode": "Exclude All" })),
            ("/revoke", json!({ "revoke_on": "2026-11-23" })),
            ("/cancel-revocation", json!({})),
            (
                "/authorise",
                json!({ "approved_scopes": ["students"], "gdpr_mode": "Include All", "feed_status": "Enabled", "mis": "Arbor" }),
            ),
            ("/people", json!({ "mis_id": "S1", "choice": "exclude" })),
        ];
        for (path, body) in writes {
            assert_problem(app.post(&hana, &format!("/api/school/apps/{app_id}{path}"), body).await, 404, "not_found")
                .await;
        }
    }
    let after = app.get_ok(&other, "/api/partner/schools/4510001?app=other-app").await;
    assert_eq!(before, after, "nothing written");
    assert_eq!(app.outbox().await.len(), mail_before, "nothing sent");
    // Bea's school has the demo app too, but Hana's dashboard shows only her own.
    let dashboard = app.get_ok(&hana, "/api/school/apps").await;
    assert_eq!(dashboard["school_id"], HANA_SCHOOL);
    assert_eq!(dashboard["apps"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn people_controls_work_before_any_mis_data_exists() {
    let app = spawn_app().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let people = app.get_ok(&school, "/api/school/apps/demo-app/people?q=smith").await;
    assert_eq!((people["matches"].clone(), people["selected"].clone()), (json!([]), json!([])));
    assert_eq!(people["gdpr_mode"], "Include All");
    let unknown =
        app.post(&school, "/api/school/apps/demo-app/people", json!({ "mis_id": "S404", "choice": "exclude" })).await;
    assert_problem(unknown, 404, "not_found").await;
    let junk =
        app.post(&school, "/api/school/apps/demo-app/people", json!({ "mis_id": "a b", "choice": "exclude" })).await;
    assert_eq!(assert_problem(junk, 400, "invalid").await["field"], "mis_id");
}

#[tokio::test]
async fn colleagues_are_added_with_a_welcome_and_removed() {
    let app = spawn_app().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let colleague = "dee@school.example";
    let body = json!({ "name": "Dee Deputy", "email": colleague, "role": "Deputy Head" });
    let before = app.get_ok(&school, "/api/school/team").await["members"].as_array().unwrap().len();
    let team = app.post_ok(&school, "/api/school/team", body.clone()).await;
    assert_eq!(team["members"].as_array().unwrap().len(), before + 1);
    let welcome = app.emails_to(colleague).await;
    assert_eq!(welcome.len(), 1);
    assert!(welcome[0].subject.contains("data sharing"), "{}", welcome[0].subject);
    assert!(
        welcome[0].text.contains(&format!("{}/school/signin", app.server.url)) && welcome[0].text.contains("Hana Head")
    );
    // Adding again sends nothing twice.
    app.post_ok(&school, "/api/school/team", body).await;
    assert_eq!(app.emails_to(colleague).await.len(), 1);
    let dee = school_client(&app, colleague).await;
    assert_eq!(app.get_ok(&dee, "/api/school/apps").await["school_id"], HANA_SCHOOL);

    let bad =
        app.post(&school, "/api/school/team", json!({ "name": "", "email": "x@y.example", "role": "Clerk" })).await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "name");
    let myself = app.post(&school, "/api/school/team/remove", json!({ "email": DEMO_SCHOOL_EMAIL })).await;
    assert_eq!(assert_problem(myself, 400, "invalid").await["field"], "email");

    let team = app.post_ok(&school, "/api/school/team/remove", json!({ "email": colleague })).await;
    assert_eq!(team["members"].as_array().unwrap().len(), before);
    assert_problem(app.get(&dee, "/api/school/apps").await, 401, "sign_in_required").await;

    // An address with an account at another school is not moved.
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let bea = authorised_by_bea(&app, &demo).await;
    let taken = app.post(&school, "/api/school/team", json!({ "name": "Bea", "email": bea, "role": "Clerk" })).await;
    assert_problem(taken, 409, "conflict").await;
}

#[tokio::test]
async fn onboarding_books_a_slot_once_and_self_install_shows_the_key_once() {
    let app = spawn_app().await;
    let gatehouse = &app.server.gatehouse;
    let slot = |raw: &str| onboarding::parse_slot(raw).unwrap();
    let offered =
        onboarding::offer_slots(gatehouse, &[slot("2026-11-30T10:00"), slot("2026-12-01T14:30")]).await.unwrap();
    assert_eq!(offered, 2);
    assert_eq!(onboarding::offer_slots(gatehouse, &[slot("2026-11-30T10:00")]).await.unwrap(), 0, "offered once");

    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let bea = authorised_by_bea(&app, &demo).await;
    let school = school_client(&app, bea).await;
    let status = app.get_ok(&school, "/api/school/onboarding").await;
    assert_eq!(status["install_status"]["state"], "Onboarding Queue");
    assert_eq!(status["slots"], json!(["2026-11-30T10:00", "2026-12-01T14:30"]));

    let booked = app.post_ok(&school, "/api/school/onboarding/book", json!({ "slot": "2026-11-30T10:00" })).await;
    assert_eq!(booked["install_status"], json!({ "state": "Booked", "slot": "2026-11-30T10:00" }));
    assert_eq!(booked["slots"], json!(["2026-12-01T14:30"]));
    app.post_ok(&school, "/api/school/onboarding/book", json!({ "slot": "2026-11-30T10:00" })).await;
    // The partner sees the booking on the school's row.
    let row = &app.get_ok(&demo, &format!("/api/partner/schools?q={DIRECTORY_SCHOOL}")).await["items"][0];
    assert_eq!(row["install_status"], json!({ "state": "Booked", "slot": "2026-11-30T10:00" }));

    // Another school cannot take the same slot.
    let hana = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let taken = app.post(&hana, "/api/school/onboarding/book", json!({ "slot": "2026-11-30T10:00" })).await;
    assert_problem(taken, 409, "conflict").await;
    let unknown = app.post(&hana, "/api/school/onboarding/book", json!({ "slot": "2026-11-30T11:00" })).await;
    assert_eq!(assert_problem(unknown, 400, "invalid").await["field"], "slot");
    let (bookings, _) = onboarding::bookings(gatehouse, onboarding::uk_now(gatehouse), None).await.unwrap();
    assert_eq!(bookings.len(), 1);
    assert_eq!((bookings[0].school_id.as_str(), bookings[0].booked_by.as_str()), (DIRECTORY_SCHOOL, "Bea Bursar"));

    // Re-booking frees the first slot.
    app.post_ok(&school, "/api/school/onboarding/book", json!({ "slot": "2026-12-01T14:30" })).await;
    app.post_ok(&hana, "/api/school/onboarding/book", json!({ "slot": "2026-11-30T10:00" })).await;

    // Self-install: the key is in this answer only, and it works for the agent.
    let key = app.post_ok(&school, "/api/school/onboarding/self-install", json!({})).await;
    let secret = key["secret"].as_str().unwrap().to_owned();
    assert_eq!(key["school_id"], DIRECTORY_SCHOOL);
    assert!(key["steps"].as_array().unwrap().len() >= 3);
    let status = app.get(&school, "/api/school/onboarding").await.text().await.unwrap();
    assert!(!status.contains(&secret) && status.contains("\"agent_key_issued\":true"), "{status}");
    let agent = app.client.get(app.url("/api/agent/v1/status")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(agent.status(), 200);
    // Asking again issues a new key; the first stops working.
    app.post_ok(&school, "/api/school/onboarding/self-install", json!({})).await;
    let old = app.client.get(app.url("/api/agent/v1/status")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(old.status(), 401);

    // Ops mark it installed: Installed everywhere, and no slot is needed any more.
    let school_id = gatehouse_core::SchoolId::parse(DIRECTORY_SCHOOL).unwrap();
    assert!(onboarding::mark_installed(gatehouse, &school_id, "Olu Operations").await.unwrap());
    assert!(!onboarding::mark_installed(gatehouse, &school_id, "Olu Operations").await.unwrap());
    let status = app.get_ok(&school, "/api/school/onboarding").await;
    assert_eq!(status["install_status"]["state"], "Installed");
    let row = &app.get_ok(&demo, &format!("/api/partner/schools?q={DIRECTORY_SCHOOL}")).await["items"][0];
    assert_eq!(row["install_status"]["state"], "Installed");
}
