//! A4 over HTTP: the partner sets a webhook, a school authorises, and a
//! local "app" receives the signed `authorisation.granted`; a failing
//! endpoint is retried, dead-lettered and redelivered; settings are the
//! admin's and the partner's own.

use std::time::Duration;

use gatehouse_core::demo::{COLLEAGUE_EMAIL, DEMO_APP, DEMO_EMAIL, OTHER_EMAIL};
use gatehouse_core::ports::Clock;
use gatehouse_core::webhooks::{self, DeliveryOutcome};
use gatehouse_tests::webhook_receiver::Receiver;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, beas_answers, new_client, spawn_app_as_demo, spawn_app_with, token_after,
};
use crate::wait;

const WEBHOOK: &str = "/api/partner/webhooks/demo-app";
const DELIVERIES: &str = "/api/partner/webhooks/demo-app/deliveries";
/// In the synthetic directory extract: an open school nobody has invited.
const DIRECTORY_SCHOOL: &str = "140004";

/// A server whose webhook consumer retries after 50 and 100 ms, not minutes.
async fn spawn_fast_retrying_app() -> TestApp {
    spawn_app_with(|config| config.webhook_retry_delays = vec![Duration::from_millis(50), Duration::from_millis(100)])
        .await
}

/// Sets the demo app's webhook to the receiver and has the receiver use the secret.
async fn point_webhook_at(app: &TestApp, admin: &reqwest::Client, receiver: &Receiver) -> Value {
    let saved = app.post_ok(admin, WEBHOOK, json!({ "url": receiver.url, "enabled": true })).await;
    let secret = saved["secret"].as_str().expect("the first save shows the secret");
    receiver.use_secret(secret);
    saved
}

/// Invites the directory school and completes the S2 wizard; returns its school id.
async fn authorise_a_school(app: &TestApp, admin: &reqwest::Client) -> String {
    let invitation = json!({
        "urn": DIRECTORY_SCHOOL,
        "school_contact": { "name": "Bea Bursar", "email": "bea@brookside-infant-school.example", "role": "Business Manager" },
        "contact_may_authorise": true
    });
    app.post_ok(admin, "/api/partner/invitations", invitation).await;
    let email = &app.emails_to("bea@brookside-infant-school.example").await[0];
    let token = token_after(&email.text, "/authorise#token=");
    let done = app.post_ok(&new_client(), "/api/invitations/authorise", beas_answers(&token, "Include All")).await;
    assert_eq!(done["state"], "authorised");
    let active = app.get_ok(admin, &format!("/api/partner/schools?q={DIRECTORY_SCHOOL}")).await;
    active["items"][0]["school_id"].as_str().expect("the school is active").to_owned()
}

/// Polls the deliveries until the first one has `status`.
async fn wait_for_status(app: &TestApp, client: &reqwest::Client, status: &str) -> Value {
    let reached = wait::until(|| async {
        let list = app.get_ok(client, DELIVERIES).await;
        (list["deliveries"][0]["status"] == status).then(|| list["deliveries"][0].clone())
    });
    match reached.await {
        Some(delivery) => delivery,
        None => panic!("no delivery reached {status}: {}", app.get_ok(client, DELIVERIES).await),
    }
}

#[tokio::test]
async fn authorising_a_school_posts_a_signed_authorisation_granted_once() {
    let (app, admin) = spawn_app_as_demo().await;
    let receiver = Receiver::start().await;

    let saved = point_webhook_at(&app, &admin, &receiver).await;
    let secret = saved["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{saved}");
    let settings = app.get_ok(&admin, WEBHOOK).await;
    assert_eq!((settings["url"].as_str(), settings["enabled"].as_bool()), (Some(receiver.url.as_str()), Some(true)));
    assert!(!settings.to_string().contains(&secret), "the secret is shown once: {settings}");
    assert!(settings["secret_hint"].as_str().is_some_and(|hint| secret.starts_with(hint.trim_end_matches('…'))));
    // Saving the same again makes no new secret.
    let again = app.post_ok(&admin, WEBHOOK, json!({ "url": receiver.url })).await;
    assert_eq!(again["secret"], Value::Null);

    let school_id = authorise_a_school(&app, &admin).await;
    let received = receiver.wait_for(1).await;
    let request = &received[0];
    assert!(request.signature_valid, "the signature checks out with the secret: {request:?}");
    assert_eq!(request.timestamp, Some(app.clock.now().timestamp()), "signed at Gatehouse's time");
    let event = &request.event;
    assert_eq!(event["type"], "authorisation.granted");
    assert_eq!(event["version"], 1);
    assert_eq!(event["app_id"], DEMO_APP);
    assert_eq!(event["school_id"], school_id);
    assert_eq!(event["time"], "2026-11-23T10:00:00.000Z");
    assert_eq!(event["scopes"], json!(["students", "groups"]));
    let id = event["id"].as_str().unwrap();
    assert!(id.starts_with("evt_"), "{event}");
    assert_eq!(request.event_id_header.as_deref(), Some(id));
    assert_eq!(request.attempt_header.as_deref(), Some("1"));
    for personal in ["Bea", "bea@brookside-infant-school.example", "Business Manager"] {
        assert!(!request.body.contains(personal), "ids only, never personal data: {}", request.body);
    }

    let delivery = wait_for_status(&app, &admin, "delivered").await;
    assert_eq!((delivery["event_id"].as_str(), delivery["attempts"].as_u64()), (Some(id), Some(1)));
    assert_eq!(
        (delivery["response_code"].as_u64(), delivery["url"].as_str()),
        (Some(200), Some(receiver.url.as_str()))
    );

    // The consumer running again on the same event (a Lambda retry, a
    // duplicate from EventBridge) does not deliver it twice.
    let outcome = webhooks::deliver(&app.server.gatehouse, event).await.unwrap();
    assert_eq!(outcome, DeliveryOutcome::AlreadyDelivered);
    // A second delivery would have been posted, and so received, before `deliver` returned.
    assert_eq!(receiver.received().len(), 1);

    // Switched off: the next event goes nowhere.
    let off = app.post_ok(&admin, WEBHOOK, json!({ "url": receiver.url, "enabled": false })).await;
    assert_eq!(off["settings"]["enabled"], false);
    let another = json!({ "id": "evt_01KBX3J5Z0000000000000000A", "type": "feed.paused", "version": 1,
        "time": "2026-11-23T10:00:00Z", "app_id": DEMO_APP, "school_id": school_id });
    let outcome = webhooks::deliver(&app.server.gatehouse, &another).await.unwrap();
    assert_eq!(outcome, DeliveryOutcome::NoWebhook);
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_then_dead_lettered_and_can_be_redelivered() {
    let app = spawn_fast_retrying_app().await;
    let admin = app.signed_in_client(DEMO_EMAIL).await;
    let receiver = Receiver::start().await;
    point_webhook_at(&app, &admin, &receiver).await;
    receiver.answer_with(500);

    authorise_a_school(&app, &admin).await;
    let dead = wait_for_status(&app, &admin, "dead_lettered").await;
    assert_eq!((dead["attempts"].as_u64(), dead["response_code"].as_u64()), (Some(3), Some(500)));
    assert!(dead["error"].as_str().is_some_and(|error| error.contains("500")), "{dead}");
    let received = receiver.received();
    assert_eq!(received.len(), 3, "one attempt and two retries: {received:?}");
    let attempts: Vec<_> = received.iter().map(|request| request.attempt_header.clone().unwrap()).collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    assert!(received.iter().all(|request| request.signature_valid && request.body == received[0].body));

    // The endpoint is fixed; Redeliver sends the same event again.
    receiver.answer_with(204);
    let path = format!("{DELIVERIES}/{}/redeliver", dead["delivery_id"].as_str().unwrap());
    let redelivered = app.post_ok(&admin, &path, json!({})).await;
    assert_eq!(redelivered["status"], "delivered");
    assert_eq!((redelivered["attempts"].as_u64(), redelivered["response_code"].as_u64()), (Some(4), Some(204)));
    let received = receiver.wait_for(4).await;
    assert!(received[3].signature_valid);
    assert_eq!(received[3].body, received[0].body, "the same event, byte for byte");
    assert_eq!(app.get_ok(&admin, DELIVERIES).await["deliveries"][0]["status"], "delivered");

    // After a rotation, deliveries are signed with the new secret only.
    let rotated = app.post_ok(&admin, &format!("{WEBHOOK}/rotate-secret"), json!({})).await;
    let new_secret = rotated["secret"].as_str().unwrap();
    app.post_ok(&admin, &path, json!({})).await;
    let received = receiver.wait_for(5).await;
    assert!(!received[4].signature_valid, "the receiver still has the old secret");
    receiver.use_secret(new_secret);
    app.post_ok(&admin, &path, json!({})).await;
    assert!(receiver.wait_for(6).await[5].signature_valid);

    let unknown = app.post(&admin, &format!("{DELIVERIES}/evt_nothing.abc/redeliver"), json!({})).await;
    assert_problem(unknown, 404, "not_found").await;
}

#[tokio::test]
async fn webhook_settings_belong_to_the_partner_and_change_only_by_an_admin() {
    let (app, admin) = spawn_app_as_demo().await;
    let member = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let receiver = Receiver::start().await;

    // Nothing to rotate before a URL is set.
    assert_problem(app.post(&admin, &format!("{WEBHOOK}/rotate-secret"), json!({})).await, 409, "conflict").await;
    // Bad URLs are refused, naming the field, and nothing is saved.
    for url in ["", "app.example/hook", "http://app.example/hook", "ftp://app.example", "https://a b.example"] {
        let refused = app.post(&admin, WEBHOOK, json!({ "url": url })).await;
        assert_eq!(assert_problem(refused, 400, "invalid").await["field"], "url", "{url:?}");
    }
    assert_eq!(app.get_ok(&admin, WEBHOOK).await["url"], Value::Null);
    point_webhook_at(&app, &admin, &receiver).await;

    // Another partner: as if the app did not exist.
    assert_problem(app.get(&other, WEBHOOK).await, 404, "not_found").await;
    assert_problem(app.get(&other, DELIVERIES).await, 404, "not_found").await;
    let hijack = app.post(&other, WEBHOOK, json!({ "url": "https://evil.example/hook" })).await;
    assert_problem(hijack, 404, "not_found").await;
    assert_problem(app.post(&other, &format!("{WEBHOOK}/rotate-secret"), json!({})).await, 404, "not_found").await;

    // A member sees it but cannot change it.
    let seen = app.get_ok(&member, WEBHOOK).await;
    assert_eq!((seen["url"].as_str(), seen["can_manage"].as_bool()), (Some(receiver.url.as_str()), Some(false)));
    assert_eq!(app.get_ok(&admin, WEBHOOK).await["can_manage"], true);
    let change = app.post(&member, WEBHOOK, json!({ "url": "https://elsewhere.example/hook" })).await;
    assert_problem(change, 403, "forbidden").await;
    assert_problem(app.post(&member, &format!("{WEBHOOK}/rotate-secret"), json!({})).await, 403, "forbidden").await;
    app.get_ok(&member, DELIVERIES).await;
    assert_eq!(app.get_ok(&admin, WEBHOOK).await["url"].as_str(), Some(receiver.url.as_str()), "unchanged");

    assert_problem(app.get(&new_client(), WEBHOOK).await, 401, "sign_in_required").await;
}

/// #18: a webhook cannot point inside: refused when saved in any spelling,
/// and an endpoint that cannot be reached is reported without internal
/// detail (no resolver answers, no socket errors).
#[tokio::test]
async fn webhooks_never_point_inside_and_failures_say_no_more_than_their_kind() {
    let app = spawn_fast_retrying_app().await;
    let admin = app.signed_in_client(DEMO_EMAIL).await;
    for url in [
        // 10.0.0.1 in one number: a local Gatehouse may reach its own machine, never a network.
        "https://167772161/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:10.0.0.1]/hook",
        "https://100.64.1.1/hook",
        "http://10.1.2.3/hook",
        "https://intranet/hook",
    ] {
        let refused = app.post(&admin, WEBHOOK, json!({ "url": url, "enabled": true })).await;
        assert_eq!(assert_problem(refused, 400, "invalid").await["field"], "url", "{url}");
    }
    assert!(app.get_ok(&admin, WEBHOOK).await["url"].is_null(), "nothing was saved");

    // A local Gatehouse may post to its own machine; nothing listens here.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    app.post_ok(&admin, WEBHOOK, json!({ "url": format!("http://{closed}/hook"), "enabled": true })).await;
    authorise_a_school(&app, &admin).await;
    let dead = wait_for_status(&app, &admin, "dead_lettered").await;
    assert_eq!(dead["error"], "no answer: could not connect", "{dead}");
}
