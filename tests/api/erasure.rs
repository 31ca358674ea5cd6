//! #16, proof of erasure after revoke: when access to a school ends the app
//! confirms it erased the school's data, with its key; until then both
//! portals say "Erasure not yet confirmed", the partner is reminded after 7
//! and 14 days, and operations see it overdue. The confirmation is an
//! Authorisation Log entry with a receipt for the school and the partner.

use chrono::Duration;
use gatehouse_core::demo::{self, DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_core::ports::Clock;
use gatehouse_core::{AppId, PartnerId, app_keys};
use gatehouse_tests::webhook_receiver::Receiver;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, log_events, spawn_app_as_demo};

/// Demo: the school portal user's school, active for the demo app.
const HANA_SCHOOL: &str = "3280003";
/// Demo: active for the demo app, no revocation scheduled.
const ACTIVE_SCHOOL: &str = "3280002";
/// Demo: pending, never authorised.
const PENDING_SCHOOL: &str = "3280008";
/// Demo: revoked 14 days before the demo's today, so overdue.
const REVOKED_SCHOOL: &str = "3280010";

fn confirmation_path(school: &str) -> String {
    format!("/api/v1/schools/{school}/erasure-confirmation")
}

fn body(erased_at: &str) -> Value {
    json!({
        "erased_at": erased_at,
        "records": true,
        "backups": { "erased_by": "2026-12-20" },
        "note": "Nightly backups expire after 30 days."
    })
}

async fn confirm_with(app: &TestApp, key: &str, school: &str, body: Value) -> reqwest::Response {
    app.client.post(app.url(&confirmation_path(school))).bearer_auth(key).json(&body).send().await.unwrap()
}

async fn confirm(app: &TestApp, school: &str, body: Value) -> reqwest::Response {
    confirm_with(app, &app.server.demo_app_key, school, body).await
}

async fn confirm_ok(app: &TestApp, school: &str, body: Value) -> Value {
    let response = confirm(app, school, body).await;
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn other_app_key(app: &TestApp) -> String {
    let partner = PartnerId::parse(demo::OTHER_PARTNER).unwrap();
    let other = AppId::parse(demo::OTHER_APP).unwrap();
    let now = app.clock.now();
    app_keys::ensure_demo_key(app.server.gatehouse.table.as_ref(), &partner, &other, None, now).await.unwrap()
}

async fn partner_revokes_today(app: &TestApp, partner: &reqwest::Client, school: &str) -> Value {
    let request = json!({ "reason": "school_asked", "revoke_on": app.clock.now().date_naive().to_string() });
    let outcome = app.post_ok(partner, &format!("/api/partner/schools/{school}/revoke"), request).await;
    assert_eq!(outcome["school"]["view"], "revoked", "{outcome}");
    outcome
}

/// The school's row in the partner's Revoked Schools list.
async fn revoked_row(app: &TestApp, partner: &reqwest::Client, school: &str) -> Value {
    let page = app.get_ok(partner, &format!("/api/partner/schools?view=revoked&q={school}")).await;
    page["items"].as_array().unwrap().iter().find(|row| row["school_id"] == school).cloned().expect("listed")
}

/// The demo partner's overdue erasures, as the operations console lists them.
async fn overdue(app: &TestApp) -> u64 {
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let list = app.get_ok(&ops, "/api/ops/partners").await;
    let demo = list["partners"].as_array().unwrap().iter().find(|p| p["partner_id"] == demo::DEMO_PARTNER).cloned();
    demo.expect("the demo partner")["erasure_overdue"].as_u64().unwrap()
}

/// Erasure reminders about `school_name` to the demo partner's contact.
async fn reminders_about(app: &TestApp, school_name: &str) -> Vec<gatehouse_local::OutboxEntry> {
    let emails = app.emails_to(DEMO_EMAIL).await;
    emails
        .into_iter()
        .filter(|email| email.subject.starts_with("Reminder: confirm") && email.subject.contains(school_name))
        .collect()
}

#[tokio::test]
async fn after_the_school_revokes_the_app_confirms_once_with_a_log_entry_and_receipts_for_both() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    // Still authorised: nothing to confirm yet.
    assert_problem(confirm(&app, HANA_SCHOOL, body("2026-11-23T09:00:00Z")).await, 409, "not_revoked").await;

    let revoke = json!({ "revoke_on": "2026-11-23", "note": "We stopped using it" });
    app.post_ok(&school, "/api/school/apps/demo-app/revoke", revoke).await;
    app.clock.advance(Duration::days(3));
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let partner_again = app.signed_in_client(DEMO_EMAIL).await;
    let dashboard = app.get_ok(&school, "/api/school/apps").await;
    let row = dashboard["apps"].as_array().unwrap().iter().find(|row| row["app_id"] == "demo-app").unwrap().clone();
    assert_eq!((row["state"].as_str(), row["erasure_unconfirmed_days"].as_u64()), (Some("revoked"), Some(3)));
    let detail = app.get_ok(&school, "/api/school/apps/demo-app").await;
    assert_eq!(detail["row"]["erasure_unconfirmed_days"], 3);
    assert_eq!(revoked_row(&app, &partner_again, HANA_SCHOOL).await["erasure_unconfirmed_days"], 3);

    // Bad confirmations are refused with the field named, and change nothing.
    for (bad, field) in [
        (body("2026-11-22T09:00:00Z"), "erased_at"),
        (body("2026-11-27T09:00:00Z"), "erased_at"),
        (json!({ "erased_at": "2026-11-24T09:00:00Z", "records": false, "backups": { "erased_by": null } }), "records"),
        (
            json!({ "erased_at": "2026-11-24T09:00:00Z", "records": true, "backups": { "erased_by": "2027-06-01" } }),
            "backups.erased_by",
        ),
    ] {
        let refused = assert_problem(confirm(&app, HANA_SCHOOL, bad).await, 400, "invalid").await;
        assert_eq!(refused["field"], field, "{refused}");
    }

    let confirmed = confirm_ok(&app, HANA_SCHOOL, body("2026-11-24T09:00:00+00:00")).await;
    assert_eq!(confirmed["school_id"], HANA_SCHOOL);
    assert_eq!(confirmed["revoked_on"], "2026-11-23");
    assert_eq!(confirmed["erased_at"], "2026-11-24T09:00:00Z");
    assert_eq!(confirmed["backups"]["erased_by"], "2026-12-20");
    assert_eq!(confirmed["confirmed_at"], "2026-11-26T10:00:00Z");

    // The same again answers the same; a different one is refused: the first is final.
    let mails = app.outbox().await.len();
    assert_eq!(confirm_ok(&app, HANA_SCHOOL, body("2026-11-24T09:00:00Z")).await, confirmed);
    assert_eq!(app.outbox().await.len(), mails, "a retry sends nothing");
    let different = confirm(&app, HANA_SCHOOL, body("2026-11-25T09:00:00Z")).await;
    assert_problem(different, 409, "erasure_already_confirmed").await;

    // One Authorisation Log entry, with a receipt for each side.
    let tile = app.get_ok(&partner_again, &format!("/api/partner/schools/{HANA_SCHOOL}")).await;
    assert_eq!(log_events(&tile)[0], "erasure_confirmed");
    assert_eq!(log_events(&tile).iter().filter(|event| *event == "erasure_confirmed").count(), 1);
    assert_eq!(tile["log_intact"], true);
    let entry = &tile["log"][0];
    assert_eq!(entry["seq"], confirmed["log_seq"]);
    assert_eq!(entry["actor"], "Demo Timetabler (app)");
    assert!(entry["detail"].as_str().unwrap().contains("backups erased by 2026-12-20"), "{entry}");
    let seq = confirmed["log_seq"].as_u64().unwrap();
    let partner_receipt = app.get(&partner_again, &format!("/api/partner/schools/{HANA_SCHOOL}/receipts/{seq}")).await;
    assert_eq!(partner_receipt.status(), 200);
    assert!(partner_receipt.text().await.unwrap().contains("Erasure confirmed"));
    let detail = app.get_ok(&school, "/api/school/apps/demo-app").await;
    assert_eq!(detail["receipts"][0]["event"], "erasure_confirmed");
    let school_receipt = app.get(&school, &format!("/api/school/apps/demo-app/receipts/{seq}")).await;
    assert_eq!(school_receipt.status(), 200);
    for to in [DEMO_EMAIL, &format!("data.lead.{HANA_SCHOOL}@school.example")] {
        let receipts = app.emails_to_about(to, "Receipt: Erasure confirmed").await;
        assert_eq!(receipts.len(), 1, "one receipt to {to}");
    }

    // Confirmed: neither portal says "not yet confirmed" any more.
    assert_eq!(detail["row"]["erasure_unconfirmed_days"], Value::Null);
    assert_eq!(revoked_row(&app, &partner_again, HANA_SCHOOL).await["erasure_unconfirmed_days"], Value::Null);
    drop(partner);
}

#[tokio::test]
async fn after_the_partner_revokes_only_the_app_that_had_the_school_confirms() {
    let (app, partner) = spawn_app_as_demo().await;
    partner_revokes_today(&app, &partner, ACTIVE_SCHOOL).await;
    assert_eq!(revoked_row(&app, &partner, ACTIVE_SCHOOL).await["erasure_unconfirmed_days"], 0);

    // Another partner's app, a school never authorised and one that does not exist: not found.
    let other = other_app_key(&app).await;
    let stranger = confirm_with(&app, &other, ACTIVE_SCHOOL, body("2026-11-23T09:30:00Z")).await;
    assert_problem(stranger, 404, "not_found").await;
    assert_problem(confirm(&app, PENDING_SCHOOL, body("2026-11-23T09:30:00Z")).await, 404, "not_found").await;
    assert_problem(confirm(&app, "3289999", body("2026-11-23T09:30:00Z")).await, 404, "not_found").await;
    let no_key = app.client.post(app.url(&confirmation_path(ACTIVE_SCHOOL))).json(&body("2026-11-23T09:30:00Z"));
    assert_problem(no_key.send().await.unwrap(), 401, "invalid_credentials").await;

    let answer = confirm_ok(&app, ACTIVE_SCHOOL, body("2026-11-23T09:30:00Z")).await;
    assert_eq!(answer["revoked_on"], "2026-11-23");
    assert_eq!(revoked_row(&app, &partner, ACTIVE_SCHOOL).await["erasure_unconfirmed_days"], Value::Null);
}

#[tokio::test]
async fn a_dated_revocation_is_confirmed_once_its_date_comes_even_before_the_daily_job() {
    let (app, partner) = spawn_app_as_demo().await;
    let later = json!({ "reason": "no_longer_a_customer", "revoke_on": "2026-11-30" });
    app.post_ok(&partner, &format!("/api/partner/schools/{ACTIVE_SCHOOL}/revoke"), later).await;
    assert_problem(confirm(&app, ACTIVE_SCHOOL, body("2026-11-23T09:30:00Z")).await, 409, "not_revoked").await;

    app.clock.advance(Duration::days(7));
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let answer = confirm_ok(&app, ACTIVE_SCHOOL, body("2026-11-30T09:00:00Z")).await;
    assert_eq!(answer["revoked_on"], "2026-11-30", "access ended on the scheduled date");
    let tile = app.get_ok(&partner, &format!("/api/partner/schools/{ACTIVE_SCHOOL}")).await;
    assert_eq!(tile["view"], "revoked");
    assert_eq!(&log_events(&tile)[..2], ["erasure_confirmed", "revoked"], "recorded as the job records it");
    assert_eq!(tile["log_intact"], true);
    // The job then finds nothing left to apply.
    let run = app.run_job("apply-revocations").await;
    assert_eq!(run["applied"], 0, "{run}");
}

#[tokio::test]
async fn the_partner_is_reminded_at_7_and_14_days_once_each_and_never_after_confirming() {
    let (app, partner) = spawn_app_as_demo().await;
    let reminded = partner_revokes_today(&app, &partner, ACTIVE_SCHOOL).await;
    let name = reminded["school"]["row"]["name"].as_str().unwrap().to_owned();
    let confirmed = partner_revokes_today(&app, &partner, HANA_SCHOOL).await;
    let confirmed_name = confirmed["school"]["row"]["name"].as_str().unwrap().to_owned();
    confirm_ok(&app, HANA_SCHOOL, body("2026-11-23T09:30:00Z")).await;

    let mut seen = Vec::new();
    for day in 1..=20 {
        app.clock.advance(Duration::days(1));
        app.run_job("send-erasure-reminders").await;
        // Twice the same day: nothing more.
        app.run_job("send_erasure_reminders").await;
        seen.push((day, reminders_about(&app, &name).await.len()));
    }
    let first = seen.iter().find(|(_, count)| *count == 1).unwrap().0;
    let second = seen.iter().find(|(_, count)| *count == 2).unwrap().0;
    assert_eq!((first, second, seen.last().unwrap().1), (7, 14, 2), "{seen:?}");
    assert!(reminders_about(&app, &confirmed_name).await.is_empty(), "confirmed: never reminded");

    let sent = reminders_about(&app, &name).await;
    let mail = sent.iter().find(|mail| mail.text.contains("14 days ago")).expect("the second reminder");
    assert!(mail.text.contains("14 days ago") && mail.text.contains("Erasure not yet confirmed"), "{}", mail.text);
    let page = format!("{}/schools/revoked?school={ACTIVE_SCHOOL}", app.server.url);
    assert!(mail.text.contains(&page) && mail.html.contains(&page), "links to the partner portal: {}", mail.text);
    assert!(mail.text.contains(&confirmation_path(ACTIVE_SCHOOL)), "{}", mail.text);
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let tile = app.get_ok(&partner, &format!("/api/partner/schools/{ACTIVE_SCHOOL}")).await;
    let events = log_events(&tile);
    assert_eq!(events.iter().filter(|event| *event == "erasure_reminded").count(), 2, "{events:?}");
    assert_eq!(tile["log_intact"], true);

    // Confirming takes the school off the list: no reminder, and it is no longer overdue.
    let before = overdue(&app).await;
    confirm_ok(&app, ACTIVE_SCHOOL, body("2026-11-23T09:30:00Z")).await;
    assert_eq!(overdue(&app).await, before - 1);
}

#[tokio::test]
async fn operations_see_overdue_confirmations_and_the_demo_reaches_its_state_by_the_rules() {
    let (app, _) = spawn_app_as_demo().await;
    // The demo's revoked schools owe erasure; those revoked 14 or more days ago are overdue.
    let before = overdue(&app).await;
    assert!(before >= 1, "{before}");
    let answer = confirm_ok(&app, REVOKED_SCHOOL, body("2026-11-20T09:30:00Z")).await;
    assert_eq!(answer["revoked_on"], "2026-11-09");
    assert_eq!(overdue(&app).await, before - 1);
}

#[tokio::test]
async fn revoking_tells_the_app_at_once_with_where_to_confirm_erasure() {
    let (app, partner) = spawn_app_as_demo().await;
    let receiver = Receiver::start().await;
    let saved =
        app.post_ok(&partner, "/api/partner/webhooks/demo-app", json!({ "url": receiver.url, "enabled": true })).await;
    receiver.use_secret(saved["secret"].as_str().unwrap());

    partner_revokes_today(&app, &partner, ACTIVE_SCHOOL).await;
    let received = receiver.wait_for(1).await;
    let request = &received[0];
    assert!(request.signature_valid);
    let event = &request.event;
    assert_eq!(event["type"], "authorisation.revoked");
    assert_eq!(event["school_id"], ACTIVE_SCHOOL);
    assert_eq!(event["revoked_on"], "2026-11-23");
    assert_eq!(event["revoked_at"], "2026-11-23T10:00:00Z");
    assert_eq!(event["revoked_by"], "partner");
    let url = format!("{}{}", app.server.url, confirmation_path(ACTIVE_SCHOOL));
    assert_eq!(event["erasure_confirmation_url"], url.as_str());

    // The school revoking says so too.
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    app.post_ok(&school, "/api/school/apps/demo-app/revoke", json!({ "revoke_on": "2026-11-23" })).await;
    let received = receiver.wait_for(2).await;
    assert_eq!(
        (received[1].event["revoked_by"].as_str(), received[1].event["school_id"].as_str()),
        (Some("school"), Some(HANA_SCHOOL))
    );
}
