//! Black-box tests of the HTTP API against the local server (embedded store,
//! file outbox): the sign-in flow, expiry through the clock port, bad input,
//! and the cross-tenant matrix.

mod accounts;
mod app_keys;
mod cases;
mod data_api;
mod demo_truth;
mod edge;
mod email_feedback;
mod erasure;
mod explain;
use gatehouse_tests::extracts;
mod held_extracts;
mod helpers;
mod ingestion;
mod invitations;
mod oauth;
mod oneroster;
mod ops_bookings;
mod ops_console;
mod path_ids;
mod people;
mod receipts;
mod reminders;
mod retention;
mod school_actions;
mod school_portal;
mod team_and_permissions;
use gatehouse_tests::wait;
mod webhooks;

use chrono::Duration;
use gatehouse_core::demo::{DEMO_EMAIL, OTHER_EMAIL};
use gatehouse_core::keys::Key;
use gatehouse_core::{Token, auth};
use gatehouse_local::{LocalConfig, start};
use gatehouse_model::AccountKind;
use helpers::{assert_problem, new_client, spawn_app, spawn_app_as_demo};
use serde_json::{Value, json};

#[tokio::test]
async fn magic_link_answers_the_same_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    let known = app.request_magic_link(DEMO_EMAIL).await;
    let unknown = app.request_magic_link("nobody@nowhere.example").await;
    assert_eq!((known.status().as_u16(), unknown.status().as_u16()), (202, 202));
    let (known, unknown): (Value, Value) = (known.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(known, unknown);
    let outbox = app.outbox().await;
    assert_eq!(outbox.len(), 1, "only the known address gets mail");
    assert_eq!(outbox[0].to, DEMO_EMAIL);
}

#[tokio::test]
async fn emailed_link_points_at_the_spa_with_the_token_in_the_fragment() {
    let app = spawn_app().await;
    app.request_magic_link(" Demo@Partner.Example ").await;
    let email = &app.outbox().await[0];
    let link = format!("{}/auth#token=", app.server.url);
    assert!(email.text.contains(&link), "{}", email.text);
    assert!(email.html.contains(&link));
    let token = app.token_from_outbox(DEMO_EMAIL).await;
    assert_eq!(token.len(), 43, "256 bits, base64url");
}

#[tokio::test]
async fn malformed_email_gets_a_problem_naming_the_field() {
    let app = spawn_app().await;
    let body = assert_problem(app.request_magic_link("not-an-email").await, 400, "invalid").await;
    assert_eq!(body["field"], "email");
    assert!(app.outbox().await.is_empty());
}

/// A value its type refuses is refused at the edge (#13), before any work:
/// the problem names the field by its path and says what to do, and nothing
/// is stored or sent. A body of the wrong shape stays `invalid_body`.
#[tokio::test]
async fn a_refused_value_inside_a_body_names_its_path() {
    let (app, demo) = spawn_app_as_demo().await;
    let before = app.outbox().await.len();
    let invitation = |email: Value| {
        json!({
            "urn": "140004",
            "school_contact": { "name": "Bea Bursar", "email": email },
            "contact_may_authorise": true
        })
    };
    for refused in [json!("bea at school"), json!("bea@school"), json!(7)] {
        let answer = app.post(&demo, "/api/partner/invitations", invitation(refused.clone())).await;
        let body = assert_problem(answer, 400, "invalid").await;
        assert_eq!(body["field"], "school_contact.email", "{refused}: {body}");
        if refused.is_string() {
            assert_eq!(body["detail"], "Enter an email address like name@school.org.uk.");
        }
    }
    let missing = json!({ "urn": "140004", "school_contact": { "name": "Bea" } });
    assert_problem(app.post(&demo, "/api/partner/invitations", missing).await, 400, "invalid_body").await;
    assert_eq!(app.outbox().await.len(), before, "nothing was sent");
    let pending = app.get_ok(&demo, "/api/partner/schools?view=pending&q=140004").await;
    assert_eq!(pending["total"], 0, "nothing was stored: {pending}");
}

#[tokio::test]
async fn broken_bodies_get_problems_not_plain_text() {
    let app = spawn_app().await;
    let url = app.url("/api/auth/magic-link");
    let no_type = app.client.post(&url).body(r#"{"email":"a@b.example"}"#).send().await.unwrap();
    assert_problem(no_type, 415, "unsupported_media_type").await;
    let broken = app.client.post(&url).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_problem(broken, 400, "invalid_body").await;
    let wrong_shape = app.client.post(&url).json(&json!({ "mail": "a@b.example" })).send().await.unwrap();
    assert_problem(wrong_shape, 400, "invalid_body").await;
}

#[tokio::test]
async fn sign_in_link_works_exactly_once() {
    let app = spawn_app().await;
    let token = app.sign_in_token(DEMO_EMAIL).await;

    let first = app.create_session(&app.client, &token).await;
    assert_eq!(first.status(), 200);
    let cookie = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("gatehouse_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-HTTP local mode cannot use Secure cookies");
    let me: Value = first.json().await.unwrap();
    assert_eq!(me["partner_name"], "Demo Partner Ltd");

    let again = app.create_session(&new_client(), &token).await;
    let body = assert_problem(again, 410, "link_expired").await;
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn sign_in_link_expires_after_ten_minutes() {
    let app = spawn_app().await;
    let token = app.sign_in_token(DEMO_EMAIL).await;
    app.clock.advance(Duration::minutes(10));
    assert_problem(app.create_session(&app.client, &token).await, 410, "link_expired").await;
}

#[tokio::test]
async fn link_used_just_before_expiry_still_works() {
    let app = spawn_app().await;
    let token = app.sign_in_token(DEMO_EMAIL).await;
    app.clock.advance(Duration::minutes(9) + Duration::seconds(59));
    assert_eq!(app.create_session(&app.client, &token).await.status(), 200);
}

#[tokio::test]
async fn junk_tokens_are_rejected_before_the_store() {
    let app = spawn_app().await;
    let body = assert_problem(app.create_session(&app.client, "abc").await, 400, "invalid").await;
    assert_eq!(body["field"], "token");
    // Well-formed but never issued.
    let forged = Token::generate().unwrap();
    assert_problem(app.create_session(&app.client, forged.expose()).await, 410, "link_expired").await;
}

#[tokio::test]
async fn session_lasts_twelve_hours() {
    let (app, client) = spawn_app_as_demo().await;
    app.clock.advance(Duration::hours(12) - Duration::seconds(1));
    assert_eq!(client.get(app.url("/api/me")).send().await.unwrap().status(), 200);
    app.clock.advance(Duration::seconds(1));
    assert_problem(client.get(app.url("/api/me")).send().await.unwrap(), 401, "sign_in_required").await;
}

#[tokio::test]
async fn me_needs_a_session_and_shows_the_partner() {
    let app = spawn_app().await;
    assert_problem(app.client.get(app.url("/api/me")).send().await.unwrap(), 401, "sign_in_required").await;
    let client = app.signed_in_client(DEMO_EMAIL).await;
    let me: Value = client.get(app.url("/api/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["email"], DEMO_EMAIL);
    assert_eq!(me["partner_id"], "demo-partner");
    assert_eq!(me["apps"][0]["app_id"], "demo-app");
}

#[tokio::test]
async fn logout_revokes_the_session_even_for_a_replayed_cookie() {
    let app = spawn_app().await;
    let token = app.sign_in_token(DEMO_EMAIL).await;
    let response = app.create_session(&app.client, &token).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();

    let logout = app.client.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(logout.status(), 204);
    assert!(logout.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let replayed = new_client().get(app.url("/api/me")).header("cookie", &cookie).send().await.unwrap();
    assert_problem(replayed, 401, "sign_in_required").await;
    // Logging out again is harmless.
    assert_eq!(
        new_client().post(app.url("/api/auth/logout")).header("cookie", &cookie).send().await.unwrap().status(),
        204
    );
}

#[tokio::test]
async fn tokens_and_sessions_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let link_token = Token::parse("token", &app.sign_in_token(DEMO_EMAIL).await).unwrap();
    let table = app.server.gatehouse.table.clone();
    let hash = link_token.hash();
    let stored = table
        .get(&Key::LoginLink(AccountKind::Partner, &hash).pk(), &Key::LoginLink(AccountKind::Partner, &hash).sk())
        .await
        .unwrap();
    assert!(stored.is_some(), "the link is stored under its hash");
    assert!(!serde_json::to_string(&stored.unwrap().attributes).unwrap().contains(link_token.expose()));

    let response = app.create_session(&app.client, link_token.expose()).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    let value = cookie.split(';').next().unwrap().trim_start_matches("gatehouse_session=");
    let session = Token::parse("session", value).unwrap();
    let by_hash = Key::Session(AccountKind::Partner, &session.hash());
    assert!(table.get(&by_hash.pk(), &by_hash.sk()).await.unwrap().is_some());
    assert!(table.get(&format!("SESSION#{value}"), "SESSION").await.unwrap().is_none());
}

#[tokio::test]
async fn active_schools_pages_through_the_partners_own_schools() {
    let (app, client) = spawn_app_as_demo().await;
    let page: Value = app.list_schools(&client, "?view=active&page=1&page_size=50").await.json().await.unwrap();
    assert_eq!(page["total"], 42);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 42);
    let names: Vec<String> = items.iter().map(|row| row["name"].as_str().unwrap().to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by school name");

    let last: Value = app.list_schools(&client, "?page=5&page_size=10").await.json().await.unwrap();
    assert_eq!(last["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        (last["page"].clone(), last["page_size"].clone(), last["total"].clone()),
        (json!(5), json!(10), json!(42))
    );
    assert_eq!(last["items"][1]["name"], items[41]["name"]);
}

#[tokio::test]
async fn partners_never_see_each_others_schools() {
    let (app, demo) = spawn_app_as_demo().await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let ids = |page: Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|row| row["school_id"].as_str().unwrap().to_owned()).collect()
    };
    for view in ["active", "pending", "revoked"] {
        let query = format!("?view={view}&page_size=200");
        let demo_ids = ids(app.list_schools(&demo, &query).await.json().await.unwrap());
        let other_ids = ids(app.list_schools(&other, &query).await.json().await.unwrap());
        assert!(!demo_ids.is_empty() && !other_ids.is_empty(), "{view}: both partners have schools");
        assert!(demo_ids.iter().all(|id| id.starts_with("328")), "{view}: {demo_ids:?}");
        assert!(other_ids.iter().all(|id| id.starts_with("451")), "{view}: {other_ids:?}");
    }
    // Naming the other partner's app is the same as naming no app at all.
    assert_problem(app.list_schools(&demo, "?app=other-app").await, 404, "not_found").await;
    assert_problem(app.list_schools(&other, "?app=demo-app").await, 404, "not_found").await;
    assert_problem(app.list_schools(&new_client(), "?app=demo-app").await, 401, "sign_in_required").await;
}

/// The rows of a schools page.
async fn rows(response: reqwest::Response) -> (Value, Vec<Value>) {
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    let items = page["items"].as_array().unwrap().clone();
    (page, items)
}

#[tokio::test]
async fn active_schools_filter_search_and_sort_on_the_server() {
    let (app, client) = spawn_app_as_demo().await;

    let (page, items) = rows(app.list_schools(&client, "?status=Error&page_size=200").await).await;
    assert!(!items.is_empty());
    assert!(items.iter().all(|row| row["status"] == "Error"));
    assert_eq!(page["total"], items.len());
    assert_eq!(page["view_total"], 42, "the unfiltered count stays visible");

    let (_, items) = rows(app.list_schools(&client, "?gdpr=Exclude%20All&feed=Paused&install=Installed").await).await;
    assert!(items.iter().all(|r| r["gdpr_mode"] == "Exclude All"
        && r["feed_status"] == "Paused"
        && r["install_status"]["state"] == "Installed"));

    let (_, items) = rows(app.list_schools(&client, "?q=CASTLE%20vale").await).await;
    assert!(!items.is_empty() && items.iter().all(|r| r["name"].as_str().unwrap().contains("Castle Vale")));

    let (page, items) = rows(app.list_schools(&client, "?sort=month_stats&dir=desc&page_size=200").await).await;
    let stats: Vec<u64> = items.iter().map(|r| r["month_stats"].as_u64().unwrap()).collect();
    assert!(stats.windows(2).all(|w| w[0] >= w[1]), "{stats:?}");
    let options: Vec<&str> = page["mis_options"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    assert!(options.contains(&"Arbor") && options.contains(&"Not detected"), "{options:?}");

    let (page, items) = rows(app.list_schools(&client, "?revoke_pending=true").await).await;
    assert!(!items.is_empty() && items.iter().all(|r| r["revoke_pending"].is_string()));
    let pending = page["total"].as_u64().unwrap();
    let (page, _) = rows(app.list_schools(&client, "?revoke_pending=false").await).await;
    assert_eq!(page["total"].as_u64().unwrap() + pending, 42);

    let (page, items) = rows(app.list_schools(&client, "?q=no%20such%20school").await).await;
    assert_eq!((page["total"].clone(), items.len()), (json!(0), 0));
}

#[tokio::test]
async fn bad_list_queries_get_problems() {
    let (app, client) = spawn_app_as_demo().await;
    let body = assert_problem(app.list_schools(&client, "?page=0").await, 400, "invalid").await;
    assert_eq!(body["field"], "page");
    let body = assert_problem(app.list_schools(&client, "?page_size=500").await, 400, "invalid").await;
    assert_eq!(body["field"], "page_size");
    assert_problem(app.list_schools(&client, "?view=everything").await, 400, "invalid_query").await;
    assert_problem(app.list_schools(&client, "?page=minus-one").await, 400, "invalid_query").await;
    assert_problem(app.list_schools(&client, "?status=Sunny").await, 400, "invalid_query").await;
    assert_problem(app.list_schools(&client, "?sort=colour").await, 400, "invalid_query").await;
}

#[tokio::test]
async fn sign_in_requests_are_rate_limited_per_email_and_per_ip() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(app.request_magic_link(DEMO_EMAIL).await.status(), 202);
    }
    let limited = app.request_magic_link(DEMO_EMAIL).await;
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after));
    assert_problem(limited, 429, "rate_limited").await;
    assert_eq!(app.outbox().await.len(), 5, "no email beyond the limit");
    // Unknown addresses are limited the same way, so limits reveal nothing.
    for _ in 0..5 {
        app.request_magic_link("ghost@nowhere.example").await;
    }
    assert_problem(app.request_magic_link("ghost@nowhere.example").await, 429, "rate_limited").await;

    app.clock.advance(Duration::minutes(15));
    assert_eq!(app.request_magic_link(DEMO_EMAIL).await.status(), 202, "a new window");

    // The per-IP budget (30 a window) spans addresses.
    app.clock.advance(Duration::minutes(15));
    for n in 0..30 {
        assert_eq!(app.request_magic_link(&format!("person{n}@school.example")).await.status(), 202);
    }
    assert_problem(app.request_magic_link("one-more@school.example").await, 429, "rate_limited").await;
}

/// #18: a stranger spending an address's budget from elsewhere does not lock
/// its owner out: the address's budget is per address and caller.
#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_of_signing_in() {
    let app = spawn_app().await;
    let gatehouse = &app.server.gatehouse;
    let email = gatehouse_core::EmailAddress::parse(DEMO_EMAIL).unwrap();
    let request = |client: &'static str| auth::request_magic_link(gatehouse, AccountKind::Partner, &email, client);
    for _ in 0..5 {
        request("203.0.113.66").await.unwrap();
    }
    assert!(matches!(request("203.0.113.66").await, Err(gatehouse_core::Error::RateLimited { .. })));
    assert_eq!(app.request_magic_link(DEMO_EMAIL).await.status(), 202, "the owner, from their own address");
    assert_eq!(app.token_from_outbox(DEMO_EMAIL).await.len(), 43);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_problems() {
    let app = spawn_app().await;
    assert_problem(app.client.get(app.url("/api/nope")).send().await.unwrap(), 404, "no_such_route").await;
    assert_problem(app.client.get(app.url("/api/auth/magic-link")).send().await.unwrap(), 405, "method_not_allowed")
        .await;
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    let app = spawn_app().await;
    let health: Value = app.client.get(app.url("/api/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let document: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for route in gatehouse_model::ROUTES {
        assert!(document["paths"][route.path].is_object(), "{} missing", route.path);
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    let chosen = app.client.get(app.url("/api/me")).header("x-request-id", "trace-me-1").send().await.unwrap();
    assert_eq!(chosen.headers()["x-request-id"], "trace-me-1");
    assert_eq!(assert_problem(chosen, 401, "sign_in_required").await["request_id"], "trace-me-1");
}

#[tokio::test]
async fn data_survives_a_restart_and_demo_data_is_seeded_once() {
    let data = tempfile::tempdir().unwrap();
    let first = start(LocalConfig::new(data.path().to_owned())).await.unwrap();
    let client = new_client();
    let magic_link = json!({ "email": DEMO_EMAIL });
    client.post(format!("{}/api/auth/magic-link", first.url)).json(&magic_link).send().await.unwrap();
    let outbox: Value =
        client.get(format!("{}/dev/outbox.json", first.url)).send().await.unwrap().json().await.unwrap();
    let text = outbox[0]["text"].as_str().unwrap();
    let token: String = text[text.find("#token=").unwrap() + 7..].chars().take(43).collect();
    let signed_in =
        client.post(format!("{}/api/auth/session", first.url)).json(&json!({ "token": token })).send().await.unwrap();
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    first.stop().await.unwrap();

    let second = start(LocalConfig::new(data.path().to_owned())).await.unwrap();
    let me = new_client().get(format!("{}/api/me", second.url)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(me.status(), 200, "the session is in the store file, not in memory");
    let page: Value = new_client()
        .get(format!("{}/api/partner/schools?page_size=200", second.url))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 42, "the demo data is there once, not twice");
    let outbox: Value =
        new_client().get(format!("{}/dev/outbox.json", second.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 1, "the outbox is kept too");
}

#[tokio::test]
async fn pending_and_revoked_views_show_their_own_columns() {
    let (app, client) = spawn_app_as_demo().await;
    let (page, items) = rows(app.list_schools(&client, "?view=pending&page_size=200").await).await;
    assert_eq!(page["total"], 12);
    assert!(items.iter().all(|r| r["date_invited"].is_string() && r["school_contact"].is_string()));
    let statuses: std::collections::HashSet<&str> =
        items.iter().map(|r| r["invitation_status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 2, "Invitation Sent and Ready to Authorise both appear: {statuses:?}");
    assert!(
        items
            .iter()
            .filter(|r| r["invitation_status"] == "Ready to Authorise")
            .all(|r| r["install_status"]["state"] == "Installed"),
        "Ready to Authorise means the install works"
    );
    let (priority, items) = rows(app.list_schools(&client, "?view=pending&priority=true").await).await;
    assert!(priority["total"].as_u64().unwrap() > 0 && items.iter().all(|r| r["priority"] == true));
    assert!(priority["total"].as_u64() < page["total"].as_u64());

    let (page, items) = rows(app.list_schools(&client, "?view=revoked").await).await;
    assert_eq!(page["total"], 6);
    assert!(items.iter().all(|r| r["revoked_on"].is_string() && r["revoked_by"].is_string()));
}

#[tokio::test]
async fn export_is_the_whole_filtered_view_as_csv() {
    let (app, client) = spawn_app_as_demo().await;
    let export = |query: &str| client.get(app.url(&format!("/api/partner/schools/export{query}"))).send();
    let response = export("?status=Error&sort=month_stats&dir=desc&page_size=1").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, "attachment; filename=\"active-schools-2026-11-23.csv\"");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers.len(), 13);
    assert_eq!((headers[0].as_str(), headers[11].as_str()), ("School ID", "Revoke Pending"));
    assert_eq!(headers[12], "Re-authorisation");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let (page, _) = rows(app.list_schools(&client, "?status=Error").await).await;
    assert_eq!(records.len() as u64, page["total"].as_u64().unwrap(), "every page, not just one");
    assert!(records.iter().all(|record| &record[3] == "Error"));
    let stats: Vec<u64> = records.iter().map(|record| record[7].parse().unwrap()).collect();
    assert!(stats.windows(2).all(|w| w[0] >= w[1]), "sorted as asked");

    let pending = export("?view=pending").await.unwrap().bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&pending[3..]);
    assert_eq!(reader.headers().unwrap().get(7), Some("Partner Contact"));
    assert_eq!(reader.records().count(), 12);

    assert_problem(export("?app=other-app").await.unwrap(), 404, "not_found").await;
    let anonymous = new_client().get(app.url("/api/partner/schools/export")).send().await.unwrap();
    assert_problem(anonymous, 401, "sign_in_required").await;
}

#[tokio::test]
async fn a_data_directory_from_an_older_version_is_refused_with_what_to_do() {
    use gatehouse_core::ports::{Condition, Table};
    let data = tempfile::tempdir().unwrap();
    {
        // A store as the previous version left it: demo data, no version item.
        let table = gatehouse_local::store::RedbTable::open(&data.path().join("gatehouse.redb")).unwrap();
        let email = gatehouse_core::EmailAddress::parse(DEMO_EMAIL).unwrap();
        let key = Key::User(AccountKind::Partner, &email);
        let item = gatehouse_core::records::plain_item(&key, &serde_json::Map::new(), 1);
        table.put(item, Condition::Always).await.unwrap();
    }
    let error = match start(LocalConfig::new(data.path().to_owned())).await {
        Ok(_) => panic!("an old data directory must be refused"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("older Gatehouse") && error.contains("rm -rf"), "{error}");
    // A fresh directory starts, and starts again.
    let fresh = tempfile::tempdir().unwrap();
    start(LocalConfig::new(fresh.path().to_owned())).await.unwrap().stop().await.unwrap();
    start(LocalConfig::new(fresh.path().to_owned())).await.unwrap().stop().await.unwrap();
}

/// `cargo xtask run`'s start: demo people through the agent and real demo
/// cases on a fresh store (tests otherwise start without them).
#[tokio::test]
async fn the_demo_start_seeds_people_and_support_cases() {
    let app = helpers::spawn_app_with(|config| config.seed_people = true).await;
    let client = app.signed_in_client(DEMO_EMAIL).await;
    let cases = app.get_ok(&client, "/api/partner/cases?filter=active").await;
    assert_eq!(cases["items"].as_array().map(Vec::len), Some(3), "{cases}");
    let tile = app.get_ok(&client, "/api/partner/schools/3280003").await;
    assert_eq!(tile["row"]["active_cases"], 1);
}
