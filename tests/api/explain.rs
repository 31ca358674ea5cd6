//! A3 "why is this person missing?" in the portals: the school asks on an
//! app's page, the partner on the school tile. Both get the same rule as the
//! app's `explain`, the partner never the person's name or details, and
//! neither can ask about a link that is not theirs.

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::{AppId, SchoolId, people, synthetic};
use gatehouse_model::SelectionChoice;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, new_client, spawn_app};
use crate::ingestion::{agent_key, push_ok, today};

/// `DEMO_SCHOOL_EMAIL`'s school: Active for the demo app, Include All, feed Enabled.
const SCHOOL: &str = "3280003";

async fn with_people(app: &TestApp) -> gatehouse_model::Extract {
    let extract = synthetic::school(31, 40, today());
    let key = agent_key(app, SCHOOL).await;
    push_ok(app, &key, &extract).await;
    extract
}

fn reason(answer: &Value) -> &str {
    answer["reason"].as_str().unwrap()
}

#[tokio::test]
async fn the_school_and_the_partner_get_the_apps_answer_without_the_persons_details() {
    let app = spawn_app().await;
    let extract = with_people(&app).await;
    let pupil = &extract.students[3];
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let school_path = |id: &str| format!("/api/school/apps/demo-app/explain?mis_id={id}");
    let tile_path = |id: &str| format!("/api/partner/schools/{SCHOOL}/explain?app=demo-app&mis_id={id}");

    let shared = app.get_ok(&school, &school_path(&pupil.id)).await;
    assert_eq!((reason(&shared), shared["shared"].as_bool()), ("shared", Some(true)));

    // The school excludes the pupil from the app: all three now say so.
    let app_id = AppId::parse("demo-app").unwrap();
    let school_id = SchoolId::parse(SCHOOL).unwrap();
    people::set_selection(&app.server.gatehouse, &app_id, &school_id, &pupil.id, SelectionChoice::Exclude, "Office")
        .await
        .unwrap();
    let for_school = app.get_ok(&school, &school_path(&pupil.id)).await;
    let for_partner = app.get_ok(&partner, &tile_path(&pupil.id)).await;
    let for_app: Value = app
        .client
        .get(app.url(&format!("/api/v1/schools/{SCHOOL}/explain?mis_id={}", pupil.id)))
        .bearer_auth(&app.server.demo_app_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reason(&for_school), "excluded");
    assert_eq!(for_partner, for_app, "the tile gives exactly what the app's own explain gives");
    assert_eq!(for_partner, for_school);
    let text = for_partner.to_string();
    for detail in [&pupil.first_name, &pupil.last_name, &pupil.date_of_birth, &pupil.registration_group] {
        assert!(!text.contains(detail.as_str()), "the answer names no detail of the person: {text}");
    }

    let unknown = app.get_ok(&partner, &tile_path("NOBODY-1")).await;
    assert_eq!(reason(&unknown), "not_in_extract");
    // Without `app`, the partner's first app is meant.
    let first_app = app.get_ok(&partner, &format!("/api/partner/schools/{SCHOOL}/explain?mis_id={}", pupil.id)).await;
    assert_eq!(reason(&first_app), "excluded");
}

#[tokio::test]
async fn nobody_asks_about_a_link_that_is_not_theirs() {
    let app = spawn_app().await;
    let extract = with_people(&app).await;
    let id = &extract.students[0].id;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;

    // Another partner: not its app, and its own app has no link to this school.
    let path = format!("/api/partner/schools/{SCHOOL}/explain?app=demo-app&mis_id={id}");
    assert_problem(app.get(&other, &path).await, 404, "not_found").await;
    let path = format!("/api/partner/schools/{SCHOOL}/explain?app={}&mis_id={id}", gatehouse_core::demo::OTHER_APP);
    assert_problem(app.get(&other, &path).await, 404, "not_found").await;
    // The demo partner at a school it has no link to.
    assert_problem(
        app.get(&partner, &format!("/api/partner/schools/140004/explain?mis_id={id}")).await,
        404,
        "not_found",
    )
    .await;
    // The school about an app it has nothing to do with.
    let path = format!("/api/school/apps/{}/explain?mis_id={id}", gatehouse_core::demo::OTHER_APP);
    assert_problem(app.get(&school, &path).await, 404, "not_found").await;

    // Sessions do not pass for each other; no session is 401.
    let school_path = format!("/api/school/apps/demo-app/explain?mis_id={id}");
    let tile_path = format!("/api/partner/schools/{SCHOOL}/explain?mis_id={id}");
    assert_problem(app.get(&partner, &school_path).await, 401, "sign_in_required").await;
    assert_problem(app.get(&school, &tile_path).await, 401, "sign_in_required").await;
    assert_problem(app.get(&new_client(), &tile_path).await, 401, "sign_in_required").await;

    // A malformed id is a field error, not an answer; a missing one too.
    let bad = app.get(&school, "/api/school/apps/demo-app/explain?mis_id=a%20b").await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "mis_id");
    let missing = app.get(&partner, &format!("/api/partner/schools/{SCHOOL}/explain")).await;
    assert_eq!(missing.status(), 400);
}

/// G1 freshness: the last extract and the app's last pull, in the app's
/// `status` and on the school's dashboard feed.
#[tokio::test]
async fn status_and_the_schools_feed_show_the_last_extract_and_the_apps_last_pull() {
    let app = spawn_app().await;
    let key = &app.server.demo_app_key;
    let status = |app: &TestApp| {
        let request = app.client.get(app.url(&format!("/api/v1/schools/{SCHOOL}/status"))).bearer_auth(key).send();
        async move { request.await.unwrap().json::<Value>().await.unwrap() }
    };
    let before = status(&app).await;
    assert!(before.get("last_pull_on").is_none(), "never pulled: absent");

    with_people(&app).await;
    let page = app.client.get(app.url(&format!("/api/v1/schools/{SCHOOL}/students?limit=5"))).bearer_auth(key).send();
    assert_eq!(page.await.unwrap().status(), 200);
    app.clock.advance(chrono::Duration::days(2));
    let after = status(&app).await;
    assert_eq!(after["last_pull_on"], "2026-11-23");
    assert_eq!(after["last_extract_at"], "2026-11-23T10:00:00Z");

    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let feed = app.get_ok(&school, "/api/school/feed").await;
    assert_eq!(feed["last_extract_at"], "2026-11-23T10:00:00Z");
    assert_eq!(feed["cache_stale"], false);
    let demo_app = feed["apps"].as_array().unwrap().iter().find(|row| row["app_id"] == "demo-app").unwrap();
    assert_eq!(demo_app["last_pull_on"], "2026-11-23");
    assert!(feed["held_extract"].is_null());

    // The partner's tile shows it too, next to the cache age.
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let tile = app.get_ok(&partner, &format!("/api/partner/schools/{SCHOOL}")).await;
    assert_eq!(tile["last_pull_on"], "2026-11-23");

    // A month later, the usage of the month before still answers.
    app.clock.advance(chrono::Duration::days(10));
    assert_eq!(status(&app).await["last_pull_on"], "2026-11-23");
}

/// The data API's shapes carry examples in `/api/openapi.json`, each a valid
/// instance of its type (so an example cannot drift from the wire format).
#[tokio::test]
async fn the_data_api_shapes_in_openapi_have_examples_that_parse() {
    use gatehouse_model::{DataPage, Explanation, Extract, ExtractReceipt, HeldExtractDecision, SchoolConnection};
    let app = spawn_app().await;
    let document: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    let schemas = &document["components"]["schemas"];
    let examples = |name: &str| -> Vec<Value> {
        let schema = &schemas[name];
        let mut found: Vec<Value> = schema["examples"].as_array().cloned().unwrap_or_default();
        found.extend(schema.get("example").cloned());
        assert!(!found.is_empty(), "{name} has no example");
        found
    };
    let pages: Vec<DataPage> = examples("DataPage").into_iter().map(|e| serde_json::from_value(e).unwrap()).collect();
    assert!(pages.iter().any(|page| page.next_cursor.is_some()), "a full-sync page");
    let delta = serde_json::to_value(&pages).unwrap().to_string();
    assert!(delta.contains(r#""deleted":true"#), "a delta page with a deleted entry");
    for example in examples("Explanation") {
        serde_json::from_value::<Explanation>(example).unwrap();
    }
    for example in examples("SchoolConnection") {
        serde_json::from_value::<SchoolConnection>(example).unwrap();
    }
    for example in examples("Extract") {
        serde_json::from_value::<Extract>(example).unwrap();
    }
    for example in examples("ExtractReceipt") {
        serde_json::from_value::<ExtractReceipt>(example).unwrap();
    }
    for example in examples("HeldExtractDecision") {
        serde_json::from_value::<HeldExtractDecision>(example).unwrap();
    }
}
