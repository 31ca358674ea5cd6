//! The three kinds of account (partner P1, school S3, ops O1): each signs in by its own magic
//! link into its own session, and no session passes for another kind.

use std::sync::Arc;

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_core::keys::Key;
use gatehouse_core::ports::Clock;
use gatehouse_core::ports::ManualClock;
use gatehouse_core::{EmailAddress, Gatehouse, Settings, accounts, auth};
use gatehouse_model::{AccountKind, SIGN_IN_REQUESTED};
use serde_json::json;

use crate::helpers::{assert_problem, new_client, spawn_app, spawn_app_as_demo, token_after};

#[tokio::test]
async fn a_school_user_signs_in_to_the_school_portal_and_sees_their_school() {
    let app = spawn_app().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;

    let email = app.emails_to(DEMO_SCHOOL_EMAIL).await.remove(0);
    assert!(email.text.contains("/school/auth#token="), "{}", email.text);
    assert!(email.text.contains("the Gatehouse school portal"), "{}", email.text);

    let me = app.get_ok(&school, "/api/school/me").await;
    assert_eq!(me["email"], DEMO_SCHOOL_EMAIL);
    assert_eq!(me["display_name"], "Hana Head");
    assert_eq!(me["school_id"], "3280003");
    assert!(me["school_name"].as_str().is_some_and(|name| !name.is_empty()));
}

#[tokio::test]
async fn an_ops_user_signs_in_to_the_console() {
    let app = spawn_app().await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let email = app.emails_to(DEMO_OPS_EMAIL).await.remove(0);
    assert!(email.text.contains("/ops/auth#token="), "{}", email.text);
    let me = app.get_ok(&ops, "/api/ops/me").await;
    assert_eq!((me["email"].as_str(), me["display_name"].as_str()), (Some(DEMO_OPS_EMAIL), Some("Olu Operations")));
}

#[tokio::test]
async fn no_session_passes_for_another_kind_of_account() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let cases = [
        (&partner, "/api/school/me"),
        (&partner, "/api/ops/me"),
        (&school, "/api/me"),
        (&school, "/api/ops/me"),
        (&school, "/api/partner/schools?app=demo-app"),
        (&ops, "/api/me"),
        (&ops, "/api/school/me"),
        (&ops, "/api/partner/schools?app=demo-app"),
    ];
    for (client, path) in cases {
        assert_problem(app.get(client, path).await, 401, "sign_in_required").await;
    }
    // A session id presented under another kind's cookie name is not found either.
    let school_cookie = cookie_value(&app, "school", DEMO_SCHOOL_EMAIL).await;
    let forged = app
        .client
        .get(app.url("/api/me"))
        .header("cookie", format!("gatehouse_session={school_cookie}"))
        .send()
        .await
        .unwrap();
    assert_problem(forged, 401, "sign_in_required").await;
}

#[tokio::test]
async fn a_link_of_one_kind_cannot_open_a_session_of_another() {
    let app = spawn_app().await;
    assert_eq!(app.request_magic_link(DEMO_EMAIL).await.status(), 202);
    let partner_token = app.token_from_outbox(DEMO_EMAIL).await;
    for portal in ["school", "ops"] {
        let response =
            app.post(&new_client(), &format!("/api/{portal}/auth/session"), json!({ "token": partner_token })).await;
        assert_problem(response, 410, "link_expired").await;
    }
    // The partner link was not consumed by those attempts.
    assert_eq!(app.create_session(&new_client(), &partner_token).await.status(), 200);
}

#[tokio::test]
async fn an_address_without_a_portal_account_gets_the_same_answer_and_no_email() {
    let app = spawn_app().await;
    for (portal, email) in [("school", DEMO_EMAIL), ("ops", DEMO_SCHOOL_EMAIL), ("school", "nobody@school.example")] {
        let response =
            app.post(&app.client, &format!("/api/{portal}/auth/magic-link"), json!({ "email": email })).await;
        assert_eq!(response.status(), 202);
        assert!(app.emails_to(email).await.is_empty(), "{portal} sent {email} a link");
    }
    let response = app.post(&app.client, "/api/school/auth/magic-link", json!({ "email": "not an address" })).await;
    assert_problem(response, 400, "invalid").await;
}

#[tokio::test]
async fn signing_out_of_one_portal_leaves_the_others_signed_in() {
    let (app, client) = spawn_app_as_demo().await;
    // The same browser also signs in to the school portal.
    let requested = app.post(&app.client, "/api/school/auth/magic-link", json!({ "email": DEMO_SCHOOL_EMAIL })).await;
    assert_eq!(requested.status(), 202);
    let token = app.token_from_outbox(DEMO_SCHOOL_EMAIL).await;
    assert_eq!(app.post(&client, "/api/school/auth/session", json!({ "token": token })).await.status(), 200);

    let out = app.post(&client, "/api/school/auth/logout", json!({})).await;
    assert_eq!(out.status(), 204);
    let cleared = out.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.starts_with("gatehouse_school_session=;"), "{cleared}");
    assert_problem(app.get(&client, "/api/school/me").await, 401, "sign_in_required").await;
    assert_eq!(app.get(&client, "/api/me").await.status(), 200, "the partner session is untouched");
    // Logging out again is fine.
    assert_eq!(app.post(&client, "/api/school/auth/logout", json!({})).await.status(), 204);
}

#[tokio::test]
async fn removing_a_school_user_ends_their_sessions_and_their_links() {
    let app = spawn_app().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let requested = app.post(&app.client, "/api/school/auth/magic-link", json!({ "email": DEMO_SCHOOL_EMAIL })).await;
    assert_eq!(requested.status(), 202);
    let unused_link = app.token_from_outbox(DEMO_SCHOOL_EMAIL).await;

    let gatehouse = &app.server.gatehouse;
    let email = EmailAddress::parse(DEMO_SCHOOL_EMAIL).unwrap();
    let school_id = gatehouse_core::SchoolId::parse("3280003").unwrap();
    let in_team =
        || async { accounts::school_team(gatehouse, &school_id).await.unwrap().iter().any(|user| user.email == email) };
    assert!(in_team().await);
    accounts::remove_school_user(gatehouse, &school_id, &email).await.unwrap();
    // Removing twice changes nothing.
    accounts::remove_school_user(gatehouse, &school_id, &email).await.unwrap();

    assert!(!in_team().await);
    assert_problem(app.get(&school, "/api/school/me").await, 401, "sign_in_required").await;
    let response = app.post(&new_client(), "/api/school/auth/session", json!({ "token": unused_link })).await;
    assert_problem(response, 410, "link_expired").await;
}

#[tokio::test]
async fn a_school_account_belongs_to_one_school() {
    let app = spawn_app().await;
    let gatehouse = &app.server.gatehouse;
    let existing =
        accounts::school_team(gatehouse, &gatehouse_core::SchoolId::parse("3280003").unwrap()).await.unwrap().remove(0);
    // Again at the same school: nothing changes.
    assert!(!accounts::ensure_school_user(gatehouse, &existing).await.unwrap());
    let mut elsewhere = existing.clone();
    elsewhere.school_id = gatehouse_core::SchoolId::parse("3280004").unwrap();
    let error = accounts::ensure_school_user(gatehouse, &elsewhere).await.unwrap_err();
    assert!(matches!(error, gatehouse_core::Error::Conflict(_)), "{error:?}");
}

#[tokio::test]
async fn the_first_ops_user_is_created_by_their_first_sign_in_request_and_only_them() {
    let data = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
    let outbox = Arc::new(gatehouse_local::FileOutbox::open(&data.path().join("outbox"), clock.clone()).unwrap());
    let bus = Arc::new(gatehouse_local::InProcessBus::open(data.path(), clock.clone()).unwrap());
    let mut settings = Settings::new("http://gatehouse.test");
    settings.first_ops_user = Some(EmailAddress::parse("first@ops.example").unwrap());
    let gatehouse = Gatehouse {
        table: Arc::new(gatehouse_local::store::RedbTable::open(&data.path().join("store.redb")).unwrap()),
        mailer: outbox.clone(),
        events: bus.clone(),
        clock,
        webhooks: Arc::new(gatehouse_aws::HttpWebhookSender::for_settings(&settings)),
        settings,
        warm: Default::default(),
    };
    auth::request_magic_link(&gatehouse, AccountKind::Ops, &email("someone@ops.example"), "127.0.0.1").await.unwrap();
    auth::request_magic_link(&gatehouse, AccountKind::School, &email("first@ops.example"), "127.0.0.1").await.unwrap();
    send_requested_links(&gatehouse, &bus).await;
    assert!(outbox.entries().unwrap().is_empty(), "only the named address, and only for the console");

    auth::request_magic_link(&gatehouse, AccountKind::Ops, &email("First@Ops.example"), "127.0.0.1").await.unwrap();
    send_requested_links(&gatehouse, &bus).await;
    let sent = outbox.entries().unwrap();
    assert_eq!(sent.len(), 1);
    let token = token_after(&sent[0].text, "/ops/auth#token=");
    let session = auth::create_ops_session(&gatehouse, &token).await.unwrap();
    assert_eq!(session.me.email, "first@ops.example");
    let key = Key::User(AccountKind::Ops, &EmailAddress::parse("first@ops.example").unwrap());
    assert!(gatehouse.table.get(&key.pk(), &key.sk()).await.unwrap().is_some());
}

/// The sign-in consumer's part, as the local server runs it after the 202:
/// every request on the bus so far (one already handled is `Gone`).
async fn send_requested_links(gatehouse: &Gatehouse, bus: &gatehouse_local::InProcessBus) {
    for event in bus.recorded().unwrap().into_iter().filter(|event| event.detail_type == SIGN_IN_REQUESTED) {
        auth::send_requested_link(gatehouse, &event.detail).await.unwrap();
    }
}

/// #18: the answer to a sign-in request must not depend on, or wait for,
/// whether the address has an account: the same store calls and one event
/// for both, and the lookup and send only in the consumer.
#[tokio::test]
async fn a_sign_in_request_does_the_same_work_for_any_address() {
    let data = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
    let store: Arc<dyn gatehouse_core::ports::Table> =
        Arc::new(gatehouse_local::store::RedbTable::open(&data.path().join("store.redb")).unwrap());
    gatehouse_core::demo::seed(store.as_ref(), clock.now()).await.unwrap();
    let counting = Arc::new(gatehouse_tests::counting::Counting::new(store));
    let outbox = Arc::new(gatehouse_local::FileOutbox::open(&data.path().join("outbox"), clock.clone()).unwrap());
    let bus = Arc::new(gatehouse_local::InProcessBus::open(data.path(), clock.clone()).unwrap());
    let gatehouse = Gatehouse {
        table: counting.clone(),
        mailer: outbox.clone(),
        events: bus.clone(),
        clock,
        webhooks: Arc::new(gatehouse_aws::HttpWebhookSender::for_settings(&Settings::new("http://gatehouse.test"))),
        settings: Settings::new("http://gatehouse.test"),
        warm: Default::default(),
    };
    let mut work = Vec::new();
    for address in [DEMO_EMAIL, "nobody@partner.example"] {
        let before = counting.counts();
        auth::request_magic_link(&gatehouse, AccountKind::Partner, &email(address), "192.0.2.7").await.unwrap();
        work.push(counting.counts().since(before));
    }
    assert_eq!(work[0], work[1], "the same store calls for an account and for none");
    let events = bus.recorded().unwrap();
    assert_eq!(events.len(), 2, "one event each: {events:?}");
    assert!(events.iter().all(|event| event.detail_type == SIGN_IN_REQUESTED));
    assert!(
        events.iter().all(|event| !event.detail.to_string().contains('@')),
        "the bus carries the request's id, never the address: {events:?}"
    );
    assert!(outbox.entries().unwrap().is_empty(), "nothing is sent before the consumer runs");

    let outcomes: Vec<_> = consume(&gatehouse, &events).await;
    assert_eq!(outcomes, [auth::SignInSend::Sent, auth::SignInSend::NoAccount]);
    assert_eq!(outbox.entries().unwrap().len(), 1, "a link for the account only");
    assert_eq!(
        consume(&gatehouse, &events).await,
        [auth::SignInSend::Gone, auth::SignInSend::Gone],
        "a redelivered event sends nothing again"
    );
}

async fn consume(gatehouse: &Gatehouse, events: &[gatehouse_local::RecordedEvent]) -> Vec<auth::SignInSend> {
    let mut outcomes = Vec::new();
    for event in events {
        outcomes.push(auth::send_requested_link(gatehouse, &event.detail).await.unwrap());
    }
    outcomes
}

#[tokio::test]
async fn create_ops_user_through_the_dev_endpoint_is_idempotent() {
    let app = spawn_app().await;
    let body = json!({ "email": "new@ops.example", "display_name": "Nia New" });
    assert_eq!(app.post_ok(&app.client, "/dev/ops-users", body.clone()).await["created"], true);
    assert_eq!(app.post_ok(&app.client, "/dev/ops-users", body).await["created"], false);
    let ops = app.signed_in_portal_client("ops", "new@ops.example").await;
    assert_eq!(app.get_ok(&ops, "/api/ops/me").await["display_name"], "Nia New");
}

/// Signs in to `portal` and returns the raw session cookie value it set.
async fn cookie_value(app: &crate::helpers::TestApp, portal: &str, email: &str) -> String {
    let requested = app.post(&app.client, &format!("/api/{portal}/auth/magic-link"), json!({ "email": email })).await;
    assert_eq!(requested.status(), 202);
    let token = app.token_from_outbox(email).await;
    let response = app.post(&new_client(), &format!("/api/{portal}/auth/session"), json!({ "token": token })).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned()
}

fn email(raw: &str) -> EmailAddress {
    EmailAddress::parse(raw).expect("a valid address")
}
