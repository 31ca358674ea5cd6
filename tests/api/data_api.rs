//! A1, A3: the data API's reads. Paging and cursors, delta sync with
//! deletions and newly excluded persons, GDPR modes, scopes, `explain`, the
//! authorisation matrix over every `/api/v1` and `/api/agent/v1` endpoint,
//! and a property test: no read returns a person or field not granted.

use std::collections::{HashMap, HashSet};

use gatehouse_core::ports::{Clock, Condition};
use gatehouse_core::{AppId, PartnerId, SchoolId, app_keys, demo, people, synthetic};
use gatehouse_model::{Scope, SelectionChoice};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::ingestion::{agent_key, demo_school, push_ok, today};

async fn get(app: &TestApp, key: &str, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(key).send().await.unwrap()
}

/// Every record of a resource, following cursors; returns the records and the final sync token.
async fn read_all(app: &TestApp, key: &str, school: &str, resource: &str, query: &str) -> (Vec<Value>, String) {
    let mut records = Vec::new();
    let mut path = format!("/api/v1/schools/{school}/{resource}?limit=7{query}");
    loop {
        let response = get(app, key, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let page: Value = response.json().await.unwrap();
        records.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/schools/{school}/{resource}?limit=7&cursor={cursor}"),
            None => return (records, page["sync_token"].as_str().unwrap().to_owned()),
        }
    }
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|record| record["id"].as_str().unwrap().to_owned()).collect()
}

/// Changes the demo app's link to `school` in place: a fixture standing in
/// for the school's portal (S3), written through the store.
async fn change_link(app: &TestApp, school: &str, change: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let app_id = AppId::parse(demo::DEMO_APP).unwrap();
    let school = SchoolId::parse(school).unwrap();
    let key = gatehouse_core::keys::Key::SchoolLink(&app_id, &school);
    let table = &app.server.gatehouse.table;
    let mut item = table.get(&key.pk(), &key.sk()).await.unwrap().unwrap();
    change(&mut item.attributes);
    let version = item.version;
    item.version += 1;
    table.put(item, Condition::VersionIs(version)).await.unwrap();
}

async fn select(app: &TestApp, school: &str, mis_id: &str, choice: SelectionChoice) {
    let app_id = AppId::parse(demo::DEMO_APP).unwrap();
    let school = SchoolId::parse(school).unwrap();
    people::set_selection(&app.server.gatehouse, &app_id, &school, mis_id, choice, "Test Office").await.unwrap();
}

async fn other_app_key(app: &TestApp) -> String {
    let partner = PartnerId::parse(demo::OTHER_PARTNER).unwrap();
    let other = AppId::parse(demo::OTHER_APP).unwrap();
    let now = app.clock.now();
    app_keys::ensure_demo_key(app.server.gatehouse.table.as_ref(), &partner, &other, None, now).await.unwrap()
}

#[tokio::test]
async fn a_full_sync_pages_in_a_stable_order_with_only_granted_flags() {
    let app = spawn_app().await;
    let school = demo_school(&app, "connected").await;
    let agent = agent_key(&app, &school).await;
    push_ok(&app, &agent, &synthetic::school(11, 50, today())).await;
    let key = &app.server.demo_app_key;
    let (students, _) = read_all(&app, key, &school, "students", "").await;
    let mut sorted = ids(&students);
    sorted.sort();
    assert_eq!(ids(&students), sorted, "MIS-id order, no duplicates across pages");
    assert_eq!(students.len(), 50);
    let first = students[0].as_object().unwrap();
    // The demo app asks for Pupil Premium, FSM and SEN status, nothing else.
    for granted in ["pupil_premium", "free_school_meals", "sen_status", "year_group", "date_of_birth"] {
        assert!(first.contains_key(granted), "{granted} missing");
    }
    for absent in ["service_child", "looked_after", "home_language", "ever6_free_school_meals", "more_able"] {
        assert!(!first.contains_key(absent), "{absent} returned without its scope");
    }
    let (groups, _) = read_all(&app, key, &school, "groups", "").await;
    assert!(groups.iter().any(|group| group["kind"] == "year_group"));
    let one = get(&app, key, &format!("/api/v1/schools/{school}/students/{}", sorted[3])).await;
    assert_eq!(one.json::<Value>().await.unwrap()["id"], sorted[3].as_str());
    assert_problem(get(&app, key, &format!("/api/v1/schools/{school}/students/NOPE")).await, 404, "not_found").await;

    let bad = get(&app, key, &format!("/api/v1/schools/{school}/students?cursor=not-a-cursor")).await;
    assert_problem(bad, 400, "invalid_cursor").await;
    let bad = get(&app, key, &format!("/api/v1/schools/{school}/staff?since=eyJ4IjoxfQ")).await;
    assert_problem(bad, 400, "invalid_cursor").await;
    assert_problem(get(&app, key, &format!("/api/v1/schools/{school}/staff?limit=0")).await, 400, "invalid").await;
}

#[tokio::test]
async fn a_delta_returns_changes_leavers_and_newly_excluded_persons_as_deleted() {
    let app = spawn_app().await;
    let school = demo_school(&app, "connected").await;
    let agent = agent_key(&app, &school).await;
    push_ok(&app, &agent, &synthetic::school(12, 60, today())).await;
    let key = &app.server.demo_app_key;
    let (students, token) = read_all(&app, key, &school, "students", "").await;

    let (nothing, same_token) = read_all(&app, key, &school, "students", &format!("&since={token}")).await;
    assert!(nothing.is_empty(), "no changes, no records: {nothing:?}");

    let delta = synthetic::changes(12, 60, today(), 1);
    push_ok(&app, &agent, &delta).await;
    let excluded = ids(&students)[10].clone();
    select(&app, &school, &excluded, SelectionChoice::Exclude).await;
    let (changes, next) = read_all(&app, key, &school, "students", &format!("&since={same_token}")).await;
    let deleted: HashSet<String> =
        changes.iter().filter(|r| r["deleted"] == true).map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    let changed: HashSet<String> =
        changes.iter().filter(|r| r["deleted"] != true).map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    for leaver in &delta.deleted {
        assert!(deleted.contains(&leaver.id), "leaver {} reported deleted", leaver.id);
    }
    assert!(deleted.contains(&excluded), "a newly excluded pupil reads as deleted");
    for student in &delta.students {
        assert!(changed.contains(&student.id), "{} changed", student.id);
    }
    assert!(changes.iter().filter(|r| r["deleted"] == true).all(|r| r.as_object().unwrap().len() == 2));

    let explained: Value =
        get(&app, key, &format!("/api/v1/schools/{school}/explain?mis_id={excluded}")).await.json().await.unwrap();
    assert_eq!((explained["shared"].clone(), explained["reason"].clone()), (json!(false), json!("excluded")));

    // Back to the default: the pupil comes back in the next delta.
    select(&app, &school, &excluded, SelectionChoice::Default).await;
    let (again, _) = read_all(&app, key, &school, "students", &format!("&since={next}")).await;
    assert_eq!(ids(&again), [excluded.clone()]);
    assert!(again[0]["deleted"].is_null());
}

#[tokio::test]
async fn exclude_all_shares_only_selected_persons_and_a_mode_change_expires_tokens() {
    let app = spawn_app().await;
    let school = demo_school(&app, "connected").await;
    let agent = agent_key(&app, &school).await;
    let extract = synthetic::school(13, 30, today());
    push_ok(&app, &agent, &extract).await;
    let key = &app.server.demo_app_key;
    let (_, token) = read_all(&app, key, &school, "students", "").await;

    change_link(&app, &school, |link| {
        link.insert("gdpr_mode".into(), json!("Exclude All"));
    })
    .await;
    let expired = get(&app, key, &format!("/api/v1/schools/{school}/students?since={token}")).await;
    assert_problem(expired, 410, "sync_token_expired").await;
    let (none, _) = read_all(&app, key, &school, "students", "").await;
    assert!(none.is_empty());
    let chosen = [extract.students[2].id.clone(), extract.students[20].id.clone()];
    for id in &chosen {
        select(&app, &school, id, SelectionChoice::Include).await;
    }
    let (students, _) = read_all(&app, key, &school, "students", "").await;
    assert_eq!(ids(&students), chosen);
    let (groups, _) = read_all(&app, key, &school, "groups", "").await;
    let members: HashSet<String> = groups
        .iter()
        .flat_map(|group| group["student_ids"].as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_owned()))
        .collect();
    assert!(members.is_subset(&chosen.iter().cloned().collect()), "group members are filtered too");
    let explained: Value =
        get(&app, key, &format!("/api/v1/schools/{school}/explain?mis_id={}", extract.students[3].id))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(explained["reason"], "not_selected");
    let unknown: Value =
        get(&app, key, &format!("/api/v1/schools/{school}/explain?mis_id=STU99999")).await.json().await.unwrap();
    assert_eq!(unknown["reason"], "not_in_extract");

    // The school portal's view of it.
    let app_id = AppId::parse(demo::DEMO_APP).unwrap();
    let school_id = SchoolId::parse(&school).unwrap();
    let listed = people::selections(&app.server.gatehouse, &app_id, &school_id).await.unwrap();
    assert_eq!(listed.len(), 2);
    select(&app, &school, &chosen[0], SelectionChoice::Include).await;
    assert_eq!(people::selections(&app.server.gatehouse, &app_id, &school_id).await.unwrap(), listed, "idempotent");
    let found = people::search(&app.server.gatehouse, &school_id, &extract.students[2].last_name, 50).await.unwrap();
    assert!(found.iter().any(|person| person.mis_id == extract.students[2].id));
}

#[tokio::test]
async fn every_endpoint_answers_each_caller_with_the_right_code() {
    let app = spawn_app().await;
    let demo_key = app.server.demo_app_key.clone();
    let other_key = other_app_key(&app).await;
    let connected = demo_school(&app, "connected").await;
    let agent = agent_key(&app, &connected).await;
    let extract = synthetic::school(14, 12, today());
    push_ok(&app, &agent, &extract).await;
    let student = extract.students[0].id.clone();
    let revoked = demo_school(&app, "revoked").await;
    let paused = demo_school(&app, "feed_paused").await;
    let not_installed = demo_school(&app, "not_installed").await;
    let pending = demo_school(&app, "not_authorised").await;
    let other_schools: Value = get(&app, &other_key, "/api/v1/schools").await.json().await.unwrap();
    let other_connected = other_schools["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|school| school["state"] == "connected")
        .map(|school| school["school_id"].as_str().unwrap().to_owned())
        .expect("a connected school of the other app");

    let reads = |school: &str| -> Vec<String> {
        vec![
            format!("/api/v1/schools/{school}/students"),
            format!("/api/v1/schools/{school}/staff"),
            format!("/api/v1/schools/{school}/contacts"),
            format!("/api/v1/schools/{school}/groups"),
            format!("/api/v1/schools/{school}/students/{student}"),
        ]
    };
    // No key, or a junk one: every endpoint, app and agent alike.
    let mut every: Vec<String> = reads(&connected);
    every.extend([
        "/api/v1/schools".to_owned(),
        format!("/api/v1/schools/{connected}/status"),
        format!("/api/v1/schools/{connected}/explain?mis_id={student}"),
        "/api/agent/v1/status".to_owned(),
    ]);
    for path in &every {
        assert_problem(app.client.get(app.url(path)).send().await.unwrap(), 401, "invalid_credentials").await;
        assert_problem(get(&app, "junk", path).await, 401, "invalid_credentials").await;
    }
    let no_key = app.client.post(app.url("/api/agent/v1/extracts")).json(&extract).send().await.unwrap();
    assert_problem(no_key, 401, "invalid_credentials").await;
    // An agent key reads nothing of the data API, even for its own school.
    for path in &every[..every.len() - 1] {
        assert_problem(get(&app, &agent, path).await, 401, "invalid_credentials").await;
    }
    // ... and an app key pushes nothing.
    assert_problem(get(&app, &demo_key, "/api/agent/v1/status").await, 401, "invalid_credentials").await;

    let cases: [(&str, &str, &str, u16); 5] = [
        (&other_key, &connected, "not_authorised", 403),
        (&demo_key, &revoked, "authorisation_revoked", 403),
        (&demo_key, &paused, "feed_paused", 403),
        (&demo_key, &not_installed, "not_installed", 409),
        (&demo_key, &pending, "not_authorised", 403),
    ];
    for (key, school, code, status) in cases {
        for path in reads(school) {
            assert_problem(get(&app, key, &path).await, status, code).await;
        }
        let explained: Value =
            get(&app, key, &format!("/api/v1/schools/{school}/explain?mis_id={student}")).await.json().await.unwrap();
        assert_eq!(explained["reason"], code, "explain agrees for {school}");
        assert_eq!(explained["shared"], false);
    }
    // The other app may read students and groups, not staff or contacts.
    assert_eq!(get(&app, &other_key, &format!("/api/v1/schools/{other_connected}/students")).await.status(), 200);
    for resource in ["staff", "contacts"] {
        let path = format!("/api/v1/schools/{other_connected}/{resource}");
        assert_problem(get(&app, &other_key, &path).await, 403, "scope_not_granted").await;
    }
    // A school id that does not parse is as unknown as another app's school.
    assert_problem(get(&app, &demo_key, "/api/v1/schools/not%20an%20id/students").await, 403, "not_authorised").await;

    // An agent key speaks for its own school only: pushing with another
    // school's key changes nothing here.
    let other_agent = agent_key(&app, &paused).await;
    push_ok(&app, &other_agent, &synthetic::school(15, 5, today())).await;
    let (students, _) = read_all(&app, &demo_key, &connected, "students", "").await;
    assert_eq!(students.len(), 12);
    let status: Value = get(&app, &other_agent, "/api/agent/v1/status").await.json().await.unwrap();
    assert_eq!(status["school_id"], paused.as_str());
}

/// What one property-test case sets up.
#[derive(Debug, Clone)]
struct Case {
    seed: u64,
    students: u32,
    exclude_all: bool,
    paused: bool,
    granted: Vec<Scope>,
    /// (student index, choice), applied in order.
    selections: Vec<(usize, SelectionChoice)>,
    /// Push a round of changes after the first sync.
    changes: bool,
    /// Where the school's consent stands (#12).
    consent: Consent,
}

/// The consent states in which nothing may reach the app, and the one in
/// which the grant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consent {
    Granted,
    /// Authorised by someone operations have not verified yet.
    AwaitingVerification,
    /// Asked for through a link; the school's admins have not decided.
    AwaitingSchoolApproval,
    /// The date the school chose has come; the daily job has not run.
    PastRevokeDate,
    /// Revoked, then an old re-authorisation link tried to bring it back.
    Superseded,
}

fn case() -> impl Strategy<Value = Case> {
    let requested = demo::demo_requested_scopes().into_iter().collect::<Vec<_>>();
    (
        any::<u64>(),
        4u32..24,
        any::<bool>(),
        prop::bool::weighted(0.15),
        proptest::sample::subsequence(requested.clone(), 0..=requested.len()),
        prop::collection::vec(
            (
                0usize..24,
                prop_oneof![
                    Just(SelectionChoice::Include),
                    Just(SelectionChoice::Exclude),
                    Just(SelectionChoice::Default)
                ],
            ),
            0..8,
        ),
        any::<bool>(),
        prop_oneof![
            6 => Just(Consent::Granted),
            1 => Just(Consent::AwaitingVerification),
            1 => Just(Consent::AwaitingSchoolApproval),
            1 => Just(Consent::PastRevokeDate),
            1 => Just(Consent::Superseded),
        ],
    )
        .prop_map(|(seed, students, exclude_all, paused, granted, selections, changes, consent)| Case {
            seed,
            students,
            exclude_all,
            paused,
            granted,
            selections,
            changes,
            consent,
        })
}

/// Puts the school's consent in `consent`, as the rules would leave it, and
/// returns the refusal code every read must then get.
async fn withhold(app: &TestApp, school: &str, consent: Consent) -> &'static str {
    let waiting = |waiting_for: &'static str| {
        move |link: &mut serde_json::Map<String, Value>| {
            link.insert("view".into(), json!("pending"));
            link.insert(
                "pending_grant".into(),
                json!({
                    "email": "someone@elsewhere.example", "name": "Someone", "role": "Office", "mis": "SIMS",
                    "scopes": ["students", "staff", "contacts", "groups"], "gdpr_mode": "Include All",
                    "feed_status": "Enabled", "requested_at": "2026-11-23T09:00:00Z", "waiting_for": waiting_for
                }),
            );
        }
    };
    match consent {
        Consent::Granted => "",
        Consent::AwaitingVerification => {
            change_link(app, school, waiting("verification")).await;
            "awaiting_verification"
        }
        Consent::AwaitingSchoolApproval => {
            change_link(app, school, waiting("school_approval")).await;
            "awaiting_school_approval"
        }
        Consent::PastRevokeDate => {
            change_link(app, school, |link| {
                link.insert("revoke_on".into(), json!(today().to_string()));
            })
            .await;
            "authorisation_revoked"
        }
        Consent::Superseded => {
            // The app asks for more: the school's contact gets a link. The
            // partner then revokes, and the link is tried anyway.
            let partner = app.signed_in_client(demo::DEMO_EMAIL).await;
            let mut requested: Vec<&str> = demo::demo_requested_scopes().iter().map(|scope| scope.as_str()).collect();
            requested.push("traveller");
            app.post_ok(&partner, "/api/partner/apps/demo-app/permissions", json!({ "requested": requested })).await;
            let contact = format!("data.lead.{school}@school.example");
            let token = app.token_from_outbox(&contact).await;
            let revoke = json!({ "reason": "school_asked", "revoke_on": today().to_string() });
            app.post_ok(&partner, &format!("/api/partner/schools/{school}/revoke"), revoke).await;
            let answers = json!({
                "token": token, "has_authority": true, "approver_name": "Old Link", "approver_role": "Head",
                "mis": "SIMS", "approved_scopes": requested, "gdpr_mode": "Include All", "feed_status": "Enabled"
            });
            let replayed = app.post(&app.client, "/api/invitations/authorise", answers).await;
            assert_problem(replayed, 410, "link_superseded").await;
            "authorisation_revoked"
        }
    }
}

/// The flags each student field needs.
const FLAG_SCOPES: [(&str, Scope); 7] = [
    ("pupil_premium", Scope::PupilPremium),
    ("free_school_meals", Scope::FreeSchoolMeals),
    ("sen_status", Scope::SenStatus),
    ("service_child", Scope::ServiceChild),
    ("more_able", Scope::MoreAble),
    ("looked_after", Scope::LookedAfter),
    ("home_language", Scope::HomeLanguage),
];

async fn check(case: Case) {
    let app = spawn_app().await;
    let school = demo_school(&app, "connected").await;
    let agent = agent_key(&app, &school).await;
    let extract = synthetic::school(case.seed, case.students, today());
    push_ok(&app, &agent, &extract).await;
    let granted: Vec<String> = case.granted.iter().map(|scope| scope.as_str().to_owned()).collect();
    change_link(&app, &school, |link| {
        link.insert("granted_scopes".into(), json!(granted));
        link.insert("gdpr_mode".into(), json!(if case.exclude_all { "Exclude All" } else { "Include All" }));
        link.insert("feed_status".into(), json!(if case.paused { "Paused" } else { "Enabled" }));
    })
    .await;
    let key = app.server.demo_app_key.clone();
    let mut choices: HashMap<String, SelectionChoice> = HashMap::new();
    let ids_in_extract: Vec<String> = extract.students.iter().map(|s| s.id.clone()).collect();
    let id_of = |index: usize| ids_in_extract[index % ids_in_extract.len()].clone();
    let half = case.selections.len() / 2;
    for (index, choice) in &case.selections[..half] {
        let id = id_of(*index);
        choices.insert(id.clone(), *choice);
        select(&app, &school, &id, *choice).await;
    }
    let shared = |id: &str, choices: &HashMap<String, SelectionChoice>| match choices.get(id) {
        Some(SelectionChoice::Include) => true,
        Some(SelectionChoice::Exclude) => false,
        _ => !case.exclude_all,
    };
    let students_path = format!("/api/v1/schools/{school}/students");
    let refused = withhold(&app, &school, case.consent).await;
    if case.consent != Consent::Granted {
        let first = &extract.students[0].id;
        for path in ["students", "staff", "contacts", "groups", &format!("students/{first}")] {
            let response = get(&app, &key, &format!("/api/v1/schools/{school}/{path}")).await;
            assert_problem(response, 403, refused).await;
        }
        for id in &ids_in_extract {
            let explained: Value =
                get(&app, &key, &format!("/api/v1/schools/{school}/explain?mis_id={id}")).await.json().await.unwrap();
            assert_eq!(explained["shared"], false, "{id} under {:?}: {explained}", case.consent);
        }
        return;
    }
    if case.paused {
        assert_problem(get(&app, &key, &students_path).await, 403, "feed_paused").await;
        return;
    }
    if !case.granted.contains(&Scope::Students) {
        assert_problem(get(&app, &key, &students_path).await, 403, "scope_not_granted").await;
        return;
    }
    let check_record = |record: &Value, choices: &HashMap<String, SelectionChoice>| {
        let id = record["id"].as_str().unwrap();
        if record["deleted"] == true {
            return;
        }
        assert!(shared(id, choices), "{id} returned but not shared");
        let fields = record.as_object().unwrap();
        for (field, scope) in FLAG_SCOPES {
            assert_eq!(fields.contains_key(field), case.granted.contains(&scope), "{field} on {id}");
        }
    };
    let (full, token) = read_all(&app, &key, &school, "students", "").await;
    for record in &full {
        check_record(record, &choices);
    }
    let returned: HashSet<String> = ids(&full).into_iter().collect();
    for id in ids_in_extract.iter().chain(std::iter::once(&"STU99999".to_owned())) {
        let explained: Value =
            get(&app, &key, &format!("/api/v1/schools/{school}/explain?mis_id={id}")).await.json().await.unwrap();
        assert_eq!(explained["shared"] == true, returned.contains(id), "explain disagrees for {id}: {explained}");
    }

    for (index, choice) in &case.selections[half..] {
        let id = id_of(*index);
        choices.insert(id.clone(), *choice);
        select(&app, &school, &id, *choice).await;
    }
    if case.changes {
        push_ok(&app, &agent, &synthetic::changes(case.seed, case.students, today(), 1)).await;
    }
    let (delta, _) = read_all(&app, &key, &school, "students", &format!("&since={token}")).await;
    for record in &delta {
        check_record(record, &choices);
    }
    // After applying the delta, the app holds exactly what a full read returns.
    let mut held: HashSet<String> = returned;
    for record in &delta {
        let id = record["id"].as_str().unwrap().to_owned();
        if record["deleted"] == true {
            held.remove(&id);
        } else {
            held.insert(id);
        }
    }
    let (now_full, _) = read_all(&app, &key, &school, "students", "").await;
    assert_eq!(held, ids(&now_full).into_iter().collect::<HashSet<_>>(), "delta + previous = full");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn no_read_returns_a_person_or_field_not_granted(case in case()) {
        tokio::runtime::Runtime::new().unwrap().block_on(check(case));
    }
}

#[tokio::test]
async fn every_data_call_counts_in_the_schools_month_stats() {
    let app = spawn_app().await;
    let school = demo_school(&app, "connected").await;
    let partner = app.signed_in_client(demo::DEMO_EMAIL).await;
    let month_stats = |page: Value| {
        page["items"].as_array().unwrap().iter().find(|row| row["school_id"] == school.as_str()).unwrap()["month_stats"]
            .as_u64()
            .unwrap()
    };
    let before = month_stats(app.list_schools(&partner, "?page_size=200").await.json().await.unwrap());
    let key = app.server.demo_app_key.clone();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let request = app.client.get(app.url(&format!("/api/v1/schools/{school}/groups"))).bearer_auth(&key);
        calls.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = calls.join_all().await;
    assert_eq!(statuses, [200; 6], "counted in parallel, none lost");
    get(&app, &key, &format!("/api/v1/schools/{school}/explain?mis_id=X1")).await;
    let after = month_stats(app.list_schools(&partner, "?page_size=200").await.json().await.unwrap());
    assert_eq!(after, before + 7);
}
