//! #13 "parse at the edge": the ids in a path are parsed into the domain's
//! types before any handler runs, and one that is not an id's shape (bad
//! characters, too long, the wrong form) is answered exactly as an unknown
//! well-formed id is: a 404 `not_found` naming the same record, so an id's
//! shape tells a caller nothing.

use gatehouse_core::synthetic;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_as_demo};
use crate::ingestion::{demo_school, spawn_app_with_extract, today};

/// What a 404 says, without its request id.
async fn not_found(response: reqwest::Response) -> Value {
    let body = assert_problem(response, 404, "not_found").await;
    json!({ "title": body["title"], "detail": body["detail"], "type": body["type"] })
}

/// `path` with each of `malformed` in place of `{id}` answers as `unknown` does.
async fn like_unknown(
    app: &TestApp,
    client: &reqwest::Client,
    post: bool,
    path: &str,
    unknown: &str,
    malformed: &[&str],
) {
    let send = |id: &str| {
        let url = app.url(&path.replace("{id}", id));
        if post { client.post(url).json(&json!({})).send() } else { client.get(url).send() }
    };
    let expected = not_found(send(unknown).await.unwrap()).await;
    for id in malformed {
        assert_eq!(not_found(send(id).await.unwrap()).await, expected, "{path} with {id:?}");
    }
}

#[tokio::test]
async fn a_malformed_app_or_key_id_is_an_unknown_app_or_key() {
    let (app, demo) = spawn_app_as_demo().await;
    let long = "a".repeat(65);
    let apps: &[&str] = &[&long, "demo%20app", "demo.app", "%C3%A9cole", "..%2F..", "%7Bapp_id%7D"];
    like_unknown(&app, &demo, false, "/api/partner/apps/{id}/keys", "no-such-app", apps).await;
    like_unknown(&app, &demo, false, "/api/partner/apps/{id}/permissions", "no-such-app", apps).await;
    like_unknown(&app, &demo, false, "/api/partner/webhooks/{id}/deliveries", "no-such-app", apps).await;
    like_unknown(&app, &demo, false, "/api/partner/webhooks/{id}", "other-app", apps).await;
    let keys: &[&str] = &[&long, "a.b", "a%20b", "%25"];
    like_unknown(&app, &demo, true, "/api/partner/apps/demo-app/keys/{id}/revoke", "abcdef123456", keys).await;
    let deliveries: &[&str] = &["evt", "evt-1.ab", "evt.a.b", &long];
    like_unknown(&app, &demo, true, "/api/partner/webhooks/demo-app/deliveries/{id}/redeliver", "evt_1.ab", deliveries)
        .await;
}

#[tokio::test]
async fn a_case_id_of_the_wrong_form_is_an_unknown_case() {
    let (app, demo) = spawn_app_as_demo().await;
    let malformed: &[&str] = &["GH-12", "gh-000001", "GH-0000001234567", "000001", "GH-00000a", "GH-000001%20"];
    like_unknown(&app, &demo, false, "/api/partner/cases/{id}", "GH-999999", malformed).await;
    like_unknown(&app, &demo, true, "/api/partner/cases/{id}/close", "GH-999999", malformed).await;
    let ops = app.signed_in_portal_client("ops", gatehouse_core::demo::DEMO_OPS_EMAIL).await;
    like_unknown(&app, &ops, false, "/api/ops/cases/{id}", "GH-999999", malformed).await;
    like_unknown(
        &app,
        &ops,
        true,
        "/api/ops/international-requests/{id}/accept",
        "IR-20261123-00000000",
        &["IR_1", "ir-20261123-00000000", "IR-a.b"],
    )
    .await;
}

#[tokio::test]
async fn a_malformed_school_id_is_an_unknown_school_for_partner_and_ops() {
    let (app, demo) = spawn_app_as_demo().await;
    let long = "3".repeat(65);
    let malformed: &[&str] = &["not%20a%20school", &long, "3280003.1", "..%2F.."];
    like_unknown(&app, &demo, false, "/api/partner/schools/{id}", "9999999", malformed).await;
    like_unknown(&app, &demo, false, "/api/partner/schools/{id}/receipts/1", "9999999", malformed).await;
    // An app named in the query is read the same way.
    let apps: &[&str] = &["", "bad%20app", &"a".repeat(65)];
    like_unknown(&app, &demo, false, "/api/partner/schools/3280003?app={id}", "no-such-app", apps).await;
    like_unknown(&app, &demo, false, "/api/partner/schools/3280003/receipts/1?app={id}", "no-such-app", apps).await;
    let ops = app.signed_in_portal_client("ops", gatehouse_core::demo::DEMO_OPS_EMAIL).await;
    like_unknown(&app, &ops, true, "/api/ops/schools/{id}/agent-key", "9999999", malformed).await;
    like_unknown(&app, &ops, true, "/api/ops/install-bookings/{id}/installed", "999999", malformed).await;
    // A receipt number is digits from 1, exactly.
    let school = app.signed_in_portal_client("school", gatehouse_core::demo::DEMO_SCHOOL_EMAIL).await;
    like_unknown(&app, &school, false, "/api/school/apps/demo-app/receipts/{id}", "9999", &["0", "02", "+2", "x"])
        .await;
}

#[tokio::test]
async fn the_data_api_refuses_a_malformed_school_or_student_as_not_found() {
    let (app, school, _) = spawn_app_with_extract(&synthetic::school(21, 5, today())).await;
    let get = |path: String| app.client.get(app.url(&path)).bearer_auth(&app.server.demo_app_key).send();
    // A student id the app cannot have been shared: as one it was not.
    let unknown = not_found(get(format!("/api/v1/schools/{school}/students/S-NEVER-1")).await.unwrap()).await;
    for student in ["a%20b", "a%2Fb", &"s".repeat(65)] {
        let answer = get(format!("/api/v1/schools/{school}/students/{student}")).await.unwrap();
        assert_eq!(not_found(answer).await, unknown, "{student}");
    }
    // A school id that cannot be one: no school has it.
    for path in ["/api/v1/schools/not%20an%20id/students", "/api/v1/schools/a.b/status"] {
        let answer = not_found(get(path.to_owned()).await.unwrap()).await;
        assert_eq!(answer["detail"], "School not found.", "{path}");
    }
}

#[tokio::test]
async fn a_path_id_is_read_only_after_the_caller_is_known() {
    let app = spawn_app().await;
    let anonymous = app.client.get(app.url("/api/partner/apps/not%20an%20app/keys")).send().await.unwrap();
    assert_problem(anonymous, 401, "sign_in_required").await;
    let connected = demo_school(&app, "connected").await;
    let no_key = app.client.get(app.url(&format!("/api/v1/schools/{connected}/students/a%20b"))).send().await.unwrap();
    assert_problem(no_key, 401, "invalid_credentials").await;
}
