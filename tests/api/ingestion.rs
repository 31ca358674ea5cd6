//! G1: the MIS agent's pushes. Strict validation with per-record rejects,
//! full extracts tombstoning the missing, the deletion guard, idempotency,
//! parallel pushes, and what a push does to the school's links.

use chrono::NaiveDate;
use gatehouse_core::ports::Clock;
use gatehouse_core::{SchoolId, agent_keys, held_extracts, ingestion, synthetic};
use gatehouse_model::{Extract, ExtractKind, Resource};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// The demo clock's day (`spawn_app`).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A school of the demo app in a given connection state, with every scope
/// the app requests granted when `connected`.
pub async fn demo_school(app: &TestApp, state: &str) -> String {
    let schools = app.get_ok_as_app("/api/v1/schools").await;
    schools["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|school| school["state"] == state)
        .filter(|school| state != "connected" || school["scopes"].as_array().unwrap().len() == 7)
        .find(|school| state != "connected" || school["gdpr_mode"] == "Include All")
        .map(|school| school["school_id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("a demo school in state {state}"))
}

/// A connected demo school (every scope granted, Include All), and a key for its agent.
pub async fn connected_school(app: &TestApp) -> (String, String) {
    let school = demo_school(app, "connected").await;
    let agent = agent_key(app, &school).await;
    (school, agent)
}

/// A fresh app whose connected demo school has pushed `extract` through its agent: the app, the
/// school and the agent's key.
pub async fn spawn_app_with_extract(extract: &Extract) -> (TestApp, String, String) {
    let app = spawn_app().await;
    let (school, agent) = connected_school(&app).await;
    push_ok(&app, &agent, extract).await;
    (app, school, agent)
}

pub async fn agent_key(app: &TestApp, school: &str) -> String {
    let key =
        agent_keys::issue(&app.server.gatehouse, &SchoolId::parse(school).unwrap(), "Gatehouse support").await.unwrap();
    key.secret.expose().to_owned()
}

/// The push itself: `202` with a job, or a problem.
pub async fn push(app: &TestApp, key: &str, extract: &Extract) -> reqwest::Response {
    app.client.post(app.url("/api/agent/v1/extracts")).bearer_auth(key).json(extract).send().await.unwrap()
}

/// Polls the job at `status_url` (from a 202) as `key`'s agent until it is done or failed.
pub async fn finished_job(app: &TestApp, key: &str, status_url: &str) -> Value {
    let url = app.url(status_url);
    gatehouse_tests::wait::eventually("the push's job to finish", || async {
        let job: Value = app.client.get(&url).bearer_auth(key).send().await.ok()?.json().await.ok()?;
        matches!(job["state"].as_str(), Some("done" | "failed")).then_some(job)
    })
    .await
}

/// Pushes, expects it accepted, and waits for its job: the job as it ended.
pub async fn push_job(app: &TestApp, key: &str, extract: &Extract) -> Value {
    let response = push(app, key, extract).await;
    assert_eq!(response.status(), 202, "a push is accepted as a job");
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["state"], "accepted", "{accepted}");
    let job_id = accepted["job_id"].as_str().unwrap();
    assert_eq!(accepted["status_url"], format!("/api/agent/v1/jobs/{job_id}"));
    finished_job(app, key, accepted["status_url"].as_str().unwrap()).await
}

/// Pushes and waits for its job to be done: the push's receipt, whatever its outcome.
pub async fn push_receipt(app: &TestApp, key: &str, extract: &Extract) -> Value {
    let job = push_job(app, key, extract).await;
    assert_eq!(job["state"], "done", "{job}");
    job["result"]["extract"].clone()
}

/// Pushes and expects it applied; returns the receipt.
pub async fn push_ok(app: &TestApp, key: &str, extract: &Extract) -> Value {
    let receipt = push_receipt(app, key, extract).await;
    assert_eq!(receipt["outcome"], "applied", "{receipt}");
    receipt
}

pub use crate::extracts::first_pupils;

/// A full extract with no one in it: it would delete the whole school.
fn no_one() -> Extract {
    Extract {
        kind: ExtractKind::Full,
        students: vec![],
        staff: vec![],
        contacts: vec![],
        groups: vec![],
        deleted: vec![],
    }
}

/// A delta deleting `count` of `full`'s pupils, from `from` on.
pub fn leavers(full: &Extract, from: usize, count: usize) -> Extract {
    Extract {
        kind: ExtractKind::Delta,
        students: vec![],
        staff: vec![],
        contacts: vec![],
        groups: vec![],
        deleted: full.students[from..from + count]
            .iter()
            .map(|student| gatehouse_model::DeletedRef { resource: Resource::Students, id: student.id.clone() })
            .collect(),
    }
}

/// Live persons of the agent's school, as its status reports them.
pub async fn agent_persons(app: &TestApp, key: &str) -> u64 {
    let status: Value =
        app.client.get(app.url("/api/agent/v1/status")).bearer_auth(key).send().await.unwrap().json().await.unwrap();
    status["persons"].as_u64().unwrap()
}

pub async fn live_students(app: &TestApp, school: &str) -> u32 {
    let counts = ingestion::live_counts(&app.server.gatehouse, &SchoolId::parse(school).unwrap()).await.unwrap();
    counts[&Resource::Students]
}

#[tokio::test]
async fn a_full_extract_is_applied_and_the_same_one_again_changes_nothing() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let extract = synthetic::school(1, 120, today());
    let receipt = push_ok(&app, &key, &extract).await;
    let total = extract.students.len() + extract.staff.len() + extract.contacts.len() + extract.groups.len();
    assert_eq!(receipt["status"], "ok");
    assert_eq!(receipt["changes"]["created"], total);
    assert_eq!(live_students(&app, &school).await, 120);

    let again = push_ok(&app, &key, &extract).await;
    assert_eq!(again["changes"], json!({ "created": 0, "updated": 0, "deleted": 0, "unchanged": total }));
    let status: Value =
        app.client.get(app.url("/api/agent/v1/status")).bearer_auth(&key).send().await.unwrap().json().await.unwrap();
    assert_eq!((status["school_id"].as_str(), status["last_status"].as_str()), (Some(school.as_str()), Some("ok")));
    assert!(status["persons"].as_u64().unwrap() > 120);
}

#[tokio::test]
async fn bad_records_are_rejected_whole_and_the_rest_applied() {
    let mut extract = synthetic::school(2, 40, today());
    let (app, school, key) = spawn_app_with_extract(&extract).await;

    extract.students[3].sen_status = None;
    extract.students[5].date_of_birth = "31/02/2015".into();
    extract.students[7].first_name = "  ".into();
    let missing_flag_id = extract.students[3].id.clone();
    extract.students[9].free_school_meals = Some(!extract.students[9].free_school_meals.unwrap());
    let receipt = push_ok(&app, &key, &extract).await;
    assert_eq!(receipt["status"], "warning");
    let rejected = receipt["rejected"].as_array().unwrap();
    let fields: Vec<&str> = rejected.iter().map(|r| r["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["sen_status", "date_of_birth", "first_name"]);
    assert_eq!(rejected[0]["id"], missing_flag_id.as_str());
    assert_eq!(rejected[0]["index"], 3);
    assert_eq!(receipt["changes"]["updated"], 1, "the good edit is applied");
    assert_eq!(receipt["changes"]["deleted"], 0, "a rejected record is not 'missing'");
    assert_eq!(live_students(&app, &school).await, 40);
}

#[tokio::test]
async fn an_extract_with_nothing_valid_is_an_error_and_changes_nothing() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let mut extract = synthetic::school(3, 5, today());
    extract.staff.clear();
    extract.contacts.clear();
    extract.groups.clear();
    for student in &mut extract.students {
        student.home_language = None;
    }
    // Nothing to apply: answered at once (no job), as the agent's protocol always was.
    let response = push(&app, &key, &extract).await;
    assert_eq!(response.status(), 422);
    let receipt: Value = response.json().await.unwrap();
    assert_eq!((receipt["outcome"].as_str(), receipt["status"].as_str()), (Some("rejected"), Some("error")));
    assert_eq!(receipt["rejected"].as_array().unwrap().len(), 5);
    assert_eq!(live_students(&app, &school).await, 0);

    let not_json = app
        .client
        .post(app.url("/api/agent/v1/extracts"))
        .bearer_auth(&key)
        .json(&json!({ "kind": "full", "pupils": [] }))
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 400, "invalid_body").await;
    let nobody = no_one();
    let empty = push(&app, &key, &nobody).await;
    assert_problem(empty, 400, "invalid").await;
}

#[tokio::test]
async fn a_delta_adds_edits_and_deletes_and_a_full_extract_tombstones_the_missing() {
    let (app, school, key) = spawn_app_with_extract(&synthetic::school(4, 200, today())).await;
    let delta = synthetic::changes(4, 200, today(), 1);
    let receipt = push_ok(&app, &key, &delta).await;
    assert_eq!(receipt["changes"]["created"], 3);
    assert_eq!(receipt["changes"]["deleted"], delta.deleted.len());
    assert_eq!(live_students(&app, &school).await, 200 + 3 - delta.deleted.len() as u32);

    // Back to the original: the joiners are missing from it, so deleted.
    let receipt = push_ok(&app, &key, &synthetic::school(4, 200, today())).await;
    assert_eq!(receipt["changes"]["deleted"], 3);
    assert_eq!(receipt["changes"]["created"], delta.deleted.len(), "leavers come back from their tombstones");
    assert_eq!(live_students(&app, &school).await, 200);
}

#[tokio::test]
async fn a_full_extract_deleting_too_many_is_held_until_released_or_rejected() {
    let full = synthetic::school(5, 100, today());
    let (app, school, key) = spawn_app_with_extract(&full).await;
    let school_id = SchoolId::parse(&school).unwrap();

    // Term rollover gone wrong: a third of the pupils (and their contacts) missing.
    let shrunk = first_pupils(&full, 66);
    let receipt = push_receipt(&app, &key, &shrunk).await;
    assert_eq!((receipt["outcome"].as_str(), receipt["status"].as_str()), (Some("held"), Some("warning")));
    assert!(receipt["held_reason"].as_str().unwrap().contains("10%"));
    assert_eq!(live_students(&app, &school).await, 100, "nothing applied");
    let link = link_status(&app, &school).await;
    assert_eq!(link, "Warning");

    let diff = held_extracts::diff(&app.server.gatehouse, &school_id).await.unwrap();
    assert_eq!(diff.deletions.iter().filter(|p| p.resource == Resource::Students).count(), 34);
    assert!(diff.summary.would_delete >= 34);

    held_extracts::reject(&app.server.gatehouse, &school_id, &diff.summary.held_id, "Support").await.unwrap();
    assert_eq!(live_students(&app, &school).await, 100);
    assert_eq!(link_status(&app, &school).await, "OK");
    assert!(held_extracts::diff(&app.server.gatehouse, &school_id).await.is_err(), "nothing held any more");

    assert_eq!(push_receipt(&app, &key, &shrunk).await["outcome"], "held");
    let held_id = held_extracts::diff(&app.server.gatehouse, &school_id).await.unwrap().summary.held_id;
    let released =
        held_extracts::release(&app.server.gatehouse, &school_id, &held_id, "School", &|_| Vec::new()).await.unwrap();
    assert_eq!(released.changes.deleted as usize, diff.changes.deleted as usize);
    assert_eq!(live_students(&app, &school).await, 66);
    assert_eq!(link_status(&app, &school).await, "OK");
}

/// The school's status as the partner's list shows it (the link's copy).
pub async fn link_status(app: &TestApp, school: &str) -> String {
    let app_id = gatehouse_core::AppId::parse(gatehouse_core::demo::DEMO_APP).unwrap();
    let school = SchoolId::parse(school).unwrap();
    let key = gatehouse_core::keys::Key::SchoolLink(&app_id, &school);
    let item = app.server.gatehouse.table.get(&key.pk(), &key.sk()).await.unwrap().unwrap();
    item.attributes["status"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn parallel_pushes_for_one_school_leave_one_whole_extract() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let first = synthetic::school(6, 150, today());
    let second = synthetic::school(60, 150, today());
    let (a, b) = tokio::join!(push(&app, &key, &first), push(&app, &key, &second));
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(statuses.contains(&202), "{statuses:?}");
    assert!(statuses.iter().all(|status| [202, 409].contains(status)), "{statuses:?}");
    let mut jobs = Vec::new();
    for response in [a, b] {
        if response.status() == 409 {
            assert_problem(response, 409, "extract_in_progress").await;
        } else {
            let accepted: Value = response.json().await.unwrap();
            jobs.push(finished_job(&app, &key, accepted["status_url"].as_str().unwrap()).await);
        }
    }
    assert!(jobs.iter().all(|job| job["state"] == "done"), "{jobs:?}");
    // Whichever won last, the store holds exactly one extract's pupils.
    let stored = ingestion::live_counts(&app.server.gatehouse, &SchoolId::parse(&school).unwrap()).await.unwrap();
    assert_eq!(stored[&Resource::Students], 150);
    let retry = push_ok(&app, &key, &second).await;
    assert_eq!(retry["status"], "ok");
    assert_eq!(live_students(&app, &school).await, 150);
}

#[tokio::test]
async fn a_push_answers_202_with_a_job_that_ends_with_the_receipt_and_the_data_readable() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let extract = synthetic::school(31, 40, today());
    let total = extract.students.len() + extract.staff.len() + extract.contacts.len() + extract.groups.len();
    let response = push(&app, &key, &extract).await;
    assert_eq!(response.status(), 202);
    let accepted: Value = response.json().await.unwrap();
    let job = finished_job(&app, &key, accepted["status_url"].as_str().unwrap()).await;
    assert_eq!(job["job_id"], accepted["job_id"]);
    assert_eq!((job["kind"].as_str(), job["state"].as_str()), (Some("push_extract"), Some("done")), "{job}");
    assert_eq!(job["progress"], json!({ "done": total, "total": total }));
    assert_eq!(job["result"]["extract"]["changes"]["created"], total);
    assert_eq!(job["problem"], Value::Null);
    // The same outcome the synchronous push gave: the pupils are in, for the app too.
    let page = app.get_ok_as_app(&format!("/api/v1/schools/{school}/students?limit=100")).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 40);
    // Finished, its parts go (the worker drops them just after marking the
    // job done): the extract is kept only in the people records.
    gatehouse_tests::wait::eventually("the job's parts dropped", || async {
        let dump = app.server.store.dump().unwrap();
        (!dump.iter().any(|(pk, sk, _)| pk.starts_with("JOB#") && sk != "JOB")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_push_retried_with_its_idempotency_key_gets_the_same_job_and_is_applied_once() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let extract = synthetic::school(32, 30, today());
    let send = |body: &Extract| {
        app.client
            .post(app.url("/api/agent/v1/extracts"))
            .bearer_auth(&key)
            .header("idempotency-key", "push-2026-11-23T10:00")
            .json(body)
            .send()
    };
    let first: Value = send(&extract).await.unwrap().json().await.unwrap();
    // At once (the first job may hold the school's lease) and once it is done.
    let again = send(&extract).await.unwrap();
    assert_eq!(again.status(), 202);
    assert_eq!(again.json::<Value>().await.unwrap()["job_id"], first["job_id"]);
    let job = finished_job(&app, &key, first["status_url"].as_str().unwrap()).await;
    let later: Value = send(&extract).await.unwrap().json().await.unwrap();
    assert_eq!((later["job_id"].clone(), later["state"].as_str()), (first["job_id"].clone(), Some("done")));
    assert_eq!(finished_job(&app, &key, first["status_url"].as_str().unwrap()).await, job, "not run again");
    assert_eq!(live_students(&app, &school).await, 30);
    // The key names that request: another body with it is refused.
    let other = send(&synthetic::school(33, 30, today())).await.unwrap();
    let problem = assert_problem(other, 400, "invalid").await;
    assert_eq!(problem["field"], "Idempotency-Key");
}

#[tokio::test]
async fn a_job_is_found_only_by_its_own_school_s_agent() {
    let app = spawn_app().await;
    let (_, key) = connected_school(&app).await;
    let other_school = demo_school(&app, "not_installed").await;
    let other = agent_key(&app, &other_school).await;
    let job = push_job(&app, &key, &synthetic::school(34, 5, today())).await;
    let path = format!("/api/agent/v1/jobs/{}", job["job_id"].as_str().unwrap());
    let get = |key: String, path: String| app.client.get(app.url(&path)).bearer_auth(key).send();
    assert_eq!(get(key.clone(), path.clone()).await.unwrap().status(), 200);
    assert_problem(get(other.clone(), path.clone()).await.unwrap(), 404, "not_found").await;
    let unknown = format!("/api/agent/v1/jobs/j{}", "0".repeat(31));
    assert_problem(get(key.clone(), unknown).await.unwrap(), 404, "not_found").await;
    assert_problem(get(key.clone(), "/api/agent/v1/jobs/..%2Fstatus".into()).await.unwrap(), 404, "not_found").await;
    assert_problem(get(app.server.demo_app_key.clone(), path).await.unwrap(), 401, "invalid_credentials").await;
}

#[tokio::test]
async fn a_malformed_push_is_refused_at_once_and_stores_nothing() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let before = app.server.store.dump().unwrap();
    let nobody = no_one();
    assert_problem(push(&app, &key, &nobody).await, 400, "invalid").await;
    let mut listing = synthetic::school(35, 5, today());
    listing.deleted.push(gatehouse_model::DeletedRef { resource: Resource::Students, id: "STU-1".into() });
    let problem = assert_problem(push(&app, &key, &listing).await, 400, "invalid").await;
    assert_eq!(problem["field"], "deleted");
    assert_eq!(app.server.store.dump().unwrap(), before, "no job, no part, no lease");
    // And the school is free for a good push at once.
    push_ok(&app, &key, &synthetic::school(35, 5, today())).await;
    assert_eq!(live_students(&app, &school).await, 5);
}

#[tokio::test]
async fn a_push_job_delivered_again_does_nothing_twice() {
    let app = spawn_app().await;
    let (school, key) = connected_school(&app).await;
    let job = push_job(&app, &key, &synthetic::school(36, 20, today())).await;
    // The worker drops the job's parts and delivers its event just after
    // marking it done: compare with the store once that is over too.
    let before = gatehouse_tests::wait::eventually("the push's job to finish tidying up", || async {
        let first = app.server.store.dump().unwrap();
        for _ in 0..3 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            if app.server.store.dump().unwrap() != first {
                return None;
            }
        }
        Some(first)
    })
    .await;
    let detail = json!({ "job_id": job["job_id"] });
    let gatehouse = &app.server.gatehouse;
    let again = gatehouse_core::workers::run(gatehouse, gatehouse_model::JobKind::PushExtract, &detail).await.unwrap();
    assert_eq!(again, gatehouse_core::background::WorkOutcome::AlreadyHandled);
    assert_eq!(app.server.store.dump().unwrap(), before, "nothing written");
    let gone = json!({ "job_id": format!("j{}", "1".repeat(31)) });
    let none = gatehouse_core::workers::run(gatehouse, gatehouse_model::JobKind::PushExtract, &gone).await.unwrap();
    assert_eq!(none, gatehouse_core::background::WorkOutcome::Gone);
    assert_eq!(live_students(&app, &school).await, 20);
}

#[tokio::test]
async fn a_push_installs_the_school_on_every_link_and_publishes_ids_only() {
    let app = spawn_app().await;
    let school = demo_school(&app, "not_installed").await;
    let key = agent_key(&app, &school).await;
    push_ok(&app, &key, &synthetic::school(7, 30, today())).await;
    let status = app.get_ok_as_app(&format!("/api/v1/schools/{school}/status")).await;
    assert_eq!(status["installed"], true);
    assert_eq!(status["last_extract_at"], "2026-11-23T10:00:00Z");
    // The job's transaction holds the event; it is published just after, so
    // a poll may see the job done first.
    let events = gatehouse_tests::wait::eventually("the push's data.refreshed event", || async {
        let events: Vec<Value> = app.client.get(app.url("/dev/events.json")).send().await.ok()?.json().await.ok()?;
        events.iter().any(|event| event.to_string().contains("data.refreshed")).then_some(events)
    })
    .await;
    let refreshed: Vec<&Value> = events.iter().filter(|event| event.to_string().contains("data.refreshed")).collect();
    assert_eq!(refreshed.len(), 1, "{events:?}");
    let extract = synthetic::school(7, 30, today());
    assert!(!refreshed[0].to_string().contains(&extract.students[0].last_name), "no personal data in events");
}

#[tokio::test]
async fn agent_keys_are_per_school_rotatable_and_not_app_keys() {
    let app = spawn_app().await;
    let (school, old) = connected_school(&app).await;
    let new = agent_key(&app, &school).await;
    let extract = synthetic::school(8, 10, today());
    assert_problem(push(&app, &old, &extract).await, 401, "invalid_credentials").await;
    assert_eq!(push_ok(&app, &new, &extract).await["status"], "ok");
    // An app key is not an agent key, and the reverse.
    assert_problem(push(&app, &app.server.demo_app_key, &extract).await, 401, "invalid_credentials").await;
    let as_app = app.client.get(app.url("/api/v1/schools")).bearer_auth(&new).send().await.unwrap();
    assert_problem(as_app, 401, "invalid_credentials").await;
    assert_problem(push(&app, "", &extract).await, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn a_silent_agent_turns_its_school_inactive_once_and_a_push_wakes_it() {
    let (app, school, key) = spawn_app_with_extract(&synthetic::school(9, 10, today())).await;
    let run = |app: &TestApp| app.client.post(app.url("/dev/jobs/mark-inactive-schools")).send();

    app.clock.advance(chrono::Duration::days(7));
    let report: Value = run(&app).await.unwrap().json().await.unwrap();
    assert_eq!(report["marked"], 0, "seven days is not yet silent");
    app.clock.advance(chrono::Duration::hours(1));
    let report: Value = run(&app).await.unwrap().json().await.unwrap();
    assert_eq!(report["marked"], 1);
    assert_eq!(link_status(&app, &school).await, "Inactive");
    let again: Value = run(&app).await.unwrap().json().await.unwrap();
    assert_eq!(again["marked"], 0, "idempotent");

    push_ok(&app, &key, &synthetic::school(9, 10, today())).await;
    assert_eq!(link_status(&app, &school).await, "OK");
}

/// One page of the demo app's students at `school` (`query`: e.g. `&since=`).
async fn students(app: &TestApp, school: &str, query: &str) -> reqwest::Response {
    let path = format!("/api/v1/schools/{school}/students?limit=1000{query}");
    app.get_as_app(&path).await
}

#[tokio::test]
async fn a_tombstone_keeps_only_the_id_and_deletion_time_and_expires_with_old_sync_tokens() {
    let full = synthetic::school(22, 30, today());
    let (app, school, key) = spawn_app_with_extract(&full).await;
    let school_id = SchoolId::parse(&school).unwrap();
    let page: Value = students(&app, &school, "").await.json().await.unwrap();
    let token = page["sync_token"].as_str().unwrap().to_owned();

    let leaver = full.students[4].clone();
    assert_eq!(push_ok(&app, &key, &leavers(&full, 4, 1)).await["changes"]["deleted"], 1);
    let person = gatehouse_core::keys::Key::Person(&school_id, Resource::Students, &leaver.id);
    let stored = app.server.gatehouse.table.get(&person.pk(), &person.sk()).await.unwrap().unwrap();
    let mut fields: Vec<&str> = stored.attributes.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(fields, ["changed_at", "deleted", "id", "resource", "seq"], "id and deletion time, nothing personal");
    let text = serde_json::to_string(&stored.attributes).unwrap();
    for personal in [&leaver.first_name, &leaver.last_name, &leaver.date_of_birth] {
        assert!(!text.contains(personal.as_str()), "{personal} kept in a tombstone: {text}");
    }
    let deleted_at = app.clock.now().timestamp();
    assert_eq!(stored.expires_at, Some(deleted_at + 36 * 86_400), "kept 35 days and a day's margin");

    // A token younger than 35 days still learns of the deletion...
    app.clock.advance(chrono::Duration::days(34));
    let response = students(&app, &school, &format!("&since={token}")).await;
    assert_eq!(response.status(), 200);
    let changes: Value = response.json().await.unwrap();
    assert_eq!(changes["data"], json!([{ "id": leaver.id, "deleted": true }]));
    // ...an older one cannot: the tombstones it would need may be gone.
    app.clock.advance(chrono::Duration::days(2));
    assert_problem(students(&app, &school, &format!("&since={token}")).await, 410, "sync_token_expired").await;
    let fresh = changes["sync_token"].as_str().unwrap();
    assert_eq!(
        students(&app, &school, &format!("&since={fresh}")).await.status(),
        200,
        "a token from 2 days ago is fine"
    );

    // Past its expiry the tombstone is gone for every reader, whether or not the store removed it yet.
    let found = gatehouse_core::people::load_person(&app.server.gatehouse, &school_id, Resource::Students, &leaver.id)
        .await
        .unwrap();
    assert!(found.is_none(), "an expired tombstone reads as absent: {found:?}");
}
