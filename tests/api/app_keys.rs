//! A1 app credentials and A6 invite by API.

use gatehouse_core::demo::{COLLEAGUE_EMAIL, OTHER_EMAIL};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_as_demo};

const KEYS: &str = "/api/partner/apps/demo-app/keys";

async fn invite_by_api(app: &TestApp, secret: &str, key: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/v1/invitations")).bearer_auth(secret).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

fn invitation(urn: &str) -> Value {
    json!({
        "urn": urn,
        "school_contact": { "name": "Api Contact", "email": "api.contact@school.example" },
        "contact_may_authorise": true,
        "partner_contact": "onboarding@partner.example"
    })
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_works_and_stops_when_revoked() {
    let (app, demo) = spawn_app_as_demo().await;
    let created = app.post_ok(&demo, KEYS, json!({ "label": "Production sync" })).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 43, "256 bits, base64url");
    let key_id = created["key"]["key_id"].as_str().unwrap().to_owned();
    let listed = app.get_ok(&demo, KEYS).await;
    let ours = |list: &Value| list["keys"].as_array().unwrap().iter().find(|k| k["key_id"] == key_id.as_str()).cloned();
    assert_eq!(ours(&listed).expect("listed")["label"], "Production sync");
    assert!(!listed.to_string().contains(&secret), "the list never shows the secret");

    // Only the hash is stored.
    let hash = gatehouse_core::Token::parse("t", &secret).unwrap().hash();
    let lookup = gatehouse_core::keys::Key::AppKey(&hash);
    let table = app.server.gatehouse.table.clone();
    let stored = table.get(&lookup.pk(), &lookup.sk()).await.unwrap().expect("stored by hash");
    assert!(!serde_json::to_string(&stored.attributes).unwrap().contains(&secret));

    let outcome = invite_by_api(&app, &secret, Some("req-1"), &invitation("140001")).await;
    assert_eq!(outcome.status(), 200);
    let outcome: Value = outcome.json().await.unwrap();
    assert_eq!(outcome["school"]["view"], "pending");
    assert_eq!(outcome["school"]["log"][0]["actor"], "Demo Timetabler (API)");
    assert_eq!(outcome["school"]["row"]["partner_contact"], "onboarding@partner.example");
    // A retry with the same key is the same answer and sends nothing more.
    let retry: Value = invite_by_api(&app, &secret, Some("req-1"), &invitation("140001")).await.json().await.unwrap();
    assert_eq!(retry, outcome);
    assert_eq!(app.emails_to("api.contact@school.example").await.len(), 1);
    // Without the key, the second invitation is refused in words.
    assert_problem(invite_by_api(&app, &secret, None, &invitation("140001")).await, 409, "already_invited").await;
    // The partner sees it in Pending.
    let pending = app.get_ok(&demo, "/api/partner/schools?view=pending&q=140001").await;
    assert_eq!(pending["total"], 1);

    let revoked = app.post_ok(&demo, &format!("{KEYS}/{key_id}/revoke"), json!({})).await;
    assert!(ours(&revoked).expect("still listed")["revoked_at"].is_string());
    let refused = invite_by_api(&app, &secret, None, &invitation("140007")).await;
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    assert_problem(refused, 401, "invalid_credentials").await;
    // Revoking again changes nothing.
    app.post_ok(&demo, &format!("{KEYS}/{key_id}/revoke"), json!({})).await;
}

#[tokio::test]
async fn keys_are_for_admins_of_the_owning_partner_and_bad_keys_learn_nothing() {
    let (app, demo) = spawn_app_as_demo().await;
    let colleague = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    assert_problem(app.post(&colleague, KEYS, json!({ "label": "x" })).await, 403, "forbidden").await;
    assert_eq!(app.get_ok(&colleague, KEYS).await["can_manage"], false);
    assert_problem(app.get(&other, KEYS).await, 404, "not_found").await;
    assert_problem(app.post(&other, KEYS, json!({ "label": "x" })).await, 404, "not_found").await;
    let created = app.post_ok(&demo, KEYS, json!({ "label": "Sync" })).await;
    let key_id = created["key"]["key_id"].as_str().unwrap();
    let other_revoke = app.post(&other, &format!("/api/partner/apps/other-app/keys/{key_id}/revoke"), json!({})).await;
    assert_problem(other_revoke, 404, "not_found").await;
    assert_problem(app.post(&demo, KEYS, json!({ "label": " " })).await, 400, "invalid").await;

    for bad in ["", "junk", gatehouse_core::Token::generate().unwrap().expose()] {
        assert_problem(invite_by_api(&app, bad, None, &invitation("140001")).await, 401, "invalid_credentials").await;
    }
    let no_header = app.client.post(app.url("/api/v1/invitations")).json(&invitation("140001")).send().await.unwrap();
    assert_problem(no_header, 401, "invalid_credentials").await;
    // A session cookie is not an API key.
    let with_cookie = demo.post(app.url("/api/v1/invitations")).json(&invitation("140001")).send().await.unwrap();
    assert_problem(with_cookie, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn the_local_demo_key_works_at_once_and_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let first = gatehouse_local::start(gatehouse_local::LocalConfig::new(data.path().to_owned())).await.unwrap();
    let key = first.demo_app_key.clone();
    let kept = std::fs::read_to_string(data.path().join(gatehouse_local::DEMO_APP_KEY_FILE)).unwrap();
    assert_eq!(kept.trim(), key);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/invitations", first.url))
        .bearer_auth(&key)
        .json(&invitation("140001"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let oneroster = || -> Value {
        let text = std::fs::read_to_string(data.path().join(gatehouse_local::DEMO_ONEROSTER_FILE)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let client = oneroster();
    assert_eq!(client["token_url"], format!("{}/oauth/token", first.url));
    assert_eq!(client["base_url"], format!("{}/ims/oneroster/rostering/v1p2", first.url));
    let token = reqwest::Client::new()
        .post(client["token_url"].as_str().unwrap())
        .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200, "the demo's OAuth client buys a token (#17)");
    first.stop().await.unwrap();

    let second = gatehouse_local::start(gatehouse_local::LocalConfig::new(data.path().to_owned())).await.unwrap();
    assert_eq!(second.demo_app_key, key, "the same key after a restart");
    let again = oneroster();
    assert_eq!((&again["client_id"], &again["client_secret"]), (&client["client_id"], &client["client_secret"]));
    second.stop().await.unwrap();
}

async fn app_get(app: &TestApp, secret: &str, path: &str) -> Value {
    let response = app.client.get(app.url(path)).bearer_auth(secret).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_app_sees_its_own_schools_and_their_connection_states_only() {
    let (app, demo) = spawn_app_as_demo().await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let secret = app.post_ok(&demo, KEYS, json!({ "label": "Sync" })).await["secret"].as_str().unwrap().to_owned();
    let other_secret =
        app.post_ok(&other, "/api/partner/apps/other-app/keys", json!({ "label": "Sync" })).await["secret"]
            .as_str()
            .unwrap()
            .to_owned();

    let schools = app_get(&app, &secret, "/api/v1/schools").await;
    let list = schools["schools"].as_array().unwrap();
    assert_eq!(list.len(), 60, "active, pending and revoked");
    assert!(list.iter().all(|school| school["school_id"].as_str().unwrap().starts_with("328")));
    let states: std::collections::BTreeSet<&str> = list.iter().map(|s| s["state"].as_str().unwrap()).collect();
    for state in ["not_authorised", "not_installed", "feed_paused", "revoked", "connected"] {
        assert!(states.contains(state), "{state} in {states:?}");
    }
    // Facts agree with the state.
    for school in list {
        let connected = school["state"] == "connected";
        assert_eq!(
            connected,
            school["authorised"] == true && school["installed"] == true && school["feed_enabled"] == true
        );
        if school["authorised"] == false {
            assert_eq!(school["scopes"], json!([]), "nothing readable without an authorisation");
        }
    }

    let pending = app_get(&app, &secret, "/api/v1/schools/3280008/status").await;
    assert_eq!((pending["state"].clone(), pending["invited"].clone()), (json!("not_authorised"), json!(true)));
    // Another partner's school, or none at all, is simply not invited.
    for unknown in ["4510001", "9999999", "not-a-school"] {
        let status = app_get(&app, &secret, &format!("/api/v1/schools/{unknown}/status")).await;
        assert_eq!(status["state"], "awaiting_invitation", "{unknown}");
        assert_eq!(status["name"], "", "nothing about another partner's school");
    }
    let theirs = app_get(&app, &other_secret, "/api/v1/schools").await;
    assert!(theirs["schools"].as_array().unwrap().iter().all(|s| s["school_id"].as_str().unwrap().starts_with("451")));

    // An authorised school shows what the app may read.
    let status = app_get(&app, &secret, "/api/v1/schools/3280001/status").await;
    assert!(status["scopes"].as_array().unwrap().contains(&json!("students")));
    assert_problem(app.client.get(app.url("/api/v1/schools")).send().await.unwrap(), 401, "invalid_credentials").await;
}
