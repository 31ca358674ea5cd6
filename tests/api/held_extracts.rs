//! G1 deletion guard, reviewed in the portals: a full extract that would
//! delete more than 10% of the school's persons is held; the school (and
//! support) see who would be deleted and release or reject it. Partners see
//! none of it.

use std::collections::HashSet;

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_model::Extract;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, new_client, spawn_app};
use crate::ingestion::{agent_key, link_status, live_students, push, push_ok, today};

/// `DEMO_SCHOOL_EMAIL`'s school: Active for the demo app, Include All, feed Enabled.
const SCHOOL: &str = "3280003";
const OPS: &str = "/api/ops/schools/3280003/held-extract";

/// Pushes 100 pupils, then a full extract missing 34 of them (and their
/// contacts): held. Returns the agent key, the shrunk extract and the ids dropped.
async fn held(app: &TestApp) -> (String, Extract, Vec<String>) {
    let key = agent_key(app, SCHOOL).await;
    let full = gatehouse_core::synthetic::school(5, 100, today());
    push_ok(app, &key, &full).await;
    let mut shrunk = full.clone();
    shrunk.students.truncate(66);
    let kept: HashSet<String> = shrunk.students.iter().map(|s| s.id.clone()).collect();
    shrunk.contacts.retain(|c| c.relationships.iter().all(|r| kept.contains(&r.student_id)));
    for group in &mut shrunk.groups {
        group.student_ids.retain(|id| kept.contains(id));
    }
    assert_eq!(push(app, &key, &shrunk).await.status(), 202, "held by the guard");
    let dropped = full.students[66..].iter().map(|s| s.id.clone()).collect();
    (key, shrunk, dropped)
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

    let rejected = app.post_ok(&school, "/api/school/held-extract/reject", json!({})).await;
    assert_eq!(rejected["action"], "rejected");
    assert_eq!(live_students(&app, SCHOOL).await, 100, "the school keeps its data");
    assert_eq!(link_status(&app, SCHOOL).await, "OK");
    // Done is done: a second reject (a retry) finds nothing held and changes nothing.
    assert_problem(app.post(&school, "/api/school/held-extract/reject", json!({})).await, 404, "no_held_extract").await;
    assert_problem(app.get(&school, "/api/school/held-extract").await, 404, "no_held_extract").await;
    assert!(app.get_ok(&school, "/api/school/feed").await["held_extract"].is_null());

    // The same extract again: held again; this time the school releases it.
    assert_eq!(push(&app, &key, &shrunk).await.status(), 202);
    let released = app.post_ok(&school, "/api/school/held-extract/release", json!({})).await;
    assert_eq!(released["action"], "released");
    assert_eq!(released["receipt"]["outcome"], "applied");
    assert_eq!(released["receipt"]["changes"]["deleted"], diff["changes"]["deleted"]);
    assert_eq!(live_students(&app, SCHOOL).await, 66);
    assert_eq!(link_status(&app, SCHOOL).await, "OK");
    assert_problem(app.post(&school, "/api/school/held-extract/release", json!({})).await, 404, "no_held_extract")
        .await;
}

#[tokio::test]
async fn support_reviews_any_schools_held_extract() {
    let app = spawn_app().await;
    let (key, shrunk, dropped) = held(&app).await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;

    let diff = app.get_ok(&ops, OPS).await;
    assert_eq!(deleted_students(&diff), dropped.iter().cloned().collect());
    let rejected = app.post_ok(&ops, &format!("{OPS}/reject"), json!({})).await;
    assert_eq!(rejected["action"], "rejected");
    assert_eq!(live_students(&app, SCHOOL).await, 100);

    assert_eq!(push(&app, &key, &shrunk).await.status(), 202);
    let released = app.post_ok(&ops, &format!("{OPS}/release"), json!({})).await;
    assert_eq!(released["action"], "released");
    assert_eq!(live_students(&app, SCHOOL).await, 66);

    // A school with nothing held, and one that does not parse.
    assert_problem(app.get(&ops, "/api/ops/schools/3280001/held-extract").await, 404, "no_held_extract").await;
    assert_problem(app.get(&ops, "/api/ops/schools/not%20a%20school/held-extract").await, 404, "not_found").await;
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
