//! G1 deletion guard, reviewed in the portals: a full extract that would
//! delete more than 10% of the school's persons is held; the school (and
//! support) see who would be deleted and release or reject it. Partners see
//! none of it.

use std::collections::HashSet;

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_model::Extract;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, new_client, spawn_app};
use crate::ingestion::{
    agent_key, agent_persons, first_pupils, leavers, link_status, live_students, push_ok, push_receipt, today,
};

/// `DEMO_SCHOOL_EMAIL`'s school: Active for the demo app, Include All, feed Enabled.
const SCHOOL: &str = "3280003";
const OPS: &str = "/api/ops/schools/3280003/held-extract";

/// A key of `SCHOOL`'s agent, which has pushed `full`.
async fn pushed(app: &TestApp, full: &Extract) -> String {
    let key = agent_key(app, SCHOOL).await;
    push_ok(app, &key, full).await;
    key
}

/// Pushes 100 pupils, then a full extract missing 34 of them (and their
/// contacts): held. Returns the agent key, the shrunk extract and the ids dropped.
async fn held(app: &TestApp) -> (String, Extract, Vec<String>) {
    let full = gatehouse_core::synthetic::school(5, 100, today());
    let key = pushed(app, &full).await;
    let shrunk = first_pupils(&full, 66);
    assert_eq!(push_receipt(app, &key, &shrunk).await["outcome"], "held", "held by the guard");
    let dropped = full.students[66..].iter().map(|s| s.id.clone()).collect();
    (key, shrunk, dropped)
}

/// The two who may release or reject a held extract: the school's head, signed in to the school
/// portal, and support, signed in to the console.
async fn reviewers(app: &TestApp) -> (reqwest::Client, reqwest::Client) {
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    (school, ops)
}

/// Pushes `extract` and, where the deletion guard holds it (a small school's
/// few leavers can pass its 10%), has support release it: what the push
/// comes to once reviewed, for tests about something else.
pub async fn push_released(app: &TestApp, agent: &str, school: &str, extract: &Extract) {
    let outcome = push_receipt(app, agent, extract).await["outcome"].clone();
    if outcome == "held" {
        let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
        let path = format!("/api/ops/schools/{school}/held-extract");
        let reviewed = json!({ "held_id": held_id(&app.get_ok(&ops, &path).await) });
        let released = release(app, &ops, &format!("{path}/release"), reviewed).await;
        assert_eq!(released["action"], "released");
    } else {
        assert_eq!(outcome, "applied", "the push is applied or held");
    }
}

/// Releases through `path` as `client` (#15): `202` and a job, its status
/// path in `Location` too, polled until it ends; the job as it ended.
pub async fn release_job(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> Value {
    let response = app.post(client, path, body).await;
    assert_eq!(response.status(), 202, "a release is accepted as a job");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["status_url"], location.as_str(), "{accepted}");
    assert_eq!(accepted["state"], "accepted", "{accepted}");
    finished(app, client, &location).await
}

/// Polls the job at `status_url` as `client` until it is done or failed.
pub async fn finished(app: &TestApp, client: &reqwest::Client, status_url: &str) -> Value {
    app.finished_job(client, status_url).await
}

/// [`release_job`], expecting it done: the release's decision, as the
/// operation answered before it ran as a job.
pub async fn release(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> Value {
    let job = release_job(app, client, path, body).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["kind"], "release_held_extract", "{job}");
    job["result"]["held_extract"].clone()
}

/// The identity of the held extract a diff describes, which a decision names.
fn held_id(diff: &Value) -> String {
    diff["summary"]["held_id"].as_str().expect("a held_id in the diff's summary").to_owned()
}

fn deleted_students(diff: &Value) -> HashSet<String> {
    diff["deletions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|person| person["resource"] == "students")
        .map(|person| person["mis_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_school_reviews_a_held_extract_and_releases_or_rejects_it() {
    let app = spawn_app().await;
    let (key, shrunk, dropped) = held(&app).await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;

    // The dashboard's feed says something is held.
    let feed = app.get_ok(&school, "/api/school/feed").await;
    let summary = &feed["held_extract"];
    assert!(summary["would_delete"].as_u64().unwrap() >= 34, "{feed}");
    assert_eq!(feed["last_status"], "warning");

    let diff = app.get_ok(&school, "/api/school/held-extract").await;
    assert_eq!(deleted_students(&diff), dropped.iter().cloned().collect(), "exactly the pupils missing");
    assert!(diff["deletions"][0]["name"].as_str().is_some_and(|name| !name.is_empty()), "named, for the school");
    assert_eq!(diff["changes"]["deleted"], diff["deletions"].as_array().unwrap().len());

    let reviewed = json!({ "held_id": held_id(&diff) });
    let rejected = app.post_ok(&school, "/api/school/held-extract/reject", reviewed.clone()).await;
    assert_eq!(rejected["action"], "rejected");
    assert_eq!(live_students(&app, SCHOOL).await, 100, "the school keeps its data");
    assert_eq!(link_status(&app, SCHOOL).await, "OK");
    // Done is done: a second reject (a retry) finds nothing held and changes nothing.
    assert_problem(app.post(&school, "/api/school/held-extract/reject", reviewed).await, 404, "no_held_extract").await;
    assert_problem(app.get(&school, "/api/school/held-extract").await, 404, "no_held_extract").await;
    assert!(app.get_ok(&school, "/api/school/feed").await["held_extract"].is_null());

    // The same extract again: held again; this time the school releases it.
    assert_eq!(push_receipt(&app, &key, &shrunk).await["outcome"], "held");
    let reviewed = json!({ "held_id": held_id(&app.get_ok(&school, "/api/school/held-extract").await) });
    let released = release(&app, &school, "/api/school/held-extract/release", reviewed.clone()).await;
    assert_eq!(released["action"], "released");
    assert_eq!(released["receipt"]["outcome"], "applied");
    assert_eq!(released["receipt"]["changes"]["deleted"], diff["changes"]["deleted"]);
    assert_eq!(live_students(&app, SCHOOL).await, 66);
    assert_eq!(link_status(&app, SCHOOL).await, "OK");
    assert_problem(app.post(&school, "/api/school/held-extract/release", reviewed).await, 404, "no_held_extract").await;
}

#[tokio::test]
async fn support_reviews_any_schools_held_extract() {
    let app = spawn_app().await;
    let (key, shrunk, dropped) = held(&app).await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;

    let diff = app.get_ok(&ops, OPS).await;
    assert_eq!(deleted_students(&diff), dropped.iter().cloned().collect());
    let rejected = app.post_ok(&ops, &format!("{OPS}/reject"), json!({ "held_id": held_id(&diff) })).await;
    assert_eq!(rejected["action"], "rejected");
    assert_eq!(live_students(&app, SCHOOL).await, 100);

    assert_eq!(push_receipt(&app, &key, &shrunk).await["outcome"], "held");
    let reviewed = json!({ "held_id": held_id(&app.get_ok(&ops, OPS).await) });
    let released = release(&app, &ops, &format!("{OPS}/release"), reviewed).await;
    assert_eq!(released["action"], "released");
    assert_eq!(live_students(&app, SCHOOL).await, 66);

    // A school with nothing held, and one that does not parse.
    assert_problem(app.get(&ops, "/api/ops/schools/3280001/held-extract").await, 404, "no_held_extract").await;
    assert_problem(app.get(&ops, "/api/ops/schools/not%20a%20school/held-extract").await, 404, "not_found").await;
}

/// A held delta names its leavers by id, so reviewing it reads their records
/// one by one: support's review may (found by the privacy property test,
/// whose small schools' two leavers can pass the guard).
#[tokio::test]
async fn support_and_the_school_review_a_held_delta() {
    let app = spawn_app().await;
    let full = gatehouse_core::synthetic::school(5, 100, today());
    let key = pushed(&app, &full).await;
    assert_eq!(push_receipt(&app, &key, &leavers(&full, 0, 50)).await["outcome"], "held", "held by the guard");
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let by_support = app.get_ok(&ops, OPS).await;
    let by_school = app.get_ok(&school, "/api/school/held-extract").await;
    let leaving: HashSet<String> = full.students[..50].iter().map(|s| s.id.clone()).collect();
    assert_eq!(deleted_students(&by_support), leaving);
    assert_eq!(by_school, by_support, "both see the same diff");
    let released = release(&app, &ops, &format!("{OPS}/release"), json!({ "held_id": held_id(&by_support) })).await;
    assert_eq!(released["action"], "released");
    assert_eq!(live_students(&app, SCHOOL).await, 50);
}

#[tokio::test]
async fn partners_and_strangers_see_no_held_extract() {
    let app = spawn_app().await;
    held(&app).await;
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    for client in [&partner, &new_client()] {
        for path in ["/api/school/held-extract", OPS, "/api/school/feed"] {
            assert_problem(app.get(client, path).await, 401, "sign_in_required").await;
        }
        for path in ["/api/school/held-extract/release", "/api/school/held-extract/reject"] {
            assert_problem(app.post(client, path, json!({})).await, 401, "sign_in_required").await;
        }
        for path in [format!("{OPS}/release"), format!("{OPS}/reject")] {
            assert_problem(app.post(client, &path, json!({})).await, 401, "sign_in_required").await;
        }
    }
    // A school session is not an ops session.
    assert_problem(app.get(&school, OPS).await, 401, "sign_in_required").await;
    assert_problem(app.post(&school, &format!("{OPS}/release"), json!({})).await, 401, "sign_in_required").await;
    // Still held: nothing above changed anything.
    assert_eq!(live_students(&app, SCHOOL).await, 100);
    assert!(app.get_ok(&school, "/api/school/held-extract").await["summary"]["would_delete"].as_u64().unwrap() >= 34);
}

#[tokio::test]
async fn release_and_reject_act_only_on_the_held_extract_that_was_reviewed() {
    let app = spawn_app().await;
    let (key, shrunk, _) = held(&app).await;
    let (school, ops) = reviewers(&app).await;
    let reviewed = app.get_ok(&school, "/api/school/held-extract").await;

    // While the school reads the diff, the agent pushes a worse extract: it replaces the held one.
    assert_eq!(push_receipt(&app, &key, &first_pupils(&shrunk, 50)).await["outcome"], "held");
    let newer = app.get_ok(&school, "/api/school/held-extract").await;
    assert_ne!(held_id(&newer), held_id(&reviewed), "a new held extract has a new identity");

    // A decision about the extract reviewed touches neither it nor the newer one.
    let stale = json!({ "held_id": held_id(&reviewed) });
    assert_problem(app.post(&school, "/api/school/held-extract/release", stale.clone()).await, 409, "conflict").await;
    assert_problem(app.post(&school, "/api/school/held-extract/reject", stale.clone()).await, 409, "conflict").await;
    assert_problem(app.post(&ops, &format!("{OPS}/release"), stale.clone()).await, 409, "conflict").await;
    assert_problem(app.post(&ops, &format!("{OPS}/reject"), stale).await, 409, "conflict").await;
    assert_eq!(live_students(&app, SCHOOL).await, 100, "nothing applied");
    assert_eq!(held_id(&app.get_ok(&school, "/api/school/held-extract").await), held_id(&newer), "still held");
    // A decision must name what it decides about.
    assert_problem(app.post(&school, "/api/school/held-extract/release", json!({})).await, 400, "invalid_body").await;

    let released =
        release(&app, &school, "/api/school/held-extract/release", json!({ "held_id": held_id(&newer) })).await;
    assert_eq!(released["receipt"]["changes"]["deleted"], newer["changes"]["deleted"]);
    assert_eq!(live_students(&app, SCHOOL).await, 50);
}

#[tokio::test]
async fn deltas_deleting_too_many_within_a_day_are_held_and_a_held_delta_releases_as_a_delta() {
    let app = spawn_app().await;
    let full = gatehouse_core::synthetic::school(21, 100, today());
    let key = pushed(&app, &full).await;
    let persons = agent_persons(&app, &key).await;
    // Each delta deletes 6% of the school's persons: two in a day are 12%, past the 10% guard.
    let count = (persons * 6 / 100) as usize;

    let first = leavers(&full, 0, count);
    assert_eq!(push_ok(&app, &key, &first).await["changes"]["deleted"], count);
    assert_eq!(push_ok(&app, &key, &first).await["changes"]["deleted"], 0, "the same delta again deletes no one");
    app.clock.advance(chrono::Duration::hours(20));
    let second = leavers(&full, count, count);
    let receipt = push_receipt(&app, &key, &second).await;
    assert_eq!(receipt["outcome"], "held", "a second 6% within 24 hours is held");
    assert_eq!((receipt["outcome"].as_str(), receipt["status"].as_str()), (Some("held"), Some("warning")));
    assert!(receipt["held_reason"].as_str().unwrap().contains("24 hours"), "{receipt}");
    assert_eq!(live_students(&app, SCHOOL).await, 100 - count as u32, "nothing of it applied");
    assert_eq!(link_status(&app, SCHOOL).await, "Warning");

    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let diff = app.get_ok(&school, "/api/school/held-extract").await;
    let expected: HashSet<String> = second.deleted.iter().map(|d| d.id.clone()).collect();
    assert_eq!(deleted_students(&diff), expected, "the diff is the delta's deletions, not a full extract's");
    let released =
        release(&app, &school, "/api/school/held-extract/release", json!({ "held_id": held_id(&diff) })).await;
    assert_eq!(released["receipt"]["changes"]["deleted"], count);
    assert_eq!(live_students(&app, SCHOOL).await, 100 - 2 * count as u32, "applied as a delta: no one else deleted");
    assert_eq!(link_status(&app, SCHOOL).await, "OK");

    // A day after the first delta, its deletions no longer count.
    app.clock.advance(chrono::Duration::hours(5));
    let third = leavers(&full, 2 * count, count);
    assert_eq!(push_ok(&app, &key, &third).await["changes"]["deleted"], count);
}

#[tokio::test]
async fn a_delta_pushed_while_one_is_held_joins_it_and_is_released_with_it() {
    let app = spawn_app().await;
    let full = gatehouse_core::synthetic::school(23, 100, today());
    let key = pushed(&app, &full).await;
    let count = (agent_persons(&app, &key).await * 11 / 100) as usize;
    assert_eq!(push_receipt(&app, &key, &leavers(&full, 0, count)).await["outcome"], "held", "11% at once is held");

    // The next delta would pass the guard alone, but applying it first would overtake the held one.
    let mut next = leavers(&full, count, 1);
    let mut joiner = full.students[99].clone();
    joiner.id = "STU-JOINER".into();
    next.students.push(joiner);
    assert_eq!(push_receipt(&app, &key, &next).await["outcome"], "held", "joins the held delta");
    assert_eq!(live_students(&app, SCHOOL).await, 100, "nothing applied yet");

    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let diff = app.get_ok(&school, "/api/school/held-extract").await;
    assert_eq!(diff["summary"]["kind"], "delta");
    assert_eq!(deleted_students(&diff).len(), count + 1, "both deltas' leavers");
    assert_eq!(diff["changes"]["created"], 1, "and the joiner");
    release(&app, &school, "/api/school/held-extract/release", json!({ "held_id": held_id(&diff) })).await;
    assert_eq!(live_students(&app, SCHOOL).await, 100 - count as u32 - 1 + 1);
}

#[tokio::test]
async fn a_release_is_a_job_its_retry_finds_and_only_its_owner_reads() {
    let app = spawn_app().await;
    let (_, _, _) = held(&app).await;
    let (school, ops) = reviewers(&app).await;
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let reviewed = json!({ "held_id": held_id(&app.get_ok(&school, "/api/school/held-extract").await) });
    let send = |key: &'static str| {
        let request = school.post(app.url("/api/school/held-extract/release")).header("Idempotency-Key", key);
        request.json(&reviewed).send()
    };
    let first = send("release-1").await.unwrap();
    assert_eq!(first.status(), 202);
    let accepted: Value = first.json().await.unwrap();
    let status_url = accepted["status_url"].as_str().unwrap().to_owned();
    assert!(status_url.starts_with("/api/school/jobs/"), "{accepted}");
    let job = finished(&app, &school, &status_url).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["result"]["held_extract"]["receipt"]["outcome"], "applied");
    assert_eq!(live_students(&app, SCHOOL).await, 66);

    // The retry (the answer was lost) gets the same job, though nothing is held any more.
    let again = send("release-1").await.unwrap();
    assert_eq!(again.status(), 202);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["job_id"], accepted["job_id"]);
    // A new key is a new release: nothing is held.
    assert_problem(send("release-2").await.unwrap(), 404, "no_held_extract").await;

    // Only the school reads its job: support's jobs path does not find it, other sessions are refused.
    let job_id = accepted["job_id"].as_str().unwrap();
    assert_problem(app.get(&ops, &format!("/api/ops/jobs/{job_id}")).await, 404, "not_found").await;
    for client in [&partner, &ops, &new_client()] {
        assert_problem(app.get(client, &status_url).await, 401, "sign_in_required").await;
    }
    assert_problem(app.get(&school, &format!("/api/school/jobs/j{}", "0".repeat(31))).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_release_whose_held_extract_went_meanwhile_fails_and_its_poll_says_why() {
    let app = spawn_app().await;
    held(&app).await;
    let gatehouse = &app.server.gatehouse;
    let school_id = gatehouse_core::SchoolId::parse(SCHOOL).unwrap();
    let held_id = gatehouse_core::held_extracts::diff(gatehouse, &school_id).await.unwrap().summary.held_id;
    let choice = gatehouse_model::HeldExtractChoice { held_id: held_id.clone() };
    // Accepted (its event waits in the outbox); support rejects the extract before the worker runs.
    let releaser = gatehouse_core::portal_data::Releaser::School;
    let accepted = gatehouse_core::portal_data::release(gatehouse, releaser, &school_id, &choice, None).await.unwrap();
    gatehouse_core::held_extracts::reject(gatehouse, &school_id, &held_id, "support").await.unwrap();
    let detail = json!({ "job_id": accepted.job_id });
    let kind = gatehouse_model::JobKind::ReleaseHeldExtract;
    let outcome = gatehouse_core::workers::run(gatehouse, kind, &detail).await.unwrap();
    assert_eq!(outcome, gatehouse_core::background::WorkOutcome::Failed);

    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let job = finished(&app, &school, &accepted.status_url).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["problem"]["code"], "no_held_extract", "{job}");
    let detail = job["problem"]["detail"].as_str().unwrap();
    assert!(detail.ends_with('.') && !detail.contains("STU"), "a sentence, nobody named: {detail}");
    assert!(job["result"].is_null());
    // Delivered again (the event still in the outbox), a failed job is not run again.
    let again = gatehouse_core::workers::run(gatehouse, kind, &json!({ "job_id": accepted.job_id })).await.unwrap();
    assert_eq!(again, gatehouse_core::background::WorkOutcome::AlreadyHandled);
    assert_eq!(live_students(&app, SCHOOL).await, 100, "the school keeps its data");
}
