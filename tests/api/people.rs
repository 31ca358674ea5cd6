//! #16, a person's data on request, in the school portal: one person's page
//! (every app's explain answer, scopes, mode and reads in the last 30 days),
//! the export (JSON and HTML), exclusion from every app, and erasure (the
//! cache drops the record, a tombstone reaches every app, later extracts
//! never bring the person back, apps that read them hear of it). A member
//! reads; only an admin exports, excludes or erases; another school's
//! person is not found. Every action is logged.

use gatehouse_core::demo::DEMO_SCHOOL_EMAIL;
use gatehouse_core::synthetic;
use gatehouse_model::Extract;
use serde_json::{Value, json};

use crate::data_api::{get, read_all};
use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::ingestion::{agent_key, push_ok, push_receipt, today};

/// `DEMO_SCHOOL_EMAIL`'s school: Active for the demo app, Include All, feed Enabled.
const SCHOOL: &str = "3280003";
/// An admin of another school (the other partner's first).
const OTHER_SCHOOL_ADMIN: &str = "data.lead.4510001@school.example";

async fn with_people(app: &TestApp) -> (Extract, String) {
    let extract = synthetic::school(31, 40, today());
    let key = agent_key(app, SCHOOL).await;
    push_ok(app, &key, &extract).await;
    (extract, key)
}

/// A fresh app whose demo school pushed [`with_people`]'s extract, and its head signed in to the
/// school portal.
struct SchoolWithPeople {
    app: TestApp,
    extract: Extract,
    /// The school's agent key.
    agent: String,
    /// The head's school portal session.
    school: reqwest::Client,
}

async fn school_with_people() -> SchoolWithPeople {
    let app = spawn_app().await;
    let (extract, agent) = with_people(&app).await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    SchoolWithPeople { app, extract, agent, school }
}

fn person(id: &str) -> String {
    format!("/api/school/people/{id}")
}

fn demo_app(detail: &Value) -> &Value {
    detail["apps"].as_array().unwrap().iter().find(|app| app["app_id"] == "demo-app").expect("the demo app")
}

async fn published(app: &TestApp) -> Vec<Value> {
    app.get(&app.client, "/dev/events.json").await.json().await.unwrap()
}

fn erased_events(events: &[Value]) -> Vec<Value> {
    events.iter().filter(|event| event["detail_type"] == "person.erased").map(|event| event["detail"].clone()).collect()
}

#[tokio::test]
async fn the_person_page_answers_explain_for_every_app_and_shows_who_read_them() {
    let SchoolWithPeople { app, extract, school, .. } = school_with_people().await;
    let pupil = &extract.students[2];

    let found = app.get_ok(&school, &format!("/api/school/people?q={}", pupil.last_name.to_ascii_lowercase())).await;
    let ids: Vec<&str> = found["matches"].as_array().unwrap().iter().map(|m| m["mis_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&pupil.id.as_str()), "{found}");
    let staff = &extract.staff[0];
    let found = app.get_ok(&school, &format!("/api/school/people?q={}", staff.id)).await;
    assert_eq!(found["matches"][0]["resource"], "staff", "staff are found too: {found}");

    let before = app.get_ok(&school, &person(&pupil.id)).await;
    assert_eq!(before["name"], format!("{} {}", pupil.first_name, pupil.last_name));
    let demo = demo_app(&before);
    assert_eq!((demo["can_see"].as_bool(), demo["reason"].as_str()), (Some(true), Some("shared")));
    assert_eq!(demo["gdpr_mode"], "Include All");
    assert!(demo["scopes"].as_array().unwrap().contains(&json!("students")), "{demo}");
    assert_eq!(demo["last_read_at"], Value::Null, "not read yet");
    // Every app the school sees has its own answer; one not authorised says so.
    assert!(before["apps"].as_array().unwrap().iter().all(|app| app["reason"].is_string()));

    // The app syncs: the pupil has been read.
    read_all(&app, &app.server.demo_app_key, SCHOOL, "students", "").await;
    let after = app.get_ok(&school, &person(&pupil.id)).await;
    assert!(demo_app(&after)["last_read_at"].is_string(), "{after}");
    // A read more than 30 days ago is not "in the last 30 days".
    app.clock.advance(chrono::Duration::days(31));
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let later = app.get_ok(&school, &person(&pupil.id)).await;
    assert_eq!(demo_app(&later)["last_read_at"], Value::Null);

    assert_problem(app.get(&school, &person("NOBODY-1")).await, 404, "not_found").await;
    assert_problem(app.get(&school, &person("not%20an%20id")).await, 404, "not_found").await;
    let too_long = "x".repeat(101);
    assert_problem(app.get(&school, &format!("/api/school/people?q={too_long}")).await, 400, "invalid").await;
}

#[tokio::test]
async fn another_school_never_finds_the_person_and_a_member_only_reads() {
    let app = spawn_app().await;
    let (extract, _) = with_people(&app).await;
    let id = &extract.students[0].id;
    let other = app.signed_in_portal_client("school", OTHER_SCHOOL_ADMIN).await;
    for path in [person(id), format!("{}/export", person(id))] {
        assert_problem(app.get(&other, &path).await, 404, "not_found").await;
    }
    for action in ["exclusion", "erasure"] {
        assert_problem(app.post(&other, &format!("{}/{action}", person(id)), json!({})).await, 404, "not_found").await;
    }
    let found = app.get_ok(&other, &format!("/api/school/people?q={id}")).await;
    assert!(!found.to_string().contains(id.as_str()), "another school's search never lists them: {found}");

    let admin = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let colleague =
        json!({ "name": "Mo Member", "email": "mo.member@school.example", "role": "Teacher", "access": "member" });
    app.post_ok(&admin, "/api/school/team", colleague).await;
    let member = app.signed_in_portal_client("school", "mo.member@school.example").await;
    app.get_ok(&member, &person(id)).await;
    assert_problem(app.get(&member, &format!("{}/export", person(id))).await, 403, "forbidden").await;
    for action in ["exclusion", "erasure"] {
        assert_problem(app.post(&member, &format!("{}/{action}", person(id)), json!({})).await, 403, "forbidden").await;
    }
    // Nothing changed.
    let detail = app.get_ok(&admin, &person(id)).await;
    assert_eq!((detail["erased_at"].clone(), demo_app(&detail)["choice"].clone()), (Value::Null, json!("default")));
}

#[tokio::test]
async fn the_export_holds_everything_as_json_or_html_and_is_logged() {
    let SchoolWithPeople { app, extract, school, .. } = school_with_people().await;
    let contact = extract.contacts.iter().find(|c| !c.relationships.is_empty()).unwrap();
    let pupil = extract.students.iter().find(|s| s.id == contact.relationships[0].student_id).unwrap();

    let response = app.get(&school, &format!("{}/export", person(&pupil.id))).await;
    assert_eq!(response.status().as_u16(), 200);
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment;") && disposition.contains(".json"), "{disposition}");
    let export: Value = response.json().await.unwrap();
    assert_eq!(export["record"]["first_name"], pupil.first_name.as_str());
    assert_eq!(export["record"]["date_of_birth"], pupil.date_of_birth.as_str());
    let linked: Vec<&str> =
        export["linked"].as_array().unwrap().iter().map(|l| l["mis_id"].as_str().unwrap()).collect();
    assert!(linked.contains(&contact.id.as_str()), "the contacts naming them: {export}");
    assert!(export["apps"].as_array().unwrap().iter().any(|app| app["app_id"] == "demo-app"));

    let html = app.get(&school, &format!("{}/export?format=html", person(&pupil.id))).await;
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    let page = html.text().await.unwrap();
    assert!(page.contains(&pupil.first_name) && page.contains("<h2>Apps</h2>"), "{page}");
    let bad = app.get(&school, &format!("{}/export?format=pdf", person(&pupil.id))).await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "format");

    // Each download is in the school's log, naming the person by id only.
    let team = app.get_ok(&school, "/api/school/team").await;
    let downloads: Vec<&Value> =
        team["changes"].as_array().unwrap().iter().filter(|c| c["change"] == "data downloaded").collect();
    assert_eq!(downloads.len(), 2, "{team}");
    assert_eq!(downloads[0]["colleague"], format!("pupil {}", pupil.id));
    // ...and the next export lists them.
    let again: Value = app.get(&school, &format!("{}/export", person(&pupil.id))).await.json().await.unwrap();
    assert_eq!(again["log"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn exclusion_hides_the_person_from_every_app_in_one_step_and_a_retry_changes_nothing() {
    let SchoolWithPeople { app, extract, school, .. } = school_with_people().await;
    let pupil = &extract.students[4];
    let log_len = |detail: Value| detail["log"].as_array().unwrap().len();
    let log_before = log_len(app.get_ok(&school, "/api/school/apps/demo-app").await);

    let excluded = app.post_ok(&school, &format!("{}/exclusion", person(&pupil.id)), json!({})).await;
    for each in excluded["apps"].as_array().unwrap() {
        if each["reason"] != "authorisation_revoked" {
            assert_eq!(each["choice"], "exclude", "{each}");
        }
        assert_eq!(each["can_see"], false, "{each}");
    }
    assert_eq!(demo_app(&excluded)["reason"], "excluded");
    let (students, _) = read_all(&app, &app.server.demo_app_key, SCHOOL, "students", "").await;
    assert!(students.iter().all(|s| s["id"] != pupil.id.as_str()), "the app no longer reads them");
    assert_eq!(log_len(app.get_ok(&school, "/api/school/apps/demo-app").await), log_before + 1, "logged per app");

    let again = app.post_ok(&school, &format!("{}/exclusion", person(&pupil.id)), json!({})).await;
    assert_eq!(again, excluded);
    assert_eq!(log_len(app.get_ok(&school, "/api/school/apps/demo-app").await), log_before + 1);
    let team = app.get_ok(&school, "/api/school/team").await;
    let entries =
        team["changes"].as_array().unwrap().iter().filter(|c| c["colleague"] == format!("pupil {}", pupil.id));
    assert_eq!(entries.count(), 1, "one team log entry: {team}");
}

#[tokio::test]
async fn erasure_drops_the_record_tells_the_apps_that_read_it_and_outlives_the_next_extract() {
    let SchoolWithPeople { app, extract, agent, school } = school_with_people().await;
    let key = app.server.demo_app_key.clone();
    let contact = extract.contacts.iter().find(|c| c.relationships.len() >= 2).expect("a contact of two pupils");
    let pupil = extract.students.iter().find(|s| s.id == contact.relationships[0].student_id).unwrap();
    let (_, token) = read_all(&app, &key, SCHOOL, "students", "").await;
    let (_, contacts_token) = read_all(&app, &key, SCHOOL, "contacts", "").await;
    let events_before = erased_events(&published(&app).await).len();

    let erased = app.post_ok(&school, &format!("{}/erasure", person(&pupil.id)), json!({})).await;
    assert!(erased["erased_at"].is_string(), "{erased}");
    assert_eq!((erased["name"].as_str(), erased["deleted"].as_bool()), (Some(""), Some(true)));
    assert_eq!(demo_app(&erased)["can_see"], false);
    // A retry answers the same and does nothing more.
    let again = app.post_ok(&school, &format!("{}/erasure", person(&pupil.id)), json!({})).await;
    assert_eq!(again, erased);

    // The app that read them hears of it once: ids, never a name.
    let events = erased_events(&published(&app).await);
    assert_eq!(events.len(), events_before + 1, "{events:?}");
    let event = events.last().unwrap();
    assert_eq!((event["app_id"].as_str(), event["school_id"].as_str()), (Some("demo-app"), Some(SCHOOL)));
    assert_eq!((event["person_id"].as_str(), event["resource"].as_str()), (Some(pupil.id.as_str()), Some("students")));
    assert!(!event.to_string().contains(&pupil.last_name), "{event}");

    // The data API: gone from the list, a tombstone (its id only) in the delta, explain says not shared.
    let (students, _) = read_all(&app, &key, SCHOOL, "students", "").await;
    assert!(students.iter().all(|s| s["id"] != pupil.id.as_str()));
    let (delta, _) = read_all(&app, &key, SCHOOL, "students", &format!("&since={token}")).await;
    assert_eq!(delta, vec![json!({ "id": pupil.id, "deleted": true })]);
    let (contacts, _) = read_all(&app, &key, SCHOOL, "contacts", &format!("&since={contacts_token}")).await;
    let resent = contacts.iter().find(|c| c["id"] == contact.id.as_str()).expect("the contact is resent without them");
    assert!(!resent.to_string().contains(pupil.id.as_str()), "{resent}");
    let explained: Value =
        get(&app, &key, &format!("/api/v1/schools/{SCHOOL}/explain?mis_id={}", pupil.id)).await.json().await.unwrap();
    assert_eq!(explained["shared"], false);
    assert_problem(get(&app, &key, &format!("/api/v1/schools/{SCHOOL}/students/{}", pupil.id)).await, 404, "not_found")
        .await;

    // The next extract still carries them: they are not stored again.
    let receipt = push_receipt(&app, &agent, &extract).await;
    assert_eq!(
        (receipt["outcome"].as_str(), receipt["changes"]["erased"].as_u64()),
        (Some("applied"), Some(1)),
        "{receipt}"
    );
    let (students, _) = read_all(&app, &key, SCHOOL, "students", "").await;
    assert!(students.iter().all(|s| s["id"] != pupil.id.as_str()), "never returned after erasure");
    let (contacts, _) = read_all(&app, &key, SCHOOL, "contacts", "").await;
    assert!(!contacts.iter().any(|c| c.to_string().contains(pupil.id.as_str())));
    let search = app.get_ok(&school, &format!("/api/school/people?q={}", pupil.id)).await;
    assert_eq!(search["matches"], json!([]));
    // The person's page still says so, long after the tombstone is gone.
    app.clock.advance(chrono::Duration::days(60));
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let later = app.get_ok(&school, &person(&pupil.id)).await;
    assert_eq!(later["erased_at"], erased["erased_at"]);
    let team = app.get_ok(&school, "/api/school/team").await;
    assert!(team["changes"].as_array().unwrap().iter().any(|c| c["change"] == "erased at the school's request"));
}
