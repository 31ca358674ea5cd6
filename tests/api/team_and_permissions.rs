//! P10 permission set and the partner's team, over HTTP.

use gatehouse_core::background::{self, WorkOutcome};
use gatehouse_core::demo::{self, COLLEAGUE_EMAIL, DEMO_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::{AppId, access, auth, permissions, workers};
use gatehouse_model::{JobKind, Scope, ScopeSet, UpdatePermissionSet};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, field_of_each, new_client, spawn_app, spawn_app_as_demo, token_after};

const APP: &str = "demo-app";
const PERMISSIONS: &str = "/api/partner/apps/demo-app/permissions";
/// Demo: active schools, of which six granted before SEN status was requested.
const AUTHORISED: u64 = 42;
const MISSING_SEN_STATUS: u64 = 6;

fn scopes(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|scope| scope.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn adding_a_scope_asks_every_authorised_school_once_and_removing_one_needs_nobody() {
    let (app, demo) = spawn_app_as_demo().await;
    let set = app.get_ok(&demo, PERMISSIONS).await;
    assert_eq!(set["authorised_schools"], AUTHORISED);
    assert_eq!(set["schools_needing_reauthorisation"], MISSING_SEN_STATUS);
    let needed = app.get_ok(&demo, "/api/partner/schools?reauthorisation=true&page_size=200").await;
    assert_eq!(needed["total"], MISSING_SEN_STATUS);

    let mut requested = scopes(&set["requested"]);
    requested.push("home_language".into());
    let mails_before = app.outbox().await.len();
    let saved = app.save_permission_set(&demo, APP, json!(requested)).await;
    assert_eq!(scopes(&saved["added"]), ["home_language"]);
    assert_eq!(saved["removed"], json!([]));
    assert_eq!(saved["schools_notified"], AUTHORISED);
    assert_eq!(saved["permission_set"]["schools_needing_reauthorisation"], AUTHORISED);
    let mails = app.outbox().await;
    assert_eq!(mails.len() - mails_before, AUTHORISED as usize, "one email per authorised school");
    let review = &mails[0];
    assert!(review.text.contains("Home language"), "{}", review.text);
    let token = token_after(&review.text, "/authorise#token=");
    let opened = app.post_ok(&app.client, "/api/invitations/open", json!({ "token": token })).await;
    assert!(scopes(&opened["requested_scopes"]).contains(&"home_language".to_owned()));

    // Every authorised school now shows "re-authorisation needed"; its log says why.
    let needed = app.get_ok(&demo, "/api/partner/schools?reauthorisation=true&page_size=200").await;
    assert_eq!(needed["total"], AUTHORISED);
    let tile = app.get_ok(&demo, "/api/partner/schools/3280001").await;
    assert_eq!(tile["log"][0]["event"], "reauthorisation_requested");
    assert!(!scopes(&tile["granted_scopes"]).contains(&"home_language".to_owned()), "nothing new is granted");

    // Saving the same set again emails nobody.
    let again = app.save_permission_set(&demo, APP, json!(requested)).await;
    assert_eq!(again["schools_notified"], 0);
    assert_eq!(app.outbox().await.len(), mails.len());

    // Removing scopes takes effect at once and asks nobody.
    requested.retain(|scope| scope != "home_language" && scope != "sen_status");
    let removed = app.save_permission_set(&demo, APP, json!(requested)).await;
    assert_eq!(scopes(&removed["removed"]), ["sen_status", "home_language"]);
    assert_eq!(removed["schools_notified"], 0);
    assert_eq!(removed["permission_set"]["schools_needing_reauthorisation"], 0);
    assert_eq!(app.outbox().await.len(), mails.len());
}

#[tokio::test]
async fn permission_sets_are_for_admins_of_the_owning_partner_only() {
    let app = spawn_app().await;
    let colleague = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    assert_eq!(app.get(&colleague, PERMISSIONS).await.status(), 200, "members may look");
    let body = json!({ "requested": ["students"] });
    assert_problem(app.post(&colleague, PERMISSIONS, body.clone()).await, 403, "forbidden").await;
    assert_problem(app.get(&other, PERMISSIONS).await, 404, "not_found").await;
    let problem = assert_problem(app.post(&other, PERMISSIONS, body).await, 404, "not_found").await;
    assert!(!problem.to_string().contains("Demo Timetabler"));

    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let empty = app.post(&demo, PERMISSIONS, json!({ "requested": [] })).await;
    assert_eq!(assert_problem(empty, 400, "invalid").await["field"], "requested");
    let unknown = app.post(&demo, PERMISSIONS, json!({ "requested": ["shoe_size"] })).await;
    assert_eq!(assert_problem(unknown, 400, "invalid").await["field"], "requested[0]");
    assert_eq!(app.get_ok(&demo, PERMISSIONS).await["requested"].as_array().unwrap().len(), 7, "unchanged");
}

#[tokio::test]
async fn an_admin_adds_a_colleague_who_signs_in_and_removing_them_ends_their_sessions() {
    let (app, demo) = spawn_app_as_demo().await;
    let team = app.get_ok(&demo, "/api/partner/team").await;
    assert_eq!(team["can_manage"], true);
    assert_eq!(field_of_each(&team["members"], "email"), [DEMO_EMAIL, COLLEAGUE_EMAIL]);

    let new = json!({ "email": "Rita.Reports@partner.example", "display_name": "Rita Reports", "role": "member" });
    let added = app.post_ok(&demo, "/api/partner/team", new.clone()).await;
    assert!(field_of_each(&added["members"], "email").contains(&"rita.reports@partner.example".to_owned()));
    let welcome = app.emails_to("rita.reports@partner.example").await;
    assert_eq!(welcome.len(), 1);
    assert!(welcome[0].text.contains("Dana Demo added you"), "{}", welcome[0].text);
    app.post_ok(&demo, "/api/partner/team", new).await;
    assert_eq!(app.emails_to("rita.reports@partner.example").await.len(), 1, "adding twice welcomes once");

    // Two sessions for Rita; removing her ends both. (Each a second apart, so
    // the outbox orders the welcome and sign-in emails.)
    app.clock.advance(chrono::Duration::seconds(1));
    let rita = app.signed_in_client("rita.reports@partner.example").await;
    // A second later, so the outbox orders the two sign-in emails.
    app.clock.advance(chrono::Duration::seconds(1));
    let rita_again = app.signed_in_client("rita.reports@partner.example").await;
    let me: Value = app.get_ok(&rita, "/api/me").await;
    assert_eq!((me["partner_name"].clone(), me["role"].clone()), (json!("Demo Partner Ltd"), json!("member")));
    let removed =
        app.post_ok(&demo, "/api/partner/team/remove", json!({ "email": "rita.reports@partner.example" })).await;
    assert!(!field_of_each(&removed["members"], "email").contains(&"rita.reports@partner.example".to_owned()));
    for client in [&rita, &rita_again] {
        assert_problem(app.get(client, "/api/me").await, 401, "sign_in_required").await;
    }
    // She can no longer get a link either, and removing again is a no-op.
    let sent = app.emails_to("rita.reports@partner.example").await.len();
    app.request_magic_link("rita.reports@partner.example").await;
    assert_eq!(app.emails_to("rita.reports@partner.example").await.len(), sent, "no sign-in email");
    app.post_ok(&demo, "/api/partner/team/remove", json!({ "email": "rita.reports@partner.example" })).await;
    assert_eq!(app.get(&demo, "/api/me").await.status(), 200, "the admin's own session is untouched");
}

#[tokio::test]
async fn only_admins_manage_the_team_and_teams_stay_apart() {
    let (app, demo) = spawn_app_as_demo().await;
    let colleague = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;

    let seen = app.get_ok(&colleague, "/api/partner/team").await;
    assert_eq!(seen["can_manage"], false);
    let add = json!({ "email": "x@partner.example", "display_name": "X" });
    assert_problem(app.post(&colleague, "/api/partner/team", add).await, 403, "forbidden").await;
    let remove = json!({ "email": DEMO_EMAIL });
    assert_problem(app.post(&colleague, "/api/partner/team/remove", remove.clone()).await, 403, "forbidden").await;

    let other_team = app.get_ok(&other, "/api/partner/team").await;
    assert_eq!(field_of_each(&other_team["members"], "email"), [OTHER_EMAIL]);
    // Another partner's admin removing a demo user changes nothing.
    let not_theirs = json!({ "email": COLLEAGUE_EMAIL });
    app.post_ok(&other, "/api/partner/team/remove", not_theirs).await;
    assert_eq!(app.get(&colleague, "/api/me").await.status(), 200);
    // Nor can they claim an address that belongs to another organisation.
    let steal = json!({ "email": COLLEAGUE_EMAIL, "display_name": "Mine now" });
    assert_eq!(
        assert_problem(app.post(&other, "/api/partner/team", steal).await, 400, "invalid").await["field"],
        "email"
    );
    assert_eq!(field_of_each(&app.get_ok(&other, "/api/partner/team").await["members"], "email"), [OTHER_EMAIL]);

    assert_problem(app.post(&demo, "/api/partner/team/remove", remove).await, 400, "invalid").await;
    let bad = app.post(&demo, "/api/partner/team", json!({ "email": "nope", "display_name": "N" })).await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "email");
}

/// The save answers `202` with a job at once (#15); the job asks the schools, and the partner
/// polls it: its state and progress, then what the save did. A retry with the same
/// `Idempotency-Key` gets the same job and asks nobody again; the same key for another set is
/// refused. Only the partner's own users read the job.
#[tokio::test]
async fn saving_a_permission_set_is_a_job_the_partner_polls_and_its_retry_finds() {
    let (app, demo) = spawn_app_as_demo().await;
    let colleague = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let mut requested = scopes(&app.get_ok(&demo, PERMISSIONS).await["requested"]);
    requested.push("home_language".into());
    let body = json!({ "requested": requested });
    let mails_before = app.outbox().await.len();
    let send = |key: &'static str, body: Value| {
        demo.post(app.url(PERMISSIONS)).header("Idempotency-Key", key).json(&body).send()
    };
    let first = send("save-1", body.clone()).await.unwrap();
    assert_eq!(first.status(), 202);
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let accepted: Value = first.json().await.unwrap();
    assert_eq!(accepted["status_url"], location.as_str());
    assert!(location.starts_with("/api/partner/jobs/"), "{accepted}");
    // Saved at once, whatever the job is doing.
    assert!(scopes(&app.get_ok(&demo, PERMISSIONS).await["requested"]).contains(&"home_language".to_owned()));
    let job = app.finished_job(&demo, &location).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["progress"], json!({ "done": AUTHORISED, "total": AUTHORISED }), "every school counted");
    assert_eq!(job["result"]["permission_set"]["schools_notified"], AUTHORISED);
    assert_eq!(scopes(&job["result"]["permission_set"]["added"]), ["home_language"]);
    assert_eq!(app.outbox().await.len() - mails_before, AUTHORISED as usize);

    // The retry (the answer was lost) gets the same job, though the set is saved already.
    let again = send("save-1", body.clone()).await.unwrap();
    assert_eq!(again.status(), 202);
    assert_eq!(again.json::<Value>().await.unwrap()["job_id"], accepted["job_id"]);
    let refused = send("save-1", json!({ "requested": ["students"] })).await.unwrap();
    assert_eq!(assert_problem(refused, 400, "invalid").await["field"], "Idempotency-Key");
    assert!(scopes(&app.get_ok(&demo, PERMISSIONS).await["requested"]).contains(&"home_language".to_owned()));
    assert_eq!(app.outbox().await.len() - mails_before, AUTHORISED as usize, "nobody asked twice");

    // A colleague reads the partner's job; another partner's users find no such job.
    assert_eq!(app.get_ok(&colleague, &location).await["job_id"], accepted["job_id"]);
    assert_problem(app.get(&other, &location).await, 404, "not_found").await;
    assert_problem(app.get(&demo, &format!("/api/partner/jobs/j{}", "0".repeat(31))).await, 404, "not_found").await;
    for client in [&school, &new_client()] {
        assert_problem(app.get(client, &location).await, 401, "sign_in_required").await;
    }
}

/// A worker that stopped half-way (its attempt failed) leaves the job running with the
/// progress it recorded, which the poll shows; the retry runs it again from the start and asks
/// each school once. Delivered again once done, it does nothing.
#[tokio::test]
async fn a_fan_out_attempt_that_stopped_is_run_again_and_asks_each_school_once() {
    let (app, demo) = spawn_app_as_demo().await;
    let gatehouse = &app.server.gatehouse;
    // A session of Dana's own, for calling the rule without the API (whose POSTs deliver the outbox).
    app.request_magic_link(DEMO_EMAIL).await;
    let new = auth::create_session(gatehouse, &app.token_from_outbox(DEMO_EMAIL).await).await.unwrap();
    let session = auth::session(gatehouse, new.token.expose()).await.unwrap();
    let mut requested: ScopeSet = demo::demo_requested_scopes();
    requested.insert(Scope::HomeLanguage);
    let mails_before = app.outbox().await.len();
    let app_id = AppId::parse("demo-app").unwrap();
    let update = UpdatePermissionSet { requested };
    let saving = permissions::update(gatehouse, &session, &app_id, &update, None);
    let accepted = access::running("update_permission_set", saving).await.unwrap();
    let waiting = app.get_ok(&demo, &accepted.status_url).await;
    assert_eq!((&waiting["state"], &waiting["progress"]), (&json!("accepted"), &Value::Null));

    // The first attempt records some progress, then stops.
    let detail = json!({ "job_id": accepted.job_id });
    let kind = JobKind::PermissionSetFanOut;
    let mut stopped = background::start(gatehouse, kind, &detail).await.unwrap().unwrap();
    stopped.progress(gatehouse, 20, Some(AUTHORISED)).await.unwrap();
    let running = app.get_ok(&demo, &accepted.status_url).await;
    assert_eq!(running["state"], "running");
    assert_eq!(running["progress"], json!({ "done": 20, "total": AUTHORISED }));
    assert_eq!(app.outbox().await.len(), mails_before, "nobody asked yet");

    assert_eq!(workers::run(gatehouse, kind, &detail).await.unwrap(), WorkOutcome::Done);
    let job = app.get_ok(&demo, &accepted.status_url).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["result"]["permission_set"]["schools_notified"], AUTHORISED);
    assert_eq!(app.outbox().await.len() - mails_before, AUTHORISED as usize, "one email per school");
    assert_eq!(workers::run(gatehouse, kind, &detail).await.unwrap(), WorkOutcome::AlreadyHandled);
    assert_eq!(app.outbox().await.len() - mails_before, AUTHORISED as usize, "and no more");
}
