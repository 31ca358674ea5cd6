//! #17 OAuth 2.0 client credentials at `POST /oauth/token` (RFC 6749 §4.4):
//! each refusal the RFC names, the token's life, and what it may read.

use base64::Engine;
use chrono::Duration;
use gatehouse_core::demo::OTHER_EMAIL;
use gatehouse_model::oneroster::{SCOPE_ROSTER, SCOPE_ROSTER_CORE, SCOPE_ROSTER_DEMOGRAPHICS};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_as_demo};

const KEYS: &str = "/api/partner/apps/demo-app/keys";
const TOKEN: &str = "/oauth/token";
const SCHOOLS: &str = "/api/v1/schools";

/// A new OAuth client of the demo app: its id and secret.
pub(crate) async fn new_client(app: &TestApp, demo: &reqwest::Client) -> (String, String) {
    let created = app.post_ok(demo, KEYS, json!({ "label": "OneRoster sync", "kind": "oauth_client" })).await;
    assert_eq!(created["key"]["kind"], "oauth_client");
    (created["key"]["key_id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

pub(crate) fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

pub(crate) async fn token_request(app: &TestApp, authorization: Option<&str>, form: &str) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(TOKEN))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    request.send().await.unwrap()
}

/// An OAuth refusal: its status, `error`, never cached, and a sentence.
async fn assert_oauth_error(response: reqwest::Response, status: u16, error: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let www_authenticate = response.headers().get("www-authenticate").map(|value| value.to_str().unwrap().to_owned());
    assert_eq!(www_authenticate.as_deref(), (status == 401).then_some("Basic realm=\"gatehouse\""));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].as_str().is_some_and(|text| text.len() > 10), "{body}");
    body
}

async fn read_schools(app: &TestApp, bearer: &str) -> reqwest::Response {
    app.client.get(app.url(SCHOOLS)).bearer_auth(bearer).send().await.unwrap()
}

#[tokio::test]
async fn a_client_buys_an_hours_token_that_reads_what_an_api_key_reads() {
    let (app, demo) = spawn_app_as_demo().await;
    let (client_id, secret) = new_client(&app, &demo).await;

    let response = token_request(&app, Some(&basic(&client_id, &secret)), "grant_type=client_credentials").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    assert_eq!(token["scope"], format!("{SCOPE_ROSTER_CORE} {SCOPE_ROSTER} {SCOPE_ROSTER_DEMOGRAPHICS}"));
    let access = token["access_token"].as_str().unwrap().to_owned();

    // The same schools the demo key reads, by the token.
    let by_token: Value = read_schools(&app, &access).await.json().await.unwrap();
    assert_eq!(by_token, app.get_ok_as_app(SCHOOLS).await);

    // The token is stored only as its hash, and dies with its hour.
    let hash = gatehouse_core::Token::parse("t", &access).unwrap().hash();
    let lookup = gatehouse_core::keys::Key::AppKey(&hash);
    let stored = app.server.gatehouse.table.get(&lookup.pk(), &lookup.sk()).await.unwrap().expect("stored by hash");
    assert!(!serde_json::to_string(&stored.attributes).unwrap().contains(&access));
    assert!(stored.expires_at.is_some(), "DynamoDB's TTL removes it");
    app.clock.advance(Duration::minutes(59) + Duration::seconds(59));
    assert_eq!(read_schools(&app, &access).await.status(), 200, "still in its hour");
    app.clock.advance(Duration::seconds(1));
    assert_problem(read_schools(&app, &access).await, 401, "invalid_credentials").await;

    // The form's fields work as Basic does, and a narrower scope is granted as asked.
    let form = format!(
        "grant_type=client_credentials&client_id={client_id}&client_secret={secret}&scope={}",
        SCOPE_ROSTER_CORE.replace(':', "%3A").replace('/', "%2F")
    );
    let narrower: Value = token_request(&app, None, &form).await.json().await.unwrap();
    assert_eq!(narrower["scope"], SCOPE_ROSTER_CORE);
    assert_eq!(read_schools(&app, narrower["access_token"].as_str().unwrap()).await.status(), 200);
}

#[tokio::test]
async fn revoking_the_client_ends_its_tokens_and_a_client_secret_is_no_api_key() {
    let (app, demo) = spawn_app_as_demo().await;
    let (client_id, secret) = new_client(&app, &demo).await;
    let token: Value = token_request(&app, Some(&basic(&client_id, &secret)), "grant_type=client_credentials")
        .await
        .json()
        .await
        .unwrap();
    let access = token["access_token"].as_str().unwrap().to_owned();
    assert_eq!(read_schools(&app, &access).await.status(), 200);

    // The secret itself reads nothing: it only buys tokens.
    assert_problem(read_schools(&app, &secret).await, 401, "invalid_credentials").await;
    // An API key is no client secret, under its own id or any other.
    let key = app.post_ok(&demo, KEYS, json!({ "label": "Plain key" })).await;
    let (key_id, key_secret) = (key["key"]["key_id"].as_str().unwrap(), key["secret"].as_str().unwrap());
    let with_key = token_request(&app, Some(&basic(key_id, key_secret)), "grant_type=client_credentials").await;
    assert_oauth_error(with_key, 401, "invalid_client").await;

    app.post_ok(&demo, &format!("{KEYS}/{client_id}/revoke"), json!({})).await;
    assert_problem(read_schools(&app, &access).await, 401, "invalid_credentials").await;
    let after = token_request(&app, Some(&basic(&client_id, &secret)), "grant_type=client_credentials").await;
    assert_oauth_error(after, 401, "invalid_client").await;
}

#[tokio::test]
async fn each_bad_token_request_gets_the_rfcs_error() {
    let (app, demo) = spawn_app_as_demo().await;
    let (client_id, secret) = new_client(&app, &demo).await;
    let good = basic(&client_id, &secret);
    let grant = "grant_type=client_credentials";

    // The client: unknown, a secret of another client's id, none at all, Basic that does not decode.
    let made_up = gatehouse_core::Token::generate().unwrap();
    for authorization in
        [basic(&client_id, made_up.expose()), basic("someone-else", &secret), basic(&client_id, "junk")]
    {
        assert_oauth_error(token_request(&app, Some(&authorization), grant).await, 401, "invalid_client").await;
    }
    assert_oauth_error(token_request(&app, None, grant).await, 401, "invalid_client").await;
    assert_oauth_error(token_request(&app, Some("Basic %%%"), grant).await, 401, "invalid_client").await;

    // The request: two ways of naming the client, half a pair, no grant, a repeated parameter, not a form.
    let both = format!("{grant}&client_id={client_id}&client_secret={secret}");
    assert_oauth_error(token_request(&app, Some(&good), &both).await, 400, "invalid_request").await;
    let half = format!("{grant}&client_id={client_id}");
    assert_oauth_error(token_request(&app, None, &half).await, 400, "invalid_request").await;
    assert_oauth_error(token_request(&app, Some(&good), "scope=").await, 400, "invalid_request").await;
    let twice = format!("{grant}&{grant}");
    assert_oauth_error(token_request(&app, Some(&good), &twice).await, 400, "invalid_request").await;
    let as_json = app
        .client
        .post(app.url(TOKEN))
        .header("authorization", &good)
        .json(&json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .unwrap();
    assert_oauth_error(as_json, 400, "invalid_request").await;

    // The grant and the scope.
    let password = token_request(&app, Some(&good), "grant_type=password").await;
    assert_oauth_error(password, 400, "unsupported_grant_type").await;
    let scope = token_request(&app, Some(&good), &format!("{grant}&scope=roster-core.readonly+admin")).await;
    let refused = assert_oauth_error(scope, 400, "invalid_scope").await;
    assert!(refused["error_description"].as_str().unwrap().contains("roster-core.readonly"), "{refused}");

    // The same client, asked properly, still gets its token.
    assert_eq!(token_request(&app, Some(&good), grant).await.status(), 200);
}

#[tokio::test]
async fn clients_are_made_by_the_owning_partners_admins_and_listed_with_their_id() {
    let (app, demo) = spawn_app_as_demo().await;
    let (client_id, _) = new_client(&app, &demo).await;
    let listed = app.get_ok(&demo, KEYS).await;
    let ours = listed["keys"].as_array().unwrap().iter().find(|key| key["key_id"] == client_id.as_str()).unwrap();
    assert_eq!(ours["kind"], "oauth_client");
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let body = json!({ "label": "x", "kind": "oauth_client" });
    assert_problem(app.post(&other, KEYS, body).await, 404, "not_found").await;
    let unknown_kind = app.post(&demo, KEYS, json!({ "label": "x", "kind": "saml" })).await;
    assert_problem(unknown_kind, 400, "invalid").await;
}
