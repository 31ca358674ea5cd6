//! A1, A3: the data API's reads. Paging and cursors, delta sync with
//! deletions and newly excluded persons, GDPR modes, scopes, `explain`, the
//! authorisation matrix over every `/api/v1` and `/api/agent/v1` endpoint,
//! and a property test: no read returns a person or field not granted.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use gatehouse_core::people::{self, PersonChoice};
use gatehouse_core::ports::{Clock, Condition};
use gatehouse_core::{AppId, MisId, PartnerId, SchoolId, app_keys, demo, synthetic};
use gatehouse_model::{Extract, ExtractKind, Relationship, Scope, SelectionChoice};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::held_extracts::push_released;
use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::ingestion::{agent_key, connected_school, demo_school, push_ok, spawn_app_with_extract, today};

pub(crate) async fn get(app: &TestApp, key: &str, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(key).send().await.unwrap()
}

/// Every record of a resource, following cursors; returns the records and the final sync token.
pub(crate) async fn read_all(
    app: &TestApp,
    key: &str,
    school: &str,
    resource: &str,
    query: &str,
) -> (Vec<Value>, String) {
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
pub(crate) async fn change_link(app: &TestApp, school: &str, change: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let app_id = AppId::parse(demo::DEMO_APP).unwrap();
    let school = SchoolId::parse(school).unwrap();
    change_item(app, gatehouse_core::keys::Key::SchoolLink(&app_id, &school), change).await;
}

/// Changes a stored item's attributes in place, as a later version of it.
pub(crate) async fn change_item(
    app: &TestApp,
    key: gatehouse_core::keys::Key<'_>,
    change: impl FnOnce(&mut serde_json::Map<String, Value>),
) {
    let table = &app.server.gatehouse.table;
    let mut item = table.get(&key.pk(), &key.sk()).await.unwrap().unwrap();
    change(&mut item.attributes);
    let version = item.version;
    item.version += 1;
    table.put(item, Condition::VersionIs(version)).await.unwrap();
}

pub(crate) async fn select(app: &TestApp, school: &str, mis_id: &str, choice: SelectionChoice) {
    let app_id = AppId::parse(demo::DEMO_APP).unwrap();
    let school = SchoolId::parse(school).unwrap();
    let mis_id = MisId::parse(mis_id).unwrap();
    let asked = PersonChoice { app_id: &app_id, school_id: &school, mis_id: &mis_id, choice, by: "Test Office" };
    people::set_selection(&app.server.gatehouse, &asked).await.unwrap();
}

async fn other_app_key(app: &TestApp) -> String {
    let partner = PartnerId::parse(demo::OTHER_PARTNER).unwrap();
    let other = AppId::parse(demo::OTHER_APP).unwrap();
    let now = app.clock.now();
    app_keys::ensure_demo_key(app.server.gatehouse.table.as_ref(), &partner, &other, None, now).await.unwrap()
}

#[tokio::test]
async fn a_full_sync_pages_in_a_stable_order_with_only_granted_flags() {
    let (app, school, _) = spawn_app_with_extract(&synthetic::school(11, 50, today())).await;
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
    let (app, school, agent) = spawn_app_with_extract(&synthetic::school(12, 60, today())).await;
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
    assert_eq!(ids(&again), std::slice::from_ref(&excluded));
    assert!(again[0]["deleted"].is_null());
}

#[tokio::test]
async fn exclude_all_shares_only_selected_persons_and_a_mode_change_expires_tokens() {
    let extract = synthetic::school(13, 30, today());
    let (app, school, _) = spawn_app_with_extract(&extract).await;
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
    // Shared before the switch, so the app is told the rule; an id never
    // shared gets the one answer for any such id (#18).
    assert_eq!(explained["reason"], "not_selected");
    let unknown: Value =
        get(&app, key, &format!("/api/v1/schools/{school}/explain?mis_id=STU99999")).await.json().await.unwrap();
    assert_eq!(unknown["reason"], "not_shared");

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
    let (connected, agent) = connected_school(&app).await;
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
    // A school id that does not parse is no school's: not found (#13, `path_ids`).
    assert_problem(get(&app, &demo_key, "/api/v1/schools/not%20an%20id/students").await, 404, "not_found").await;

    // An agent key speaks for its own school only: pushing with another
    // school's key changes nothing here.
    let other_agent = agent_key(&app, &paused).await;
    push_ok(&app, &other_agent, &synthetic::school(15, 5, today())).await;
    let (students, _) = read_all(&app, &demo_key, &connected, "students", "").await;
    assert_eq!(students.len(), 12);
    let status: Value = get(&app, &other_agent, "/api/agent/v1/status").await.json().await.unwrap();
    assert_eq!(status["school_id"], paused.as_str());
}

/// Whose selection a property-test case changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Student,
    Staff,
    Contact,
}

/// What one property-test case sets up.
#[derive(Debug, Clone)]
struct Case {
    seed: u64,
    students: u32,
    exclude_all: bool,
    paused: bool,
    granted: Vec<Scope>,
    /// (whose, index, choice), applied in order: the first half before the
    /// first sync, the rest after it.
    selections: Vec<(Target, usize, SelectionChoice)>,
    /// Push a round of changes after the first sync.
    changes: bool,
    /// After the first sync, the MIS points contact `.0` at pupil `.1` alone.
    relink: Option<(usize, usize)>,
    /// After the first sync, the school switches its GDPR mode.
    switch_mode: bool,
    /// Where the school's consent stands (#12).
    consent: Consent,
    /// #16: persons the school erases after the first sync; the full
    /// extract is then pushed again, carrying them.
    erase: Vec<(Target, usize)>,
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

prop_compose! {
    /// A random case, each field drawn by the strategy beside its name.
    fn case()(
        seed in any::<u64>(),
        students in 4u32..24,
        exclude_all in any::<bool>(),
        paused in prop::bool::weighted(0.15),
        granted in any_granted(),
        selections in prop::collection::vec((any_target(), 0usize..64, any_choice()), 0..10),
        changes in any::<bool>(),
        relink in prop::option::weighted(0.5, (0usize..64, 0usize..64)),
        switch_mode in prop::bool::weighted(0.2),
        consent in prop_oneof![
            6 => Just(Consent::Granted),
            1 => Just(Consent::AwaitingVerification),
            1 => Just(Consent::AwaitingSchoolApproval),
            1 => Just(Consent::PastRevokeDate),
            1 => Just(Consent::Superseded),
        ],
        erase in prop::collection::vec((any_target(), 0usize..64), 0..3),
    ) -> Case {
        Case { seed, students, exclude_all, paused, granted, selections, changes, relink, switch_mode, consent, erase }
    }
}

/// Any part of what the demo app requests, in its order.
fn any_granted() -> impl Strategy<Value = Vec<Scope>> {
    let requested = demo::demo_requested_scopes().into_iter().collect::<Vec<_>>();
    let most = requested.len();
    proptest::sample::subsequence(requested, 0..=most)
}

/// A school's choice for one person, each as likely.
fn any_choice() -> impl Strategy<Value = SelectionChoice> {
    prop_oneof![Just(SelectionChoice::Include), Just(SelectionChoice::Exclude), Just(SelectionChoice::Default)]
}

/// Whose a choice or an erasure is: pupils most often.
fn any_target() -> impl Strategy<Value = Target> {
    prop_oneof![3 => Just(Target::Student), 1 => Just(Target::Staff), 1 => Just(Target::Contact)]
}

/// #16: the school's admin erases a person, through the portal's rule.
pub(crate) async fn erase(app: &TestApp, school: &str, mis_id: &str) {
    let session = gatehouse_core::records::SchoolSessionRecord {
        email: gatehouse_model::EmailAddress::parse("head@school.example").unwrap(),
        display_name: "Hana Head".into(),
        role: "Head".into(),
        access: gatehouse_model::TeamRole::Admin,
        school_id: SchoolId::parse(school).unwrap(),
        urn: "100000".into(),
        school_name: "Test School".into(),
        created_at: app.clock.now(),
    };
    let mis_id = MisId::parse(mis_id).unwrap();
    gatehouse_core::school::person_requests::erase(&app.server.gatehouse, &session, &mis_id).await.unwrap();
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
            app.save_permission_set(&partner, "demo-app", json!(requested)).await;
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

/// The data API's lists and the scope each needs.
const RESOURCES: [(&str, Scope); 4] =
    [("students", Scope::Students), ("staff", Scope::Staff), ("contacts", Scope::Contacts), ("groups", Scope::Groups)];

fn by_id(records: &[Value]) -> HashMap<String, Value> {
    records.iter().map(|record| (record["id"].as_str().unwrap().to_owned(), record.clone())).collect()
}

/// The school's MIS data and choices as the property test tracks them: the
/// oracle each answer is checked against.
struct World {
    exclude_all: bool,
    granted: Vec<Scope>,
    choices: HashMap<String, SelectionChoice>,
    staff: Vec<String>,
    /// Each contact's pupils, in the MIS's order.
    pupils_of: BTreeMap<String, Vec<String>>,
    /// Each group's pupils and staff.
    groups: BTreeMap<String, (Vec<String>, Vec<String>)>,
    /// Persons the school erased (#16): never shared again.
    erased: HashSet<String>,
}

impl World {
    fn new(extract: &Extract, case: &Case) -> Self {
        World {
            exclude_all: case.exclude_all,
            granted: case.granted.clone(),
            choices: HashMap::new(),
            staff: extract.staff.iter().map(|staff| staff.id.clone()).collect(),
            pupils_of: extract
                .contacts
                .iter()
                .map(|contact| {
                    (contact.id.clone(), contact.relationships.iter().map(|r| r.student_id.clone()).collect())
                })
                .collect(),
            groups: extract
                .groups
                .iter()
                .map(|group| (group.id.clone(), (group.student_ids.clone(), group.staff_ids.clone())))
                .collect(),
            erased: HashSet::new(),
        }
    }

    /// Whether the GDPR mode and the school's choice share this person.
    fn shared(&self, id: &str) -> bool {
        if self.erased.contains(id) {
            return false;
        }
        match self.choices.get(id) {
            Some(SelectionChoice::Include) => true,
            Some(SelectionChoice::Exclude) => false,
            _ => !self.exclude_all,
        }
    }

    fn granted(&self, scope: Scope) -> bool {
        self.granted.contains(&scope)
    }

    /// The persons of `ids` an app sees named in another record.
    fn named(&self, ids: &[String], scope: Scope) -> Vec<String> {
        ids.iter().filter(|id| self.granted(scope) && self.shared(id)).cloned().collect()
    }

    /// The ids a full read of `resource` returns, where the test knows them
    /// all (pupils join and leave by `synthetic::changes`).
    fn expected(&self, resource: &str) -> Option<BTreeSet<String>> {
        match resource {
            "staff" => Some(self.staff.iter().filter(|id| self.shared(id)).cloned().collect()),
            "contacts" => Some(
                self.pupils_of
                    .iter()
                    .filter(|(id, pupils)| self.shared(id) && pupils.iter().any(|pupil| self.shared(pupil)))
                    .map(|(id, _)| id.clone())
                    .collect(),
            ),
            "groups" => Some(self.groups.keys().cloned().collect()),
            _ => None,
        }
    }

    /// A record (not a deletion) shows no person and no field the app may
    /// not see: no hidden pupil anywhere, no contact of hidden pupils only.
    fn check(&self, resource: &str, record: &Value) {
        let id = record["id"].as_str().unwrap();
        assert_ne!(record["deleted"], true);
        let listed = |field: &str| -> Vec<String> {
            record[field].as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_owned()).collect()
        };
        match resource {
            "students" => {
                assert!(self.shared(id), "{id} returned but not shared");
                let fields = record.as_object().unwrap();
                for (field, scope) in FLAG_SCOPES {
                    assert_eq!(fields.contains_key(field), self.granted(scope), "{field} on {id}");
                }
            }
            "staff" => assert!(self.shared(id), "staff {id} returned but not shared"),
            "contacts" => {
                assert!(self.shared(id), "contact {id} returned but not shared");
                let pupils = &self.pupils_of[id];
                assert!(pupils.iter().any(|pupil| self.shared(pupil)), "contact {id} of hidden pupils only: {record}");
                let related: Vec<String> = record["relationships"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|relationship| relationship["student_id"].as_str().unwrap().to_owned())
                    .collect();
                assert_eq!(related, self.named(pupils, Scope::Students), "relationships of contact {id}");
            }
            "groups" => {
                let (pupils, staff) = &self.groups[id];
                assert_eq!(listed("student_ids"), self.named(pupils, Scope::Students), "pupils of group {id}");
                assert_eq!(listed("staff_ids"), self.named(staff, Scope::Staff), "staff of group {id}");
            }
            other => panic!("no resource {other}"),
        }
    }
}

async fn check(case: Case) {
    let extract = synthetic::school(case.seed, case.students, today());
    let (app, school, agent) = spawn_app_with_extract(&extract).await;
    let granted: Vec<String> = case.granted.iter().map(|scope| scope.as_str().to_owned()).collect();
    change_link(&app, &school, |link| {
        link.insert("granted_scopes".into(), json!(granted));
        link.insert("gdpr_mode".into(), json!(if case.exclude_all { "Exclude All" } else { "Include All" }));
        link.insert("feed_status".into(), json!(if case.paused { "Paused" } else { "Enabled" }));
    })
    .await;
    let key = app.server.demo_app_key.clone();
    let mut world = World::new(&extract, &case);
    let id_of = |target: Target, index: usize| match target {
        Target::Student => extract.students[index % extract.students.len()].id.clone(),
        Target::Staff => extract.staff[index % extract.staff.len()].id.clone(),
        Target::Contact => extract.contacts[index % extract.contacts.len()].id.clone(),
    };
    let half = case.selections.len() / 2;
    for (target, index, choice) in &case.selections[..half] {
        let id = id_of(*target, *index);
        world.choices.insert(id.clone(), *choice);
        select(&app, &school, &id, *choice).await;
    }
    let persons: Vec<String> = (extract.students.iter().map(|s| s.id.clone()))
        .chain(extract.staff.iter().map(|s| s.id.clone()))
        .chain(extract.contacts.iter().map(|c| c.id.clone()))
        .collect();
    let refused = withhold(&app, &school, case.consent).await;
    if case.consent != Consent::Granted {
        let first = &extract.students[0].id;
        for path in ["students", "staff", "contacts", "groups", &format!("students/{first}")] {
            let response = get(&app, &key, &format!("/api/v1/schools/{school}/{path}")).await;
            assert_problem(response, 403, refused).await;
        }
        for id in &persons {
            let explained: Value =
                get(&app, &key, &format!("/api/v1/schools/{school}/explain?mis_id={id}")).await.json().await.unwrap();
            assert_eq!(explained["shared"], false, "{id} under {:?}: {explained}", case.consent);
        }
        oneroster_shows(&app, &key, &school, &world, None).await;
        return;
    }
    if case.paused {
        for (resource, _) in RESOURCES {
            let response = get(&app, &key, &format!("/api/v1/schools/{school}/{resource}")).await;
            assert_problem(response, 403, "feed_paused").await;
        }
        oneroster_shows(&app, &key, &school, &world, None).await;
        return;
    }

    // The first sync: every resource the school granted, in full.
    let mut synced = Vec::new();
    let mut returned: HashSet<String> = HashSet::new();
    for (resource, scope) in RESOURCES {
        if !world.granted(scope) {
            let response = get(&app, &key, &format!("/api/v1/schools/{school}/{resource}")).await;
            assert_problem(response, 403, "scope_not_granted").await;
            continue;
        }
        let (full, token) = read_all(&app, &key, &school, resource, "").await;
        for record in &full {
            world.check(resource, record);
        }
        let held = by_id(&full);
        if let Some(expected) = world.expected(resource) {
            assert_eq!(held.keys().cloned().collect::<BTreeSet<_>>(), expected, "a full read of {resource}");
        }
        if resource != "groups" {
            returned.extend(held.keys().cloned());
        }
        synced.push((resource, held, token));
    }
    oneroster_shows(&app, &key, &school, &world, Some(&users_of(&school, &synced))).await;
    for id in persons.iter().chain(std::iter::once(&"STU99999".to_owned())) {
        let explained: Value =
            get(&app, &key, &format!("/api/v1/schools/{school}/explain?mis_id={id}")).await.json().await.unwrap();
        assert_eq!(explained["shared"] == true, returned.contains(id), "explain disagrees for {id}: {explained}");
    }

    // The school and the MIS change things.
    for (target, index, choice) in &case.selections[half..] {
        let id = id_of(*target, *index);
        world.choices.insert(id.clone(), *choice);
        select(&app, &school, &id, *choice).await;
    }
    for (target, index) in &case.erase {
        let id = id_of(*target, *index);
        erase(&app, &school, &id).await;
        world.erased.insert(id);
    }
    if !case.erase.is_empty() {
        // The next extract carries them all the same.
        push_released(&app, &agent, &school, &extract).await;
    }
    if case.switch_mode {
        world.exclude_all = !world.exclude_all;
        let mode = if world.exclude_all { "Exclude All" } else { "Include All" };
        change_link(&app, &school, |link| {
            link.insert("gdpr_mode".into(), json!(mode));
        })
        .await;
    }
    if case.changes {
        push_released(&app, &agent, &school, &synthetic::changes(case.seed, case.students, today(), 1)).await;
    }
    if let Some((contact, pupil)) = case.relink {
        let mut moved = extract.contacts[contact % extract.contacts.len()].clone();
        let pupil = extract.students[pupil % extract.students.len()].id.clone();
        moved.relationships = vec![Relationship {
            student_id: pupil.clone(),
            relationship: "Carer".into(),
            parental_responsibility: true,
            priority: 1,
        }];
        world.pupils_of.insert(moved.id.clone(), vec![pupil]);
        let delta = Extract {
            kind: ExtractKind::Delta,
            students: vec![],
            staff: vec![],
            contacts: vec![moved],
            groups: vec![],
            deleted: vec![],
        };
        push_ok(&app, &agent, &delta).await;
    }

    // From each token, a delta brings the app to what a full read returns;
    // after a mode switch it is told to sync in full.
    let mut now = Vec::new();
    for (resource, mut held, token) in synced {
        if case.switch_mode {
            let response = get(&app, &key, &format!("/api/v1/schools/{school}/{resource}?since={token}")).await;
            assert_problem(response, 410, "sync_token_expired").await;
        } else {
            let (delta, _) = read_all(&app, &key, &school, resource, &format!("&since={token}")).await;
            for record in &delta {
                let id = record["id"].as_str().unwrap().to_owned();
                if record["deleted"] == true {
                    assert_eq!(record.as_object().unwrap().len(), 2, "a deletion is its id only: {record}");
                    held.remove(&id);
                } else {
                    world.check(resource, record);
                    held.insert(id, record.clone());
                }
            }
        }
        let (full, _) = read_all(&app, &key, &school, resource, "").await;
        for record in &full {
            world.check(resource, record);
        }
        if let Some(expected) = world.expected(resource) {
            assert_eq!(by_id(&full).keys().cloned().collect::<BTreeSet<_>>(), expected, "{resource} after changes");
        }
        if !case.switch_mode {
            assert_eq!(held, by_id(&full), "{resource}: the first sync and the delta make the full read");
        }
        now.push((resource, by_id(&full), String::new()));
    }
    oneroster_shows(&app, &key, &school, &world, Some(&users_of(&school, &now))).await;
    for id in &world.erased {
        let explained: Value =
            get(&app, &key, &format!("/api/v1/schools/{school}/explain?mis_id={id}")).await.json().await.unwrap();
        assert_eq!(explained["shared"], false, "erased {id} explained as shared: {explained}");
    }
}

/// The OneRoster `sourcedId`s of the persons full native reads returned.
fn users_of(school: &str, reads: &[(&str, HashMap<String, Value>, String)]) -> BTreeSet<String> {
    let mut users = BTreeSet::new();
    for (resource, held, _) in reads {
        let kind = match *resource {
            "students" => "s",
            "staff" => "w",
            "contacts" => "c",
            _ => continue,
        };
        users.extend(held.keys().map(|id| format!("{school}~{kind}~{id}")));
    }
    users
}

/// #17: OneRoster shows the school's persons the native reads returned
/// (`users`), no one else, in any collection, list or count, and no flag
/// not granted; with `None`, nothing of the school at all.
async fn oneroster_shows(app: &TestApp, key: &str, school: &str, world: &World, users: Option<&BTreeSet<String>>) {
    use crate::oneroster::{read_every, roster};
    let mine = |objects: Vec<Value>| -> Vec<Value> {
        objects
            .into_iter()
            .filter(|object| object["sourcedId"].as_str().unwrap().starts_with(&format!("{school}~")))
            .collect()
    };
    let ids = |objects: &[Value]| -> BTreeSet<String> {
        objects.iter().map(|object| object["sourcedId"].as_str().unwrap().to_owned()).collect()
    };
    // Pages of 1000: every demo school is in these collections.
    let everyone = mine(read_every(app, key, "users?limit=1000", "users").await);
    let Some(users) = users else {
        assert!(everyone.is_empty(), "a school the app may not read shows no one: {everyone:?}");
        assert_eq!(roster(app, key, &format!("schools/{school}/students")).await.status(), 404);
        let orgs = read_every(app, key, "orgs?limit=1000", "orgs").await;
        assert!(orgs.iter().all(|org| org["sourcedId"] != school), "{orgs:?}");
        return;
    };
    assert_eq!(&ids(&everyone), users, "OneRoster's users are the native reads' persons");
    let students = read_every(app, key, &format!("schools/{school}/students"), "users").await;
    let pupils: BTreeSet<String> = users.iter().filter(|id| id.contains("~s~")).cloned().collect();
    assert_eq!(ids(&students), pupils);
    let teachers = read_every(app, key, &format!("schools/{school}/teachers"), "users").await;
    assert!(ids(&teachers).is_subset(users));
    for enrollment in read_every(app, key, &format!("schools/{school}/enrollments"), "enrollments").await {
        let user = enrollment["user"]["sourcedId"].as_str().unwrap();
        assert!(users.contains(user), "an enrollment names {user}, who is not shared");
    }
    for contact in everyone.iter().filter(|user| user["sourcedId"].as_str().unwrap().contains("~c~")) {
        for pupil in contact["agents"].as_array().into_iter().flatten() {
            assert!(pupils.contains(pupil["sourcedId"].as_str().unwrap()), "a contact names a hidden pupil");
        }
    }
    let demographics = mine(read_every(app, key, "demographics?limit=1000", "demographics").await);
    assert_eq!(ids(&demographics), pupils);
    const FLAGS: [(&str, Scope); 7] = [
        ("gatehouse.pupilPremium", Scope::PupilPremium),
        ("gatehouse.freeSchoolMeals", Scope::FreeSchoolMeals),
        ("gatehouse.senStatus", Scope::SenStatus),
        ("gatehouse.serviceChild", Scope::ServiceChild),
        ("gatehouse.moreAble", Scope::MoreAble),
        ("gatehouse.lookedAfter", Scope::LookedAfter),
        ("gatehouse.homeLanguage", Scope::HomeLanguage),
    ];
    for about in &demographics {
        for (name, scope) in FLAGS {
            if !world.granted(scope) {
                assert!(about["metadata"].get(name).is_none(), "{name} not granted: {about}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn no_read_returns_a_person_or_field_not_granted(case in case()) {
        tokio::runtime::Runtime::new().unwrap().block_on(check(case));
    }
}

#[tokio::test]
async fn contacts_of_hidden_pupils_are_hidden_and_a_delta_resends_what_a_selection_changes() {
    let extract = synthetic::school(16, 40, today());
    let (app, school, _) = spawn_app_with_extract(&extract).await;
    let key = &app.server.demo_app_key;
    let only_child = extract.contacts.iter().find(|c| c.relationships.len() == 1).unwrap();
    let pupil = only_child.relationships[0].student_id.clone();
    let family = extract.contacts.iter().find(|c| c.relationships.len() >= 2).expect("siblings sharing a contact");
    let (contacts, contacts_token) = read_all(&app, key, &school, "contacts", "").await;
    let (_, groups_token) = read_all(&app, key, &school, "groups", "").await;
    assert!(ids(&contacts).contains(&only_child.id));

    // The school excludes the pupil: their contact goes, and so do they from their groups.
    select(&app, &school, &pupil, SelectionChoice::Exclude).await;
    let (now, _) = read_all(&app, key, &school, "contacts", "").await;
    assert!(!ids(&now).contains(&only_child.id), "the contact of a hidden pupil is hidden");
    let (delta, _) = read_all(&app, key, &school, "contacts", &format!("&since={contacts_token}")).await;
    assert!(delta.contains(&json!({ "id": only_child.id, "deleted": true })), "the delta says so: {delta:?}");
    let (groups, next_groups_token) = read_all(&app, key, &school, "groups", &format!("&since={groups_token}")).await;
    let containing: BTreeSet<String> =
        extract.groups.iter().filter(|g| g.student_ids.contains(&pupil)).map(|g| g.id.clone()).collect();
    assert_eq!(ids(&groups).into_iter().collect::<BTreeSet<_>>(), containing, "the pupil's groups are sent again");
    assert!(groups.iter().all(|group| !group["student_ids"].as_array().unwrap().contains(&json!(pupil))));
    let explained: Value = get(&app, key, &format!("/api/v1/schools/{school}/explain?mis_id={}", only_child.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((explained["reason"].as_str(), explained["shared"].as_bool()), (Some("no_shared_pupil"), Some(false)));

    // Back to the default: the groups have the pupil again.
    select(&app, &school, &pupil, SelectionChoice::Default).await;
    let (groups, _) = read_all(&app, key, &school, "groups", &format!("&since={next_groups_token}")).await;
    assert_eq!(ids(&groups).into_iter().collect::<BTreeSet<_>>(), containing);
    assert!(groups.iter().all(|group| group["student_ids"].as_array().unwrap().contains(&json!(pupil))));

    // One sibling hidden: the family's contact stays, naming the others only.
    let first = family.relationships[0].student_id.clone();
    select(&app, &school, &first, SelectionChoice::Exclude).await;
    let (now, _) = read_all(&app, key, &school, "contacts", "").await;
    let shown = now.iter().find(|c| c["id"] == family.id.as_str()).expect("the family's contact stays");
    let named: Vec<&str> =
        shown["relationships"].as_array().unwrap().iter().map(|r| r["student_id"].as_str().unwrap()).collect();
    let others: Vec<&str> = family.relationships[1..].iter().map(|r| r.student_id.as_str()).collect();
    assert_eq!(named, others);
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
