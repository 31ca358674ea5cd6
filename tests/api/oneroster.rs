//! #17 OneRoster 1.2 rostering under `/ims/oneroster/rostering/v1p2`, from
//! the outside: a token from `/oauth/token`, each collection, paging by
//! `Link` with nothing twice or missed, filters, `fields`, nested lists,
//! one object, the token's scopes, the binding's refusals, and deltas.
//! The privacy property (`data_api.rs`) holds OneRoster to the native read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::Duration;
use gatehouse_core::ports::Clock;
use gatehouse_core::synthetic;
use gatehouse_model::oneroster::{ONEROSTER_BASE, SCOPE_ROSTER, SCOPE_ROSTER_CORE, SCOPE_ROSTER_DEMOGRAPHICS};
use gatehouse_model::{Extract, ExtractKind, GroupKind, SelectionChoice};
use serde_json::Value;

use crate::data_api::{change_item, change_link, erase, read_all, select};
use crate::helpers::{TestApp, spawn_app};
use crate::ingestion::{connected_school, push_ok, today};
use crate::oauth::{basic, new_client, token_request};

/// An access token of a new OAuth client of the demo app, for `scope` (all
/// three OneRoster scopes when empty).
pub(crate) async fn access_token(app: &TestApp, scope: &str) -> String {
    let partner = app.signed_in_client(gatehouse_core::demo::DEMO_EMAIL).await;
    let (client_id, secret) = new_client(app, &partner).await;
    let form = if scope.is_empty() {
        "grant_type=client_credentials".to_owned()
    } else {
        format!("grant_type=client_credentials&scope={}", url_encode(scope))
    };
    let response = token_request(app, Some(&basic(&client_id, &secret)), &form).await;
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The 1.2 binding's data types, written out in `tests/schemas/`.
const BINDING: &str = include_str!("../schemas/oneroster-v1p2.schema.json");

/// Each envelope's keys (a page, one object) and the binding's type inside.
const ENVELOPES: &[(&str, &str, &str)] = &[
    ("orgs", "org", "Org"),
    ("academicSessions", "academicSession", "AcademicSession"),
    ("classes", "class", "Class"),
    ("courses", "course", "Course"),
    ("users", "user", "User"),
    ("enrollments", "enrollment", "Enrollment"),
    ("demographics", "demographics", "Demographics"),
];

/// Fails unless `instance` is a `definition` of the binding, as a strict
/// client would parse it: required fields, vocabularies, date formats, and
/// no field the binding does not define.
pub(crate) fn assert_binding_type(definition: &str, instance: &Value) {
    let validator = binding_validator(definition);
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|error| format!("{}: {error}", error.instance_path())).collect();
    assert!(errors.is_empty(), "not a {definition} of OneRoster 1.2: {errors:#?}\n{instance:#}");
}

/// The validator of one of the binding's definitions, compiled once per
/// test process: the property test checks hundreds of pages.
fn binding_validator(definition: &str) -> Arc<jsonschema::Validator> {
    static COMPILED: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let mut compiled = COMPILED.get_or_init(Mutex::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let validator = compiled.entry(definition.to_owned()).or_insert_with(|| {
        let mut schema: Value = serde_json::from_str(BINDING).expect("the binding's schema is JSON");
        schema["$ref"] = Value::String(format!("#/$defs/{definition}"));
        Arc::new(jsonschema::options().should_validate_formats(true).build(&schema).expect("a valid schema"))
    });
    validator.clone()
}

/// Fails unless `body` is an envelope of the binding: a page of objects, or one.
pub(crate) fn assert_binding(body: &Value) {
    let Some((key, inner)) =
        body.as_object().filter(|envelope| envelope.len() == 1).and_then(|envelope| envelope.iter().next())
    else {
        panic!("an envelope has one key: {body}");
    };
    let (.., name) = ENVELOPES
        .iter()
        .find(|(page, one, _)| page == key || one == key)
        .unwrap_or_else(|| panic!("no envelope '{key}' in the binding"));
    let definition = if inner.is_array() { format!("{name}Set") } else { format!("Single{name}") };
    assert_binding_type(&definition, body);
}

/// One object read by its path, checked against the binding.
pub(crate) async fn read_one(app: &TestApp, bearer: &str, path: &str) -> Value {
    let response = roster(app, bearer, path).await;
    assert_eq!(response.status(), 200, "{path}");
    let body: Value = response.json().await.unwrap();
    assert_binding(&body);
    body
}

/// A rostering read of `path` (below the base, with its query).
pub(crate) async fn roster(app: &TestApp, bearer: &str, path: &str) -> reqwest::Response {
    app.client.get(app.url(&format!("{ONEROSTER_BASE}/{path}"))).bearer_auth(bearer).send().await.unwrap()
}

/// Every object of a collection read, following `Link: rel="next"` from a
/// first page of 7 objects (unless `path` asks for another `limit`);
/// checks each page's envelope against the binding (unless `fields` cut its
/// objects short, as the binding allows) and its total.
pub(crate) async fn read_every(app: &TestApp, bearer: &str, path: &str, key: &str) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let limit = if path.contains("limit=") { String::new() } else { format!("{separator}limit=7") };
    let mut url = app.url(&format!("{ONEROSTER_BASE}/{path}{limit}"));
    let mut objects = Vec::new();
    let mut total = None;
    loop {
        let response = app.client.get(&url).bearer_auth(bearer).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let count: usize = response.headers()["x-total-count"].to_str().unwrap().parse().unwrap();
        assert_eq!(*total.get_or_insert(count), count, "the total stays put across pages");
        let next = next_link(response.headers());
        let page: Value = response.json().await.unwrap();
        if !path.contains("fields=") {
            assert_binding(&page);
        }
        objects.extend(page[key].as_array().unwrap_or_else(|| panic!("no '{key}' in {page}")).iter().cloned());
        match next {
            // Links name the public address; the test server is elsewhere.
            Some(next) => url = app.url(&next[next.find("/ims/").unwrap()..]),
            None => break,
        }
    }
    let ids: BTreeSet<&str> = objects.iter().map(|object| object["sourcedId"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), objects.len(), "no object twice across pages of {path}");
    assert_eq!(Some(objects.len()), total, "pages hold the whole selection of {path}");
    objects
}

fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let links = headers.get("link")?.to_str().ok()?;
    links.split(", ").find(|link| link.ends_with("rel=\"next\"")).map(|link| {
        let start = link.find('<').unwrap() + 1;
        link[start..link.find('>').unwrap()].to_owned()
    })
}

/// The binding's refusal: status, class and a sentence.
pub(crate) async fn assert_status_info(response: reqwest::Response, status: u16, code_minor: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    assert_binding_type("StatusInfo", &body);
    assert_eq!(body["imsx_codeMajor"], "failure", "{body}");
    assert_eq!(body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"], code_minor, "{body}");
    assert!(body["imsx_description"].as_str().is_some_and(|text| text.len() > 10), "{body}");
    body
}

fn sourced_ids(objects: &[Value]) -> BTreeSet<String> {
    objects.iter().map(|object| object["sourcedId"].as_str().unwrap().to_owned()).collect()
}

/// A school of the demo app with `extract`, and an access token.
async fn school_with(extract: &Extract) -> (TestApp, String, String, String) {
    let app = spawn_app().await;
    let (school, agent) = connected_school(&app).await;
    push_ok(&app, &agent, extract).await;
    let token = access_token(&app, "").await;
    (app, school, agent, token)
}

#[tokio::test]
async fn a_token_reads_a_schools_pupils_as_users_page_by_page() {
    let extract = synthetic::school(31, 30, today());
    let (app, school, _, token) = school_with(&extract).await;
    let key = app.server.demo_app_key.clone();

    let users = read_every(&app, &token, &format!("schools/{school}/students"), "users").await;
    let (native, _) = read_all(&app, &key, &school, "students", "").await;
    let native: BTreeSet<String> =
        native.iter().map(|record| format!("{school}~s~{}", record["id"].as_str().unwrap())).collect();
    assert_eq!(sourced_ids(&users), native, "the pupils the native read shares, no more");
    let pupil = &extract.students[0];
    let user = users.iter().find(|user| user["identifier"] == pupil.id.as_str()).unwrap();
    assert_eq!(user["status"], "active");
    assert_eq!(user["givenName"], pupil.first_name.as_str());
    assert_eq!(user["roles"][0]["role"], "student");
    assert_eq!(user["primaryOrg"]["sourcedId"], school.as_str());
    let public = &app.server.gatehouse.settings.public_url;
    assert_eq!(user["primaryOrg"]["href"], format!("{public}{ONEROSTER_BASE}/orgs/{school}"), "absolute, to follow");
    assert_eq!(user["metadata"]["gatehouse.yearGroup"], pupil.year_group.as_str());
    assert!(user["dateLastModified"].as_str().unwrap().ends_with('Z'), "{user}");

    // The same pupils by an API key, and in the all-schools collection.
    let by_key = read_every(&app, &key, &format!("schools/{school}/students"), "users").await;
    assert_eq!(sourced_ids(&by_key), sourced_ids(&users));
    let everyone = read_every(&app, &token, "students", "users").await;
    let here: BTreeSet<String> =
        sourced_ids(&everyone).into_iter().filter(|id| id.starts_with(&format!("{school}~"))).collect();
    assert_eq!(here, sourced_ids(&users));

    // The school, its year and terms.
    let orgs = read_every(&app, &token, "orgs", "orgs").await;
    let org = orgs.iter().find(|org| org["sourcedId"] == school.as_str()).expect("the school is an org");
    assert_eq!((org["type"].as_str(), org["identifier"].as_str()), (Some("school"), Some(school.as_str())));
    let terms = read_every(&app, &token, &format!("schools/{school}/terms"), "academicSessions").await;
    assert_eq!(terms.len(), 3);
    assert!(terms.iter().all(|term| term["type"] == "term" && term["schoolYear"] == "2027"), "{terms:?}");
    let one = read_one(&app, &token, &format!("schools/{school}")).await;
    assert_eq!(one["org"]["name"], org["name"]);

    // The Link header: first, next and last keep the other parameters.
    let response = roster(&app, &token, &format!("schools/{school}/students?limit=5&offset=5&sort=familyName")).await;
    let links = response.headers()["link"].to_str().unwrap().to_owned();
    for rel in ["first", "prev", "next", "last"] {
        assert!(links.contains(&format!("rel=\"{rel}\"")), "{links}");
    }
    assert!(links.contains("sort=familyName"), "{links}");
    let public = format!("<{public}{ONEROSTER_BASE}/");
    assert!(links.starts_with(&public), "absolute links to the public address: {links}");
}

#[tokio::test]
async fn filters_sorting_and_fields_shape_the_answer_and_bad_ones_are_refused_in_the_bindings_form() {
    let extract = synthetic::school(32, 30, today());
    let (app, school, _, token) = school_with(&extract).await;
    let pupil = &extract.students[3];

    let path = format!("schools/{school}/students?filter={}", url_encode(&format!("givenName='{}'", pupil.first_name)));
    let found = read_every(&app, &token, &path, "users").await;
    assert!(!found.is_empty() && found.iter().all(|user| user["givenName"] == pupil.first_name.as_str()));
    let both = format!("identifier='{}' OR identifier='{}'", pupil.id, extract.students[4].id);
    let found = read_every(&app, &token, &format!("students?filter={}", url_encode(&both)), "users").await;
    assert_eq!(found.len(), 2, "{found:?}");
    let staff = url_encode("roles.role='teacher' AND familyName~'a'");
    let teachers = read_every(&app, &token, &format!("users?filter={staff}"), "users").await;
    assert!(teachers.iter().all(|user| user["roles"][0]["role"] == "teacher"
        && user["familyName"].as_str().unwrap().to_lowercase().contains('a')));

    let sorted =
        read_every(&app, &token, &format!("schools/{school}/students?sort=familyName&orderBy=desc"), "users").await;
    let names: Vec<&str> = sorted.iter().map(|user| user["familyName"].as_str().unwrap()).collect();
    assert!(names.windows(2).all(|pair| pair[0] >= pair[1]), "{names:?}");

    let page: Value = roster(&app, &token, &format!("schools/{school}/students?fields=sourcedId,givenName,shoeSize"))
        .await
        .json()
        .await
        .unwrap();
    for user in page["users"].as_array().unwrap() {
        let keys: BTreeSet<&str> = user.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["givenName", "sourcedId"]));
    }

    for (path, status, class) in [
        ("students?filter=shoeSize%3D'9'", 400, "invalid_filter_field"),
        ("students?filter=givenName%3D", 400, "invalid_filter_field"),
        ("students?sort=shoeSize", 400, "invalid_sort_field"),
        ("students?fields=shoeSize", 400, "invalid_selection_field"),
        ("students?limit=0", 400, "invaliddata"),
        ("students?offset=-1", 400, "invaliddata"),
        ("students?orderBy=sideways", 400, "invaliddata"),
        ("pupils", 404, "unknownobject"),
        ("students/no-such-id", 404, "unknownobject"),
        ("users/100000~s~STU00001/enrollments", 404, "unknownobject"),
    ] {
        assert_status_info(roster(&app, &token, path).await, status, class).await;
    }
    let unauthorised = app.client.get(app.url(&format!("{ONEROSTER_BASE}/users"))).send().await.unwrap();
    assert_eq!(unauthorised.headers()["www-authenticate"], "Bearer realm=\"gatehouse\"");
    assert_status_info(unauthorised, 401, "unauthorisedrequest").await;
    assert_status_info(roster(&app, "not-a-token-at-all-0000", "users").await, 401, "unauthorisedrequest").await;
}

#[tokio::test]
async fn classes_enrollments_and_the_lists_under_one_object_follow_the_groups() {
    let extract = synthetic::school(33, 40, today());
    let (app, school, _, token) = school_with(&extract).await;
    let group = extract.groups.iter().find(|group| !group.staff_ids.is_empty() && group.student_ids.len() > 2).unwrap();
    let class_id = format!("{school}~g~{}", group.id);

    let class = read_one(&app, &token, &format!("classes/{class_id}")).await;
    assert_eq!(class["class"]["title"], group.name.as_str());
    assert_eq!(class["class"]["school"]["sourcedId"], school.as_str());
    let course_id = class["class"]["course"]["sourcedId"].as_str().unwrap().to_owned();
    let course = read_one(&app, &token, &format!("courses/{course_id}")).await;
    assert_eq!(course["course"]["title"], group.name.as_str());

    let students = read_every(&app, &token, &format!("classes/{class_id}/students"), "users").await;
    let expected: BTreeSet<String> = group.student_ids.iter().map(|id| format!("{school}~s~{id}")).collect();
    assert_eq!(sourced_ids(&students), expected);
    let teachers = read_every(&app, &token, &format!("classes/{class_id}/teachers"), "users").await;
    let expected: BTreeSet<String> = group.staff_ids.iter().map(|id| format!("{school}~w~{id}")).collect();
    assert_eq!(sourced_ids(&teachers), expected);
    let enrollments = read_every(&app, &token, &format!("classes/{class_id}/enrollments"), "enrollments").await;
    assert_eq!(enrollments.len(), group.student_ids.len() + group.staff_ids.len());
    let primary: Vec<&Value> = enrollments.iter().filter(|enrollment| enrollment["primary"] == true).collect();
    assert_eq!(primary.len(), 1, "one primary teacher");
    assert_eq!(primary[0]["role"], "teacher");

    // A pupil's classes are the classes (not year groups) holding them.
    let pupil = &group.student_ids[0];
    let classes = read_every(&app, &token, &format!("users/{school}~s~{pupil}/classes"), "classes").await;
    let expected: BTreeSet<String> = extract
        .groups
        .iter()
        .filter(|group| group.kind != gatehouse_model::GroupKind::YearGroup && group.student_ids.contains(pupil))
        .map(|group| format!("{school}~g~{}", group.id))
        .collect();
    assert_eq!(sourced_ids(&classes), expected);
    let school_classes = read_every(&app, &token, &format!("schools/{school}/classes"), "classes").await;
    let all_enrollments = read_every(&app, &token, &format!("schools/{school}/enrollments"), "enrollments").await;
    let in_classes: BTreeSet<&str> =
        all_enrollments.iter().map(|enrollment| enrollment["class"]["sourcedId"].as_str().unwrap()).collect();
    assert!(in_classes.iter().all(|class| sourced_ids(&school_classes).contains(*class)));

    // A pupil the school excluded is in no class, list or count, and their id reads as unknown.
    select(&app, &school, pupil, SelectionChoice::Exclude).await;
    let students = read_every(&app, &token, &format!("classes/{class_id}/students"), "users").await;
    assert!(!sourced_ids(&students).contains(&format!("{school}~s~{pupil}")));
    let enrollments = read_every(&app, &token, &format!("classes/{class_id}/enrollments"), "enrollments").await;
    assert!(enrollments.iter().all(|enrollment| enrollment["user"]["sourcedId"] != format!("{school}~s~{pupil}")));
    assert_status_info(roster(&app, &token, &format!("users/{school}~s~{pupil}")).await, 404, "unknownobject").await;
    let refused = roster(&app, &token, &format!("users/{school}~s~{pupil}/classes")).await;
    assert_status_info(refused, 404, "unknownobject").await;
}

#[tokio::test]
async fn a_tokens_scopes_and_the_schools_grant_bound_what_it_reads() {
    let extract = synthetic::school(34, 20, today());
    let (app, school, _, _) = school_with(&extract).await;

    let core = access_token(&app, SCOPE_ROSTER_CORE).await;
    assert_eq!(roster(&app, &core, "students").await.status(), 200);
    for path in ["enrollments", "demographics", &format!("schools/{school}/students")] {
        let refused = assert_status_info(roster(&app, &core, path).await, 403, "forbidden").await;
        assert!(refused["imsx_description"].as_str().unwrap().contains("scope"), "{refused}");
    }
    let full = access_token(&app, SCOPE_ROSTER).await;
    assert_eq!(roster(&app, &full, "enrollments").await.status(), 200);
    assert_status_info(roster(&app, &full, "demographics").await, 403, "forbidden").await;
    let demographics = access_token(&app, SCOPE_ROSTER_DEMOGRAPHICS).await;
    assert_status_info(roster(&app, &demographics, "users").await, 403, "forbidden").await;

    // Demographics carry the birth date, and each flag only when the school granted it.
    let pupil = &extract.students[0];
    let id = format!("{school}~s~{}", pupil.id);
    let read = |token: String| {
        let app = &app;
        let id = id.clone();
        async move { read_one(app, &token, &format!("demographics/{id}")).await }
    };
    let shown = read(demographics.clone()).await;
    assert_eq!(shown["demographics"]["birthDate"], pupil.date_of_birth.as_str());
    assert!(shown["demographics"]["metadata"].get("gatehouse.pupilPremium").is_some(), "{shown}");
    change_link(&app, &school, |link| {
        link.insert("granted_scopes".into(), serde_json::json!(["students", "staff", "contacts", "groups"]));
    })
    .await;
    let shown = read(demographics.clone()).await;
    assert!(shown["demographics"].get("metadata").is_none(), "no flag granted, none shown: {shown}");

    // The feed paused: the school's roster is unreadable, and gone from every collection.
    change_link(&app, &school, |link| {
        link.insert("feed_status".into(), serde_json::json!("Paused"));
    })
    .await;
    let refused = roster(&app, &full, &format!("schools/{school}/students")).await;
    assert_status_info(refused, 404, "unknownobject").await;
    let everyone = read_every(&app, &full, "users", "users").await;
    assert!(sourced_ids(&everyone).iter().all(|id| !id.starts_with(&format!("{school}~"))));
    let orgs = read_every(&app, &full, "orgs", "orgs").await;
    assert!(!sourced_ids(&orgs).contains(&school));
}

#[tokio::test]
async fn a_delta_by_date_brings_what_changed_and_what_went_away() {
    let extract = synthetic::school(35, 30, today());
    let (app, school, agent, token) = school_with(&extract).await;
    let users_here = format!("schools/{school}/students");
    let before = read_every(&app, &token, &users_here, "users").await;
    let mut held: BTreeMap<String, Value> =
        before.into_iter().map(|user| (user["sourcedId"].as_str().unwrap().to_owned(), user)).collect();
    let synced_at = app.clock.now();
    app.clock.advance(Duration::seconds(1));

    // The MIS changes and deletes pupils; the school hides one and shares one back.
    let changes = synthetic::changes(35, 30, today(), 1);
    assert!(!changes.deleted.is_empty() && !changes.students.is_empty());
    push_ok(&app, &agent, &changes).await;
    let hidden = extract.students.iter().find(|pupil| !changes.deleted.iter().any(|gone| gone.id == pupil.id)).unwrap();
    select(&app, &school, &hidden.id, SelectionChoice::Exclude).await;

    let since = synced_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let filter = url_encode(&format!("dateLastModified>'{since}'"));
    let delta = read_every(&app, &token, &format!("{users_here}?filter={filter}"), "users").await;
    let gone: BTreeSet<String> = delta
        .iter()
        .filter(|user| user["status"] == "tobedeleted")
        .map(|user| user["sourcedId"].as_str().unwrap().to_owned())
        .collect();
    assert!(gone.contains(&format!("{school}~s~{}", hidden.id)), "the hidden pupil: {gone:?}");
    for deleted in &changes.deleted {
        if held.contains_key(&format!("{school}~s~{}", deleted.id)) {
            assert!(gone.contains(&format!("{school}~s~{}", deleted.id)), "deleted {}: {gone:?}", deleted.id);
        }
    }
    for user in &delta {
        let id = user["sourcedId"].as_str().unwrap().to_owned();
        if user["status"] == "tobedeleted" {
            // Complete for a strict client (the page passed the binding), and nothing of the person.
            assert_eq!((&user["givenName"], &user["familyName"]), (&Value::from(""), &Value::from("")), "{user}");
            assert!(["metadata", "email", "phone", "agents", "grades"].iter().all(|key| user.get(key).is_none()));
            held.remove(&id);
        } else {
            assert!(user["dateLastModified"].as_str().unwrap() > since.as_str());
            held.insert(id, user.clone());
        }
    }
    // The hidden pupil leaves their classes too: their enrollments go, naming who and where.
    let enrollments_here = format!("schools/{school}/enrollments?filter={filter}");
    let enrollments = read_every(&app, &token, &enrollments_here, "enrollments").await;
    let pupil = format!("{school}~s~{}", hidden.id);
    let ended: Vec<&Value> =
        enrollments.iter().filter(|enrollment| enrollment["user"]["sourcedId"] == pupil.as_str()).collect();
    assert!(
        !ended.is_empty() && ended.iter().all(|enrollment| enrollment["status"] == "tobedeleted"),
        "{enrollments:#?}"
    );
    assert!(ended.iter().all(|enrollment| enrollment["role"] == "student" && enrollment["class"]["type"] == "class"));

    let now = read_every(&app, &token, &users_here, "users").await;
    let now: BTreeMap<String, Value> =
        now.into_iter().map(|user| (user["sourcedId"].as_str().unwrap().to_owned(), user)).collect();
    assert_eq!(held, now, "the first read and the delta make the roster now");
    // Without a date, nothing gone is listed.
    assert!(!sourced_ids(&now.into_values().collect::<Vec<_>>()).contains(&format!("{school}~s~{}", hidden.id)));

    // Sharing the pupil back brings them with the next delta.
    let later = app.clock.now();
    app.clock.advance(Duration::seconds(1));
    select(&app, &school, &hidden.id, SelectionChoice::Default).await;
    let since = later.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let filter = url_encode(&format!("dateLastModified>'{since}'"));
    let delta = read_every(&app, &token, &format!("{users_here}?filter={filter}"), "users").await;
    assert_eq!(sourced_ids(&delta), BTreeSet::from([format!("{school}~s~{}", hidden.id)]));
    assert_eq!(delta[0]["status"], "active");
}

#[tokio::test]
async fn an_enrollment_the_mis_ends_goes_with_the_next_delta_and_comes_back_with_the_member() {
    let extract = synthetic::school(36, 30, today());
    let (app, school, agent, token) = school_with(&extract).await;
    let group = extract
        .groups
        .iter()
        .find(|group| group.kind != GroupKind::YearGroup && group.student_ids.len() > 2)
        .expect("a class with pupils")
        .clone();
    let pupil = group.student_ids[0].clone();
    let enrollment = format!("{school}~e~{}~s~{pupil}", group.id);
    let class_enrollments = format!("classes/{school}~g~{}/enrollments", group.id);
    let delta_of = |since: chrono::DateTime<chrono::Utc>| {
        let since = url_encode(&format!("dateLastModified>'{}'", since.to_rfc3339()));
        format!("schools/{school}/enrollments?filter={since}")
    };
    let move_pupil = |out: bool| {
        let mut group = group.clone();
        if out {
            group.student_ids.retain(|id| *id != pupil);
        }
        Extract {
            kind: ExtractKind::Delta,
            students: vec![],
            staff: vec![],
            contacts: vec![],
            groups: vec![group],
            deleted: vec![],
        }
    };

    // The MIS takes the pupil out of the class; they stay at the school.
    let synced_at = app.clock.now();
    app.clock.advance(Duration::seconds(1));
    push_ok(&app, &agent, &move_pupil(true)).await;
    let delta = read_every(&app, &token, &delta_of(synced_at), "enrollments").await;
    let ended = delta.iter().find(|object| object["sourcedId"] == enrollment.as_str()).expect("the ended enrollment");
    assert_eq!(ended["status"], "tobedeleted");
    assert_eq!(ended["user"]["sourcedId"], format!("{school}~s~{pupil}"));
    let now = read_every(&app, &token, &class_enrollments, "enrollments").await;
    assert!(!sourced_ids(&now).contains(&enrollment), "no longer in the class");
    read_one(&app, &token, &format!("students/{school}~s~{pupil}")).await;
    // Deltas before the change, or after it, never mention it again.
    let later = app.clock.now();
    app.clock.advance(Duration::seconds(1));
    let quiet = read_every(&app, &token, &delta_of(later), "enrollments").await;
    assert!(!sourced_ids(&quiet).contains(&enrollment), "{quiet:#?}");

    // Back in the class: the next delta enrols them again, and nothing says they left.
    push_ok(&app, &agent, &move_pupil(false)).await;
    let delta = read_every(&app, &token, &delta_of(later), "enrollments").await;
    let back: Vec<&Value> = delta.iter().filter(|object| object["sourcedId"] == enrollment.as_str()).collect();
    assert_eq!(back.len(), 1, "{back:#?}");
    assert_eq!(back[0]["status"], "active");

    // Erased, they leave the class with their tombstone: the app drops both.
    let before_erasure = app.clock.now();
    app.clock.advance(Duration::seconds(1));
    erase(&app, &school, &pupil).await;
    let delta = read_every(&app, &token, &delta_of(before_erasure), "enrollments").await;
    let ended = delta.iter().find(|object| object["sourcedId"] == enrollment.as_str()).expect("ended by the erasure");
    assert_eq!(ended["status"], "tobedeleted");
}

#[tokio::test]
async fn a_delta_reaching_past_what_gatehouse_keeps_is_refused_for_a_full_read() {
    let extract = synthetic::school(37, 10, today());
    let (app, school, _, token) = school_with(&extract).await;
    let delta = |since: chrono::DateTime<chrono::Utc>| {
        format!(
            "schools/{school}/students?filter={}",
            url_encode(&format!("dateLastModified>'{}'", since.to_rfc3339()))
        )
    };
    // Deletions are kept as long as a native sync token lasts: older deltas would miss some.
    let kept = chrono::Duration::days(gatehouse_core::people::SYNC_TOKEN_DAYS);
    read_every(&app, &token, &delta(app.clock.now() - kept + Duration::hours(1)), "users").await;
    let refused = assert_status_info(
        roster(&app, &token, &delta(app.clock.now() - kept - Duration::hours(1))).await,
        400,
        "invaliddata",
    )
    .await;
    assert!(refused["imsx_description"].as_str().unwrap().contains("without a dateLastModified filter"), "{refused}");
    // The same for any lower bound in the filter, whatever else it asks.
    let either = format!("dateLastModified>='2020-01-01T00:00:00Z' OR givenName='{}'", extract.students[0].first_name);
    assert_status_info(
        roster(&app, &token, &format!("students?filter={}", url_encode(&either))).await,
        400,
        "invaliddata",
    )
    .await;

    // A school whose MIS cache was cleared (#16) has lost its tombstones from before.
    let synced_at = app.clock.now();
    app.clock.advance(Duration::minutes(10));
    let school_id = gatehouse_core::SchoolId::parse(&school).unwrap();
    change_item(&app, gatehouse_core::keys::Key::SchoolFeed(&school_id), |feed| {
        feed.insert("last_purged_at".into(), serde_json::json!(app.clock.now()));
    })
    .await;
    let refused = assert_status_info(roster(&app, &token, &delta(synced_at)).await, 400, "invaliddata").await;
    assert!(refused["imsx_description"].as_str().unwrap().contains("cleared"), "{refused}");
    app.clock.advance(Duration::seconds(1));
    read_every(&app, &token, &delta(app.clock.now() - Duration::milliseconds(500)), "users").await;

    // The school changes its GDPR mode, then the partner its permission set: a person
    // shown or hidden by either changed no record, so no delta from before could list them.
    for who in ["school", "partner"] {
        let before = app.clock.now();
        app.clock.advance(Duration::seconds(1));
        if who == "school" {
            let portal = app.signed_in_portal_client("school", gatehouse_core::demo::DEMO_SCHOOL_EMAIL).await;
            let mode = serde_json::json!({ "gdpr_mode": "Exclude All" });
            app.post_ok(&portal, "/api/school/apps/demo-app/settings", mode).await;
        } else {
            let partner = app.signed_in_client(gatehouse_core::demo::DEMO_EMAIL).await;
            app.save_permission_set(&partner, "demo-app", serde_json::json!(["students", "groups"])).await;
        }
        let refused = assert_status_info(roster(&app, &token, &delta(before)).await, 400, "invaliddata").await;
        assert!(refused["imsx_description"].as_str().unwrap().contains("shares with your app"), "{who}: {refused}");
        app.clock.advance(Duration::seconds(1));
        read_every(&app, &token, &delta(app.clock.now() - Duration::milliseconds(500)), "users").await;
    }
}
