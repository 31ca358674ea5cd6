//! A3 "why is this person missing?" in the portals: the school asks on an
//! app's page, the partner on the school tile. The partner gets exactly the
//! app's `explain`, never the person's name or details; the school gets the
//! full rule; neither can ask about a link that is not theirs. An app (and
//! its partner) learns nothing about an id it was never shared (#18).

use std::collections::{BTreeSet, HashSet};

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::people::{self, PersonChoice};
use gatehouse_core::{AppId, MisId, SchoolId, synthetic};
use gatehouse_model::{DeletedRef, Extract, ExtractKind, Resource, SelectionChoice};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::data_api::{change_link, read_all, select};
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
    // The app syncs: the pupil has been shared with it.
    read_all(&app, &app.server.demo_app_key, SCHOOL, "students", "").await;

    // The school excludes the pupil from the app: all three now say so.
    let app_id = AppId::parse("demo-app").unwrap();
    let school_id = SchoolId::parse(SCHOOL).unwrap();
    let pupil_id = MisId::parse(&pupil.id).unwrap();
    let excluded = PersonChoice {
        app_id: &app_id,
        school_id: &school_id,
        mis_id: &pupil_id,
        choice: SelectionChoice::Exclude,
        by: "Office",
    };
    people::set_selection(&app.server.gatehouse, &excluded).await.unwrap();
    let for_school = app.get_ok(&school, &school_path(&pupil.id)).await;
    let for_partner = app.get_ok(&partner, &tile_path(&pupil.id)).await;
    let for_app = app.get_ok_as_app(&format!("/api/v1/schools/{SCHOOL}/explain?mis_id={}", pupil.id)).await;
    assert_eq!(reason(&for_school), "excluded");
    assert_eq!(for_partner, for_app, "the tile gives exactly what the app's own explain gives");
    assert_eq!(for_partner, for_school);
    let text = for_partner.to_string();
    for detail in [&pupil.first_name, &pupil.last_name, &pupil.date_of_birth, &pupil.registration_group] {
        assert!(!text.contains(detail.as_str()), "the answer names no detail of the person: {text}");
    }

    // An id never shared: the partner learns nothing of it; the school does.
    let unknown = app.get_ok(&partner, &tile_path("NOBODY-1")).await;
    assert_eq!(reason(&unknown), "not_shared");
    assert_eq!(reason(&app.get_ok(&school, &school_path("NOBODY-1")).await), "not_in_extract");
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
    let refused = app.get(&partner, &format!("/api/partner/schools/140004/explain?mis_id={id}")).await;
    assert_problem(refused, 404, "not_found").await;
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

/// One case of the explain property: a school, what it chose before and
/// after the app's first sync, and whom its MIS deleted after it.
#[derive(Debug, Clone)]
struct Plan {
    seed: u64,
    students: u32,
    exclude_all: bool,
    /// Per pupil, the school's choice before the app's sync.
    before: Vec<SelectionChoice>,
    /// Per pupil, a change of choice after it.
    after: Vec<Option<SelectionChoice>>,
    /// Pupils the MIS deletes after the sync (two at most, under the deletion guard).
    deleted: Vec<usize>,
}

fn plan() -> impl Strategy<Value = Plan> {
    let choice =
        || prop_oneof![Just(SelectionChoice::Default), Just(SelectionChoice::Include), Just(SelectionChoice::Exclude)];
    (
        any::<u64>(),
        6u32..14,
        any::<bool>(),
        prop::collection::vec(choice(), 14),
        prop::collection::vec(prop::option::weighted(0.4, choice()), 14),
        prop::collection::vec(0usize..14, 0..=2),
    )
        .prop_map(|(seed, students, exclude_all, before, after, deleted)| Plan {
            seed,
            students,
            exclude_all,
            before,
            after,
            deleted,
        })
}

/// The app's explain, as the bytes it receives.
async fn explain_as_app(app: &TestApp, id: &str) -> String {
    let response = app.get_as_app(&format!("/api/v1/schools/{SCHOOL}/explain?mis_id={id}")).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn explain_tells_nothing_of_ids_never_shared(plan: Plan) {
    let app = spawn_app().await;
    let extract = synthetic::school(plan.seed, plan.students, today());
    let agent = agent_key(&app, SCHOOL).await;
    push_ok(&app, &agent, &extract).await;
    let mode = if plan.exclude_all { "Exclude All" } else { "Include All" };
    change_link(&app, SCHOOL, |link| {
        link.insert("gdpr_mode".into(), json!(mode));
    })
    .await;
    let pupils: Vec<String> = extract.students.iter().map(|student| student.id.clone()).collect();
    for (id, choice) in pupils.iter().zip(&plan.before) {
        if *choice != SelectionChoice::Default {
            select(&app, SCHOOL, id, *choice).await;
        }
    }
    let (first, _) = read_all(&app, &app.server.demo_app_key, SCHOOL, "students", "").await;
    let shared_before: HashSet<String> = first.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();

    for (id, choice) in pupils.iter().zip(&plan.after) {
        if let Some(choice) = choice {
            select(&app, SCHOOL, id, *choice).await;
        }
    }
    let deleted: BTreeSet<String> = plan.deleted.iter().map(|index| pupils[index % pupils.len()].clone()).collect();
    if !deleted.is_empty() {
        let leavers = Extract {
            kind: ExtractKind::Delta,
            students: vec![],
            staff: vec![],
            contacts: vec![],
            groups: vec![],
            deleted: deleted.iter().map(|id| DeletedRef { resource: Resource::Students, id: id.clone() }).collect(),
        };
        push_ok(&app, &agent, &leavers).await;
    }

    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let mut never_shared_answers = BTreeSet::new();
    let strangers = ["NOBODY-1", "STU99999", "x.y:z_0"];
    let others = [extract.staff[0].id.clone(), extract.contacts[0].id.clone()];
    for id in pupils.iter().map(String::as_str).chain(strangers).chain(others.iter().map(String::as_str)) {
        let raw = explain_as_app(&app, id).await;
        let for_app: Value = serde_json::from_str(&raw).unwrap();
        let for_school = app.get_ok(&school, &format!("/api/school/apps/demo-app/explain?mis_id={id}")).await;
        let tile = format!("/api/partner/schools/{SCHOOL}/explain?app=demo-app&mis_id={id}");
        assert_eq!(app.get_ok(&partner, &tile).await, for_app, "the tile answers {id} as the app's explain does");
        if for_school["shared"] == true || shared_before.contains(id) {
            // Shared now, or before: the specific rule, as the school sees it.
            assert_eq!(for_app, for_school, "{id}: {plan:?}");
        } else {
            assert_eq!(reason(&for_app), "not_shared", "{id}: {raw}");
            never_shared_answers.insert(raw.replace(id, "<id>"));
            // The school still gets the full answer.
            let expected = if deleted.contains(id) {
                "deleted"
            } else if strangers.contains(&id) {
                "not_in_extract"
            } else if others.iter().any(|other| other == id) {
                // Never selected in Exclude All; or, a contact, of hidden pupils only.
                if plan.exclude_all { "not_selected" } else { "no_shared_pupil" }
            } else {
                match selection_of(&plan, &pupils, id) {
                    SelectionChoice::Exclude => "excluded",
                    _ => "not_selected",
                }
            };
            assert_eq!(reason(&for_school), expected, "the school's answer for {id}: {for_school}");
        }
    }
    assert_eq!(never_shared_answers.len(), 1, "one answer for every id never shared: {never_shared_answers:?}");
}

/// The choice a pupil has after the plan ran.
fn selection_of(plan: &Plan, pupils: &[String], id: &str) -> SelectionChoice {
    let index = pupils.iter().position(|pupil| pupil == id).expect("a pupil");
    plan.after[index].unwrap_or(plan.before[index])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn an_apps_explain_is_the_same_for_every_id_it_was_never_shared(plan in plan()) {
        tokio::runtime::Runtime::new().unwrap().block_on(explain_tells_nothing_of_ids_never_shared(plan));
    }
}
