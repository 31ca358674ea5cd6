//! The demo `cargo xtask run` seeds tells the truth (#12): the local server
//! started as `cargo xtask run` starts it (demo people on) shows only states
//! the system reached by its own rules. A school the data API calls
//! connected has pupils its MIS agent pushed, and the answers that wait for
//! verification or for the school's approval came through the real wizard.

use std::collections::BTreeSet;

use gatehouse_core::demo::{AWAITING_APPROVAL_SCHOOL, AWAITING_VERIFICATION_SCHOOL, DEMO_EMAIL, DEMO_OPS_EMAIL};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app_with};

async fn demo_app() -> TestApp {
    spawn_app_with(|config| config.seed_people = true).await
}

/// A data API GET with the demo app's key; expects 200.
async fn app_get(app: &TestApp, path: &str) -> Value {
    app.get_ok_as_app(path).await
}

fn strings<'a>(rows: &'a [Value], field: &str) -> BTreeSet<&'a str> {
    rows.iter().filter_map(|row| row[field].as_str()).collect()
}

#[tokio::test]
async fn every_connected_demo_school_serves_pupils_its_agent_pushed() {
    let app = demo_app().await;
    let schools = app_get(&app, "/api/v1/schools").await;
    let connected: Vec<&str> = schools["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|school| school["state"] == "connected")
        .map(|school| school["school_id"].as_str().unwrap())
        .collect();
    assert!(connected.len() >= 10, "the demo has many connected schools: {connected:?}");
    for school in &connected {
        let page = app_get(&app, &format!("/api/v1/schools/{school}/students?limit=1")).await;
        assert_eq!(page["data"].as_array().unwrap().len(), 1, "{school} is connected, so it has pupils to read");
        let status = app_get(&app, &format!("/api/v1/schools/{school}/status")).await;
        assert!(status["last_extract_at"].is_string(), "{school}'s agent pushed: {status}");
    }
    // The first school a newcomer tries (the README's) is a school's worth, not a handful.
    let first = app_get(&app, &format!("/api/v1/schools/{}/students?limit=100", connected[0])).await;
    assert!(first["next_cursor"].is_string(), "{} has more than 100 pupils", connected[0]);

    // The agents' pushes still give the partner's list every status.
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let active = app.get_ok(&partner, "/api/partner/schools?page_size=200").await;
    let statuses = strings(active["items"].as_array().unwrap(), "status");
    let every = BTreeSet::from(["OK", "Warning", "Error", "Unknown", "Inactive", "Not Installed"]);
    assert_eq!(statuses, every);
}

#[tokio::test]
async fn pending_demo_schools_show_answers_waiting_for_verification_and_for_the_school() {
    let app = demo_app().await;
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let pending = app.get_ok(&partner, "/api/partner/schools?view=pending&page_size=200").await;
    let rows = pending["items"].as_array().unwrap();
    let statuses = strings(rows, "invitation_status");
    assert!(
        statuses.contains("Awaiting Verification") && statuses.contains("Awaiting School Approval"),
        "{statuses:?}"
    );
    let status_of =
        |school: &str| rows.iter().find(|row| row["school_id"] == school).unwrap()["invitation_status"].clone();
    assert_eq!(status_of(AWAITING_VERIFICATION_SCHOOL), "Awaiting Verification");
    assert_eq!(status_of(AWAITING_APPROVAL_SCHOOL), "Awaiting School Approval");

    // The app is told so, and reads nothing meanwhile.
    for (school, state) in [
        (AWAITING_VERIFICATION_SCHOOL, "awaiting_verification"),
        (AWAITING_APPROVAL_SCHOOL, "awaiting_school_approval"),
    ] {
        assert_eq!(app_get(&app, &format!("/api/v1/schools/{school}/status")).await["state"], state);
        let students = app.client.get(app.url(&format!("/api/v1/schools/{school}/students")));
        let refused = students.bearer_auth(&app.server.demo_app_key).send().await.unwrap();
        assert_eq!(refused.status(), 403, "{school}");
    }

    // The rules' side effects happened: operations have the authoriser to
    // verify, and the school's admin was asked to approve.
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let queue = app.get_ok(&ops, "/api/ops/verifications").await;
    let waiting = queue["waiting"].as_array().unwrap();
    assert!(waiting.iter().any(|entry| entry["school_id"] == AWAITING_VERIFICATION_SCHOOL), "{queue}");
    let admin = format!("data.lead.{AWAITING_APPROVAL_SCHOOL}@school.example");
    assert!(app.emails_to(&admin).await.iter().any(|mail| mail.subject.contains("an admin must approve")));
}
