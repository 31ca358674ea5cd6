//! P6 actions, the P8 tile, the Authorisation Log and the daily revocation
//! job, over HTTP against the local server with a clock the test moves.

use chrono::Duration;
use gatehouse_core::demo::{DEMO_EMAIL, OTHER_EMAIL};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, field_of_each, log_events, spawn_app_as_demo, token_after};

const ACTIVE_SCHOOL: &str = "3280002";
/// Demo: active with a revocation already scheduled 14 days ahead.
const REVOKE_PENDING_SCHOOL: &str = "3280005";
const PENDING_SCHOOL: &str = "3280008";
const OTHER_PENDING_SCHOOL: &str = "3280009";
const REVOKED_SCHOOL: &str = "3280010";
const INVITE_MARKER: &str = "/authorise#token=";

fn school(id: &str, action: &str) -> String {
    if action.is_empty() { format!("/api/partner/schools/{id}") } else { format!("/api/partner/schools/{id}/{action}") }
}

fn ids(page: &Value) -> Vec<String> {
    field_of_each(&page["items"], "school_id")
}

#[tokio::test]
async fn the_tile_shows_details_scopes_log_and_the_actions_that_apply() {
    let (app, demo) = spawn_app_as_demo().await;
    let tile = app.get_ok(&demo, &school("3280001", "")).await;
    assert_eq!(tile["view"], "active");
    assert_eq!(tile["row"]["school_id"], "3280001");
    assert!(tile["row"]["urn"].is_string() && tile["row"]["local_authority"].is_string());
    assert!(tile["school_contact_name"].is_string());
    assert_eq!(tile["requested_scopes"], tile["granted_scopes"]);
    assert!(tile["requested_scopes"].as_array().unwrap().contains(&json!("students")));
    assert_eq!(log_events(&tile), ["authorised", "invited"], "newest first");
    assert_eq!(tile["actions"], json!(["revoke_access"]));

    let pending = app.get_ok(&demo, &school(PENDING_SCHOOL, "")).await;
    assert_eq!(pending["view"], "pending");
    assert_eq!(pending["granted_scopes"], json!([]));
    let actions = pending["actions"].as_array().unwrap();
    assert!(actions.contains(&json!("resend_invite")) && actions.contains(&json!("cancel_invite")));
    let revoked = app.get_ok(&demo, &school(REVOKED_SCHOOL, "")).await;
    assert_eq!(revoked["actions"], json!(["reinvite"]));

    assert_problem(app.get(&demo, &school("9999999", "")).await, 404, "not_found").await;
    assert_problem(app.get(&demo, &school("not a school", "")).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_future_revocation_shows_revoke_pending_and_the_daily_job_applies_it_once() {
    let (app, demo) = spawn_app_as_demo().await;
    let request = json!({ "reason": "no_longer_a_customer", "revoke_on": "2026-11-30" });

    let outcome = app.post_ok(&demo, &school(ACTIVE_SCHOOL, "revoke"), request.clone()).await;
    assert_eq!(outcome["changed"], true);
    assert_eq!(outcome["school"]["row"]["revoke_pending"], "2026-11-30");
    assert_eq!(outcome["school"]["actions"], json!(["cancel_revocation", "revoke_access"]));
    let entry = &outcome["school"]["log"][0];
    assert_eq!(entry["event"], "revoke_scheduled");
    assert_eq!(entry["actor"], "Dana Demo");
    assert!(entry["detail"].as_str().unwrap().contains("2026-11-30"));

    // The same request again: nothing changes, nothing is logged.
    let again = app.post_ok(&demo, &school(ACTIVE_SCHOOL, "revoke"), request).await;
    assert_eq!(again["changed"], false);
    assert_eq!(again["school"]["log"].as_array().unwrap().len(), 3);

    let pending = app.get_ok(&demo, "/api/partner/schools?revoke_pending=true&page_size=200").await;
    assert!(ids(&pending).contains(&ACTIVE_SCHOOL.to_owned()));

    // Not due yet: the job leaves it alone.
    let early = app.run_job("apply-revocations").await;
    assert_eq!(early["applied"], 0);
    assert!(early["not_yet_due"].as_u64().unwrap() >= 1);

    app.clock.advance(Duration::days(7));
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let run = app.run_job("apply-revocations").await;
    assert_eq!(run["applied"], 1, "{run}");
    let tile = app.get_ok(&demo, &school(ACTIVE_SCHOOL, "")).await;
    assert_eq!(tile["view"], "revoked");
    assert_eq!(tile["row"]["revoked_on"], "2026-11-30");
    assert_eq!(tile["row"]["revoked_by"], "Dana Demo");
    assert_eq!(tile["granted_scopes"], json!([]), "the school must authorise again");
    assert_eq!(tile["log"][0]["event"], "revoked");
    assert_eq!(tile["log"][0]["actor"], "Gatehouse (scheduled)");

    // Twice on the same day: nothing changes and nothing is logged.
    let second = app.run_job("apply_revocations").await;
    assert_eq!(second["applied"], 0);
    let after = app.get_ok(&demo, &school(ACTIVE_SCHOOL, "")).await;
    assert_eq!(after["log"], tile["log"]);

    let revoked = app.get_ok(&demo, "/api/partner/schools?view=revoked&page_size=200").await;
    assert!(ids(&revoked).contains(&ACTIVE_SCHOOL.to_owned()));
    let events: Vec<Value> = app.get(&app.client, "/dev/events.json").await.json().await.unwrap();
    let revocations: Vec<_> = events
        .iter()
        .filter(|event| {
            event["detail_type"] == "authorisation.revoked" && event["detail"]["school_id"] == ACTIVE_SCHOOL
        })
        .collect();
    assert_eq!(revocations.len(), 1, "one event, not one per run");
}

#[tokio::test]
async fn revoking_today_ends_access_at_once_and_bad_dates_are_refused() {
    let (app, demo) = spawn_app_as_demo().await;
    let path = school(ACTIVE_SCHOOL, "revoke");
    let past = app.post(&demo, &path, json!({ "reason": "school_asked", "revoke_on": "2026-11-22" })).await;
    assert_eq!(assert_problem(past, 400, "invalid").await["field"], "revoke_on");
    let junk = app.post(&demo, &path, json!({ "reason": "school_asked", "revoke_on": "30/11/2026" })).await;
    assert_eq!(assert_problem(junk, 400, "invalid").await["field"], "revoke_on");
    let no_note = app.post(&demo, &path, json!({ "reason": "other", "revoke_on": "2026-11-23" })).await;
    assert_eq!(assert_problem(no_note, 400, "invalid").await["field"], "note");
    let unknown_reason = app.post(&demo, &path, json!({ "reason": "bored", "revoke_on": "2026-11-23" })).await;
    assert_eq!(assert_problem(unknown_reason, 400, "invalid").await["field"], "reason");
    // Nothing was written by the refused requests.
    assert_eq!(log_events(&app.get_ok(&demo, &school(ACTIVE_SCHOOL, "")).await).len(), 2);

    let body = json!({ "reason": "other", "note": "Merged with another school", "revoke_on": "2026-11-23" });
    let outcome = app.post_ok(&demo, &path, body).await;
    assert_eq!(outcome["school"]["view"], "revoked");
    assert!(outcome["school"]["log"][0]["detail"].as_str().unwrap().contains("Merged with another school"));
    let pending_view = app
        .post(&demo, &school(PENDING_SCHOOL, "revoke"), json!({ "reason": "school_asked", "revoke_on": "2026-11-23" }))
        .await;
    assert_problem(pending_view, 400, "invalid").await;
}

#[tokio::test]
async fn a_cancelled_revocation_is_not_applied_by_the_job() {
    let (app, demo) = spawn_app_as_demo().await;
    let tile = app.get_ok(&demo, &school(REVOKE_PENDING_SCHOOL, "")).await;
    assert!(tile["row"]["revoke_pending"].is_string(), "demo data schedules this one: {tile}");
    let outcome = app.post_ok(&demo, &school(REVOKE_PENDING_SCHOOL, "cancel-revoke"), json!({})).await;
    assert_eq!(outcome["changed"], true);
    assert_eq!(outcome["school"]["row"]["revoke_pending"], Value::Null);
    assert_eq!(outcome["school"]["log"][0]["event"], "revoke_cancelled");
    let again = app.post_ok(&demo, &school(REVOKE_PENDING_SCHOOL, "cancel-revoke"), json!({})).await;
    assert_eq!(again["changed"], false);

    app.clock.advance(Duration::days(30));
    app.run_job("apply-revocations").await;
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let later = app.get_ok(&demo, &school(REVOKE_PENDING_SCHOOL, "")).await;
    assert_eq!(later["view"], "active");
}

#[tokio::test]
async fn priority_is_set_and_removed_idempotently_on_pending_schools_only() {
    let (app, demo) = spawn_app_as_demo().await;
    let path = school(PENDING_SCHOOL, "priority");
    let current = app.get_ok(&demo, &school(PENDING_SCHOOL, "")).await["row"]["priority"].as_bool().unwrap();
    let flipped = app.post_ok(&demo, &path, json!({ "priority": !current })).await;
    assert_eq!(
        (flipped["changed"].clone(), flipped["school"]["row"]["priority"].clone()),
        (json!(true), json!(!current))
    );
    let same = app.post_ok(&demo, &path, json!({ "priority": !current })).await;
    assert_eq!(same["changed"], false);
    let expected = if current { "priority_removed" } else { "priority_set" };
    assert_eq!(log_events(&same["school"]).iter().filter(|event| *event == expected).count(), 1);

    let only = app.get_ok(&demo, "/api/partner/schools?view=pending&priority=true&page_size=200").await;
    assert_eq!(ids(&only).contains(&PENDING_SCHOOL.to_owned()), !current);
    let refused = app.post(&demo, &school(ACTIVE_SCHOOL, "priority"), json!({ "priority": true })).await;
    assert_problem(refused, 400, "invalid").await;
}

#[tokio::test]
async fn resending_to_a_new_contact_kills_the_old_link() {
    let (app, demo) = spawn_app_as_demo().await;
    let path = school(PENDING_SCHOOL, "resend-invite");
    let old_contact = format!("data.lead.{PENDING_SCHOOL}@school.example");

    let first = app.post_ok(&demo, &path, json!({})).await;
    assert_eq!(first["school"]["log"][0]["event"], "invitation_resent");
    let emails = app.emails_to(&old_contact).await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].subject.contains("Demo Partner Ltd"), "{}", emails[0].subject);
    assert!(emails[0].html.contains("Begin Authorisation"));
    let old_token = token_after(&emails[0].text, INVITE_MARKER);
    let opened = app.post_ok(&app.client, "/api/invitations/open", json!({ "token": old_token })).await;
    assert_eq!(opened["app_name"], "Demo Timetabler");
    assert_eq!(opened["school_name"], first["school"]["row"]["name"]);

    let new_contact = json!({ "name": "Nia Newhead", "email": "nia.newhead@school.example", "role": "Headteacher" });
    let second = app.post_ok(&demo, &path, json!({ "new_contact": new_contact })).await;
    assert_eq!(second["school"]["row"]["school_contact"], "nia.newhead@school.example");
    assert_eq!(second["school"]["school_contact_name"], "Nia Newhead");
    let new_emails = app.emails_to("nia.newhead@school.example").await;
    assert_eq!(new_emails.len(), 1);
    assert!(new_emails[0].text.contains("Hello Nia Newhead"));
    let new_token = token_after(&new_emails[0].text, INVITE_MARKER);

    let dead = app.post(&app.client, "/api/invitations/open", json!({ "token": old_token })).await;
    assert_problem(dead, 410, "link_superseded").await;
    let live = app.post_ok(&app.client, "/api/invitations/open", json!({ "token": new_token })).await;
    assert_eq!(live["contact_name"], "Nia Newhead");
    let pending = app.get_ok(&demo, "/api/partner/schools?view=pending&q=nia.newhead&page_size=200").await;
    assert_eq!(ids(&pending), [PENDING_SCHOOL]);

    // Links expire after 30 days.
    app.clock.advance(Duration::days(30));
    let expired = app.post(&app.client, "/api/invitations/open", json!({ "token": new_token })).await;
    assert_problem(expired, 410, "invitation_expired").await;
}

#[tokio::test]
async fn a_retried_resend_with_the_same_idempotency_key_sends_once() {
    let (app, demo) = spawn_app_as_demo().await;
    let url = app.url(&school(PENDING_SCHOOL, "resend-invite"));
    let send = |key: &'static str, body: Value| {
        let request = demo.post(&url).header("Idempotency-Key", key).json(&body);
        async move { request.send().await.unwrap() }
    };
    let first: Value = send("resend-1", json!({})).await.json().await.unwrap();
    let retry: Value = send("resend-1", json!({})).await.json().await.unwrap();
    assert_eq!(first, retry, "the retry gets the first result");
    let contact = format!("data.lead.{PENDING_SCHOOL}@school.example");
    assert_eq!(app.emails_to(&contact).await.len(), 1);
    let other_body = send("resend-1", json!({ "new_contact": { "name": "X Y", "email": "x@y.example" } })).await;
    assert_eq!(assert_problem(other_body, 400, "invalid").await["field"], "Idempotency-Key");
    send("resend-2", json!({})).await;
    assert_eq!(app.emails_to(&contact).await.len(), 2, "a new key is a new send");
    let bad = app
        .post(
            &demo,
            &school(PENDING_SCHOOL, "resend-invite"),
            json!({ "new_contact": { "name": "", "email": "a@b.example" } }),
        )
        .await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "name");
}

#[tokio::test]
async fn a_cancelled_invitation_leaves_the_lists_and_its_link_dies() {
    let (app, demo) = spawn_app_as_demo().await;
    app.post_ok(&demo, &school(OTHER_PENDING_SCHOOL, "resend-invite"), json!({})).await;
    let contact = format!("data.lead.{OTHER_PENDING_SCHOOL}@school.example");
    let token = token_after(&app.emails_to(&contact).await[0].text, INVITE_MARKER);

    let outcome = app.post_ok(&demo, &school(OTHER_PENDING_SCHOOL, "cancel-invite"), json!({})).await;
    assert_eq!(outcome["school"]["view"], Value::Null);
    assert_eq!(outcome["school"]["actions"], json!(["reinvite"]));
    let again = app.post_ok(&demo, &school(OTHER_PENDING_SCHOOL, "cancel-invite"), json!({})).await;
    assert_eq!(again["changed"], false);
    let dead = app.post(&app.client, "/api/invitations/open", json!({ "token": token })).await;
    assert_problem(dead, 410, "link_superseded").await;
    for view in ["active", "pending", "revoked"] {
        let page = app.get_ok(&demo, &format!("/api/partner/schools?view={view}&page_size=200")).await;
        assert!(!ids(&page).contains(&OTHER_PENDING_SCHOOL.to_owned()), "{view}");
    }
}

#[tokio::test]
async fn a_revoked_school_is_reinvited_once() {
    let (app, demo) = spawn_app_as_demo().await;
    let path = school(REVOKED_SCHOOL, "reinvite");
    let outcome = app.post_ok(&demo, &path, json!({})).await;
    assert_eq!(outcome["changed"], true);
    assert_eq!(outcome["school"]["view"], "pending");
    assert_eq!(outcome["school"]["log"][0]["event"], "reinvited");
    assert_eq!(outcome["school"]["row"]["revoked_on"], Value::Null);
    let contact = format!("data.lead.{REVOKED_SCHOOL}@school.example");
    assert_eq!(app.emails_to(&contact).await.len(), 1);

    let again = app.post_ok(&demo, &path, json!({})).await;
    assert_eq!(again["changed"], false);
    assert_eq!(app.emails_to(&contact).await.len(), 1, "no second email");
    let pending = app.get_ok(&demo, "/api/partner/schools?view=pending&page_size=200").await;
    assert!(ids(&pending).contains(&REVOKED_SCHOOL.to_owned()));
    assert_problem(app.post(&demo, &school(ACTIVE_SCHOOL, "reinvite"), json!({})).await, 400, "invalid").await;
}

#[tokio::test]
async fn another_partner_gets_not_found_from_every_school_endpoint_and_learns_nothing() {
    let (app, demo) = spawn_app_as_demo().await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let demo_name = app.get_ok(&demo, &school(PENDING_SCHOOL, "")).await["row"]["name"].as_str().unwrap().to_owned();
    let outbox_before = app.outbox().await.len();
    let requests: Vec<(&str, Option<Value>)> = vec![
        ("", None),
        ("revoke", Some(json!({ "reason": "school_asked", "revoke_on": "2026-11-30" }))),
        ("cancel-revoke", Some(json!({}))),
        ("priority", Some(json!({ "priority": true }))),
        ("cancel-invite", Some(json!({}))),
        ("resend-invite", Some(json!({}))),
        ("reinvite", Some(json!({}))),
    ];
    for suffix in ["", "?app=demo-app"] {
        for (action, body) in &requests {
            let path = format!("{}{suffix}", school(PENDING_SCHOOL, action));
            let response = match body {
                None => app.get(&other, &path).await,
                Some(body) => app.post(&other, &path, body.clone()).await,
            };
            let problem = assert_problem(response, 404, "not_found").await;
            let text = problem.to_string();
            assert!(!text.contains(&demo_name) && !text.contains(PENDING_SCHOOL), "{path}: {text}");
        }
    }
    // And the other way round.
    assert_problem(app.get(&demo, &school("4510001", "")).await, 404, "not_found").await;
    assert_eq!(app.outbox().await.len(), outbox_before, "nothing was sent");
    let tile = app.get_ok(&demo, &school(PENDING_SCHOOL, "")).await;
    assert_eq!(log_events(&tile), ["invited"], "nothing was changed or logged");
    let anonymous = app.get(&crate::helpers::new_client(), &school(PENDING_SCHOOL, "")).await;
    assert_problem(anonymous, 401, "sign_in_required").await;
}

#[tokio::test]
async fn the_tile_says_when_the_authorisation_log_was_tampered_with() {
    let (app, demo) = spawn_app_as_demo().await;
    let tile = app.get_ok(&demo, &school("3280001", "")).await;
    assert_eq!(tile["log_intact"], true);

    // Someone with store access rewrites who authorised.
    gatehouse_tests::tamper::rewrite_log_actor(&app.server.gatehouse, "3280001", 2, "Mallory").await;

    let after = app.get_ok(&demo, &school("3280001", "")).await;
    assert_eq!(after["log"][0]["actor"], "Mallory");
    assert_eq!(after["log_intact"], false, "the chain no longer verifies");
}
