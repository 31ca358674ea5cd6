//! #16: retention enforced by the system. A school's MIS cache is purged by
//! the daily job 30 days after no app has access, the agent is told to stop
//! and its pushes are refused until an app has access again; every expiring
//! record carries its TTL, and an expired one is not used on the embedded
//! store, which keeps it until it is overwritten.

use chrono::Duration;
use gatehouse_core::base::retention::USAGE_KEPT_DAYS;
use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_core::synthetic;
use gatehouse_model::Extract;
use serde_json::{Value, json};

use crate::held_extracts::push_released;
use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::ingestion::{agent_key, first_pupils, leavers, push, push_ok, push_receipt, today};

/// `DEMO_SCHOOL_EMAIL`'s school: its only app is the demo app, Active.
const SCHOOL: &str = "3280003";

/// Stored items whose partition key is `pk`, as `(sk, JSON)`.
fn stored(app: &TestApp, pk: &str) -> Vec<(String, Value)> {
    let dump = app.server.store.dump().unwrap();
    dump.into_iter()
        .filter(|(partition, _, _)| partition == pk)
        .map(|(_, sk, json)| (sk, serde_json::from_str(&json).unwrap()))
        .collect()
}

fn people(app: &TestApp) -> usize {
    stored(app, &format!("PEOPLE#{SCHOOL}")).len()
}

fn tombstones(app: &TestApp) -> usize {
    stored(app, &format!("PEOPLE#{SCHOOL}")).iter().filter(|(_, item)| item["attributes"]["deleted"] == true).count()
}

async fn school_client(app: &TestApp) -> reqwest::Client {
    app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await
}

async fn retention(app: &TestApp, school: &reqwest::Client) -> Value {
    app.get_ok(school, "/api/school/feed").await["retention"].clone()
}

/// The school's line in the operations console's retention list.
async fn ops_line(app: &TestApp) -> Value {
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let list = app.get_ok(&ops, "/api/ops/mis-retention").await;
    let schools = list["schools"].as_array().unwrap();
    schools.iter().find(|school| school["school_id"] == SCHOOL).cloned().unwrap_or_else(|| panic!("{list}"))
}

async fn agent_status(app: &TestApp, key: &str) -> Value {
    let response = app.client.get(app.url("/api/agent/v1/status")).bearer_auth(key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The school revokes the demo app today.
async fn revoke(app: &TestApp, school: &reqwest::Client) {
    let today = gatehouse_core::calendar::uk_date(gatehouse_core::ports::Clock::now(app.clock.as_ref()));
    let body = json!({ "revoke_on": today.to_string() });
    let outcome = app.post_ok(school, "/api/school/apps/demo-app/revoke", body).await;
    assert_eq!(outcome["app"]["row"]["state"], "revoked", "{outcome}");
}

/// The partner invites the school again and its admin authorises in the portal.
async fn authorise_again(app: &TestApp, school: &reqwest::Client) {
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    app.post_ok(&partner, &format!("/api/partner/schools/{SCHOOL}/reinvite"), json!({})).await;
    let body = json!({ "approved_scopes": ["students"], "gdpr_mode": "Include All", "feed_status": "Enabled" });
    let done = app.post_ok(school, "/api/school/apps/demo-app/authorise", body).await;
    assert_eq!(done["app"]["row"]["state"], "active", "{done}");
}

/// The school's agent key, after a full extract, one leaver (a tombstone)
/// and a held extract (parts under `HELD#`).
async fn school_with_data(app: &TestApp) -> (String, Extract) {
    let key = agent_key(app, SCHOOL).await;
    let full = synthetic::school(9, 60, today());
    push_released(app, &key, SCHOOL, &full).await;
    push_ok(app, &key, &leavers(&full, 0, 1)).await;
    let held = push_receipt(app, &key, &first_pupils(&full, 20)).await;
    assert_eq!(held["outcome"], "held", "held by the deletion guard: {held}");
    assert!(!stored(app, &format!("HELD#{SCHOOL}")).is_empty());
    (key, full)
}

#[tokio::test]
async fn the_mis_cache_is_purged_30_days_after_the_last_access_ended_and_the_agent_told_to_stop() {
    let app = spawn_app().await;
    let (key, full) = school_with_data(&app).await;
    let before = people(&app);
    let tombstones = tombstones(&app);
    let school = school_client(&app).await;
    assert!(retention(&app, &school).await["purge_on"].is_null(), "an app has access");

    revoke(&app, &school).await;
    let pending = retention(&app, &school).await;
    assert_eq!(pending["purge_on"], "2026-12-23", "{pending}");
    assert!(pending["message"].as_str().unwrap().contains("will be deleted on 23 Dec 2026"), "{pending}");
    assert_eq!(agent_status(&app, &key).await["retention"]["stop_pushing"], false);
    assert_eq!(ops_line(&app).await["purge_on"], "2026-12-23", "ops see the date too");

    // Day 29: nothing happens.
    app.clock.advance(Duration::days(29));
    app.run_job("purge-mis-caches").await;
    assert_eq!(people(&app), before, "not at 29 days");

    // Day 30: purged, counted, the agent told to stop.
    app.clock.advance(Duration::days(1));
    let run = app.run_job("purge-mis-caches").await;
    assert!(run["purged"].as_u64().unwrap() >= 1, "{run}");
    assert_eq!(people(&app), 0, "every pupil, staff, contact, group and tombstone is gone");
    assert!(stored(&app, &format!("HELD#{SCHOOL}")).is_empty(), "and the held extract");
    let school = school_client(&app).await;
    let done = retention(&app, &school).await;
    assert!(done["purged_at"].as_str().unwrap().starts_with("2026-12-2"), "{done}");
    assert!(done["purge_on"].is_null());
    assert_eq!(done["purged"]["tombstones"], tombstones, "{done}");
    assert_eq!(done["purged"]["students"], 59, "{done}");
    assert!(done["purged"]["held_parts"].as_u64().unwrap() >= 1);
    assert!(done["message"].as_str().unwrap().contains("was deleted on"), "{done}");
    let status = agent_status(&app, &key).await;
    assert_eq!((status["retention"]["stop_pushing"].as_bool(), status["persons"].as_u64()), (Some(true), Some(0)));
    assert!(status["held_extract"].is_null());
    let ops = ops_line(&app).await;
    assert_eq!((ops["purged_at"].as_str(), ops["purge_on"].as_str()), (done["purged_at"].as_str(), None), "{ops}");
    // Links stay: the partner still sees the school, revoked.
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    assert_eq!(app.get_ok(&partner, &format!("/api/partner/schools/{SCHOOL}")).await["view"], "revoked");

    // A push is refused and stores nothing; a second run does nothing.
    let refused = assert_problem(push(&app, &key, &full).await, 409, "no_authorised_app").await;
    assert!(refused["detail"].as_str().unwrap().contains("stop pushing"), "{refused}");
    assert_eq!(people(&app), 0);
    assert_eq!(app.run_job("purge-mis-caches").await, json!({ "purged": 0, "busy": 0 }));

    // Authorised again: the agent may push, and the notice goes.
    authorise_again(&app, &school).await;
    push_ok(&app, &key, &full).await;
    assert!(people(&app) > 0);
    let back = retention(&app, &school).await;
    assert_eq!((back["purge_on"].is_null(), back["purged_at"].is_null()), (true, true), "{back}");
    assert_eq!(agent_status(&app, &key).await["retention"]["stop_pushing"], false);
}

#[tokio::test]
async fn a_school_with_an_authorised_app_is_never_purged() {
    let app = spawn_app().await;
    school_with_data(&app).await;
    let before = people(&app);
    for _ in 0..4 {
        app.clock.advance(Duration::days(100));
        app.run_job("purge-mis-caches").await;
    }
    assert_eq!(people(&app), before);
    assert!(retention(&app, &school_client(&app).await).await["purge_on"].is_null());
}

#[tokio::test]
async fn the_count_restarts_when_an_app_is_authorised_again_then_revoked() {
    let app = spawn_app().await;
    school_with_data(&app).await;
    revoke(&app, &school_client(&app).await).await;
    app.clock.advance(Duration::days(20));
    authorise_again(&app, &school_client(&app).await).await;
    app.clock.advance(Duration::days(20));
    app.run_job("purge-mis-caches").await;
    assert!(people(&app) > 0, "access again: day 40 of the first count means nothing");
    let school = school_client(&app).await;
    revoke(&app, &school).await;
    assert_eq!(retention(&app, &school).await["purge_on"], "2027-02-01", "30 days from the second revocation");
    app.clock.advance(Duration::days(29));
    app.run_job("purge-mis-caches").await;
    assert!(people(&app) > 0);
    // A day the job did not run: the deletion is due, so the school is told "today", never a past date.
    app.clock.advance(Duration::days(2));
    assert_eq!(retention(&app, &school_client(&app).await).await["purge_on"], "2027-02-02");
    app.run_job("purge-mis-caches").await;
    assert_eq!(people(&app), 0);
}

/// Every expiring kind written through the real code carries `expires_at`
/// at the period `docs/RETENTION.md` states (held to the code by a test in
/// `gatehouse_core::data::retention`).
#[tokio::test]
async fn every_expiring_record_carries_its_ttl() {
    let app = spawn_app().await;
    let now = gatehouse_core::ports::Clock::now(app.clock.as_ref()).timestamp();
    let expiry = |items: Vec<(String, Value)>, what: &str| -> Vec<i64> {
        assert!(!items.is_empty(), "no {what} stored");
        items.iter().map(|(_, item)| item["expires_at"].as_i64().unwrap_or_else(|| panic!("{what}: {item}"))).collect()
    };
    let all = |prefix: &str| -> Vec<(String, Value)> {
        let dump = app.server.store.dump().unwrap();
        dump.into_iter()
            .filter(|(pk, _, _)| pk.starts_with(prefix))
            .map(|(_, sk, json)| (sk, serde_json::from_str(&json).unwrap()))
            .collect()
    };
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let link = gatehouse_core::auth::LINK_LIFETIME.num_seconds();
    let session = gatehouse_core::auth::SESSION_LIFETIME.num_seconds();
    app.request_magic_link(DEMO_EMAIL).await;
    app.token_from_outbox(DEMO_EMAIL).await;
    assert!(expiry(all("LOGIN#"), "sign-in link").contains(&(now + link)));
    assert!(expiry(all("SESSION#"), "session").iter().all(|at| *at == now + session));
    assert!(expiry(all("RATE#"), "rate window").iter().all(|at| *at > now));

    // An idempotent resend: the record, the new invitation, the link's change.
    let resend = partner
        .post(app.url("/api/partner/schools/3280008/resend-invite"))
        .header("Idempotency-Key", "ttl-1")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status(), 200);
    let day = Duration::days(1).num_seconds();
    assert!(expiry(all("IDEMPOTENCY#"), "idempotency record").contains(&(now + day)));
    assert!(expiry(all("INVITE#"), "invitation").contains(&(now + 30 * day)));
    assert!(expiry(all("APP#demo-app#VIEWCHG"), "view change").contains(&(now + 3600)));

    // An app's read: usage and the served page; a leaver's tombstone.
    let key = agent_key(&app, SCHOOL).await;
    let full = synthetic::school(9, 60, today());
    push_released(&app, &key, SCHOOL, &full).await;
    app.get_ok_as_app(&format!("/api/v1/schools/{SCHOOL}/students")).await;
    assert!(expiry(all("USAGE#demo-app#"), "usage").contains(&(now + USAGE_KEPT_DAYS * day)));
    assert!(expiry(all(&format!("SHARED#demo-app#{SCHOOL}")), "served page").contains(&(now + 120 * day)));
    push_ok(&app, &key, &leavers(&full, 0, 1)).await;
    let tombstones: Vec<_> = stored(&app, &format!("PEOPLE#{SCHOOL}"))
        .into_iter()
        .filter(|(_, item)| item["attributes"]["deleted"] == true)
        .collect();
    assert!(expiry(tombstones, "tombstone").iter().all(|at| *at == now + 36 * day));
    // Records that do not expire carry none.
    assert!(stored(&app, &format!("PEOPLE#{SCHOOL}")).iter().any(|(_, item)| item["expires_at"].is_null()));
}

#[tokio::test]
async fn an_expired_item_still_in_the_embedded_store_is_not_used() {
    let app = spawn_app().await;
    app.request_magic_link(DEMO_EMAIL).await;
    let token = app.token_from_outbox(DEMO_EMAIL).await;
    app.clock.advance(gatehouse_core::auth::LINK_LIFETIME + Duration::seconds(1));
    let now = gatehouse_core::ports::Clock::now(app.clock.as_ref()).timestamp();
    let dump = app.server.store.dump().unwrap();
    let expired = dump.iter().filter(|(pk, _, _)| pk.starts_with("LOGIN#")).count();
    assert!(expired > 0, "the embedded store keeps the expired link, as DynamoDB may for a while");
    assert!(
        dump.iter()
            .filter(|(pk, _, _)| pk.starts_with("LOGIN#"))
            .all(|(_, _, json)| { serde_json::from_str::<Value>(json).unwrap()["expires_at"].as_i64().unwrap() < now })
    );
    assert_problem(app.create_session(&app.client, &token).await, 410, "link_expired").await;
}
