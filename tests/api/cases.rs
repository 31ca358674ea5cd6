//! Support cases (P9) over HTTP: the whole lifecycle, the support side
//! through the core functions the ops console calls, the emails, the school's
//! Active Cases count, cross-tenant isolation and the 30-day archive job.

use chrono::Duration;
use gatehouse_core::demo::{DEMO_EMAIL, OTHER_EMAIL};
use gatehouse_core::{CaseId, cases};
use gatehouse_model::{QueueFilter, ReassignCase};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, field_of_each, new_client, spawn_app_as_demo};

const SUPPORT: &str = "support@gatehouse.example";
const CONTACT: &str = "dev.lead@partner.example";

fn new_case(school_id: Option<&str>, summary: &str) -> Value {
    json!({
        "category": "missing_or_incorrect_data",
        "summary": summary,
        "contact_name": "Dev Lead",
        "contact_phone": "0161 496 0000",
        "contact_email": CONTACT,
        "description": "Since Monday the students endpoint returns no Year 7 pupils.",
        "school_id": school_id,
    })
}

/// An active school of the demo partner with no cases yet, and its tile.
async fn quiet_school(app: &TestApp, client: &reqwest::Client) -> (String, Value) {
    let page = app.get_ok(client, "/api/partner/schools?view=active&page_size=200").await;
    let row = page["items"].as_array().unwrap().iter().find(|row| row["active_cases"] == 0).unwrap().clone();
    (row["school_id"].as_str().unwrap().to_owned(), row)
}

async fn active_cases_of(app: &TestApp, client: &reqwest::Client, school_id: &str) -> (u64, u64) {
    let tile = app.get_ok(client, &format!("/api/partner/schools/{school_id}")).await;
    let page = app.get_ok(client, "/api/partner/schools?view=active&page_size=200").await;
    let row = page["items"].as_array().unwrap().iter().find(|row| row["school_id"] == school_id).unwrap().clone();
    (tile["row"]["active_cases"].as_u64().unwrap(), row["active_cases"].as_u64().unwrap())
}

/// `days` on: the clock moved forward, and the demo partner signed in again for a fresh session.
async fn days_later(app: &TestApp, days: i64) -> reqwest::Client {
    app.clock.advance(Duration::days(days));
    app.signed_in_client(DEMO_EMAIL).await
}

async fn open(app: &TestApp, client: &reqwest::Client, school_id: Option<&str>, summary: &str) -> Value {
    app.post_ok(client, "/api/partner/cases", new_case(school_id, summary)).await
}

#[tokio::test]
async fn a_case_goes_from_new_to_closed_and_back_with_the_conversation_and_emails() {
    let (app, client) = spawn_app_as_demo().await;
    let (school_id, row) = quiet_school(&app, &client).await;

    // Bad input names its field and writes nothing.
    let mut missing = new_case(Some(&school_id), " ");
    let body = assert_problem(app.post(&client, "/api/partner/cases", missing.clone()).await, 400, "invalid").await;
    assert_eq!(body["field"], "summary");
    missing["summary"] = json!("Year 7 missing");
    missing["contact_phone"] = json!("call me");
    let body = assert_problem(app.post(&client, "/api/partner/cases", missing.clone()).await, 400, "invalid").await;
    assert_eq!(body["field"], "contact_phone");
    missing["contact_phone"] = json!("0161 496 0000");
    missing["contact_email"] = json!("not-an-address");
    let body = assert_problem(app.post(&client, "/api/partner/cases", missing).await, 400, "invalid").await;
    assert_eq!(body["field"], "contact_email");
    let mut weather = new_case(None, "Rain");
    weather["category"] = json!("weather");
    // A choice outside the list names its field (parsed at the edge, #13).
    let weather = assert_problem(app.post(&client, "/api/partner/cases", weather).await, 400, "invalid").await;
    assert_eq!(weather["field"], "category");
    assert_eq!(app.get_ok(&client, "/api/partner/cases").await["items"], json!([]));
    assert!(app.emails_to(SUPPORT).await.is_empty());

    // New Case, about a school: support is told, the school counts it.
    let case = open(&app, &client, Some(&school_id), "Year 7 missing from students").await;
    let id = case["case_id"].as_str().unwrap().to_owned();
    assert_eq!(id, "GH-000001");
    assert_eq!(case["state"], "open");
    assert_eq!(case["school_name"], row["name"]);
    assert_eq!(case["raised_by"], "Dana Demo", "{case}");
    let to_support = app.emails_to(SUPPORT).await;
    assert_eq!(to_support.len(), 1);
    assert!(to_support[0].subject.contains("New case GH-000001"), "{}", to_support[0].subject);
    assert!(to_support[0].text.contains("Year 7 missing from students"));
    assert!(to_support[0].text.contains(&format!("/ops/cases/{id}")));
    assert_eq!(active_cases_of(&app, &client, &school_id).await, (1, 1), "the tile and the list both count it");

    let page = app.get_ok(&client, "/api/partner/cases?filter=active").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["case_id"], id.as_str());
    assert_eq!(page["next_cursor"], Value::Null);

    // A partner comment, sent twice with one Idempotency-Key, lands once.
    let comment = |key: &'static str| {
        client
            .post(app.url(&format!("/api/partner/cases/{id}/comments")))
            .header("idempotency-key", key)
            .json(&json!({ "text": "The school restarted the agent; still missing." }))
            .send()
    };
    let first: Value = comment("comment-1").await.unwrap().json().await.unwrap();
    let again: Value = comment("comment-1").await.unwrap().json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first["comments"].as_array().unwrap().len(), 1);
    assert_eq!(first["state"], "awaiting_support");
    let blank = app.post(&client, &format!("/api/partner/cases/{id}/comments"), json!({ "text": "  " })).await;
    assert_eq!(assert_problem(blank, 400, "invalid").await["field"], "text");

    // Support replies (the ops console's core call): the contact is emailed.
    let gatehouse = &app.server.gatehouse;
    app.clock.advance(Duration::minutes(5));
    let case_id = CaseId::parse(&id).unwrap();
    let replied = cases::reply_as_support(
        gatehouse,
        &case_id,
        "Sasha (Support)",
        "Please send the URN of a missing pupil.",
        None,
    )
    .await
    .unwrap();
    assert_eq!(replied.state, gatehouse_model::CaseState::AwaitingPartner);
    let to_contact = app.emails_to(CONTACT).await;
    assert_eq!(to_contact.len(), 1);
    assert_eq!(to_contact[0].subject, "Support replied to your case GH-000001");
    assert!(to_contact[0].text.contains("Please send the URN of a missing pupil."));
    assert!(to_contact[0].html.contains(&format!("/cases/{id}")));

    // The partner's Refresh shows the conversation, newest last.
    let detail = app.get_ok(&client, &format!("/api/partner/cases/{id}")).await;
    let comments = detail["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(
        (comments[0]["author_kind"].clone(), comments[1]["author_kind"].clone()),
        (json!("partner"), json!("support"))
    );
    assert_eq!(comments[1]["author_name"], "Sasha (Support)");
    assert_eq!(detail["state"], "awaiting_partner");

    // Escalate: support is told once, the case tops the queue.
    let escalate = json!({ "reason": "The school's census return is due on Friday." });
    let escalated = app.post_ok(&client, &format!("/api/partner/cases/{id}/escalate"), escalate.clone()).await;
    assert_eq!(
        (escalated["escalated"].clone(), escalated["escalation_reason"].clone()),
        (json!(true), escalate["reason"].clone())
    );
    let repeat = app.post_ok(&client, &format!("/api/partner/cases/{id}/escalate"), escalate).await;
    assert_eq!(repeat, escalated, "escalating twice changes nothing");
    let to_support = app.emails_to(SUPPORT).await;
    assert_eq!(to_support.len(), 2);
    // The outbox lists the newest first.
    assert!(to_support[0].subject.starts_with("Escalated: case GH-000001"), "{}", to_support[0].subject);
    assert!(to_support[0].text.contains("census return"));
    let no_reason = app.post(&client, &format!("/api/partner/cases/{id}/escalate"), json!({ "reason": "" })).await;
    assert_eq!(assert_problem(no_reason, 400, "invalid").await["field"], "reason");

    // Close: the school's count drops; closing again changes nothing.
    app.clock.advance(Duration::minutes(5));
    let closed = app.post_ok(&client, &format!("/api/partner/cases/{id}/close"), json!({})).await;
    assert_eq!(closed["state"], "closed");
    assert!(closed["reopen_until"].is_string());
    assert_eq!(active_cases_of(&app, &client, &school_id).await, (0, 0));
    app.clock.advance(Duration::minutes(5));
    let closed_again = app.post_ok(&client, &format!("/api/partner/cases/{id}/close"), json!({})).await;
    assert_eq!(closed_again, closed);
    let on_closed = app.post(&client, &format!("/api/partner/cases/{id}/comments"), json!({ "text": "Hello?" })).await;
    assert_problem(on_closed, 409, "conflict").await;
    // Closed but younger than 30 days: still on the Active Cases tab.
    assert_eq!(app.get_ok(&client, "/api/partner/cases").await["items"][0]["state"], "closed");

    // Reopen: awaiting support again, counted again.
    let reopened = app.post_ok(&client, &format!("/api/partner/cases/{id}/reopen"), json!({})).await;
    assert_eq!((reopened["state"].clone(), reopened["closed_at"].clone()), (json!("awaiting_support"), Value::Null));
    assert_eq!(active_cases_of(&app, &client, &school_id).await, (1, 1));

    // Support closes it: the contact is told, once.
    cases::close_as_support(gatehouse, &case_id, "Sasha (Support)").await.unwrap();
    cases::close_as_support(gatehouse, &case_id, "Sasha (Support)").await.unwrap();
    let to_contact = app.emails_to(CONTACT).await;
    assert_eq!(to_contact.len(), 2);
    assert_eq!(to_contact[0].subject, "Your case GH-000001 was closed");
    assert_eq!(active_cases_of(&app, &client, &school_id).await, (0, 0));
    assert_eq!(app.get_ok(&client, &format!("/api/partner/cases/{id}")).await["comments"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn partners_never_see_or_touch_each_others_cases() {
    let (app, demo) = spawn_app_as_demo().await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let (school_id, _) = quiet_school(&app, &demo).await;
    let case = open(&app, &demo, Some(&school_id), "Attendance marks missing").await;
    let id = case["case_id"].as_str().unwrap();

    assert_problem(app.get(&other, &format!("/api/partner/cases/{id}")).await, 404, "not_found").await;
    for (action, body) in [
        ("comments", json!({ "text": "Not mine" })),
        ("escalate", json!({ "reason": "Not mine" })),
        ("close", json!({})),
        ("reopen", json!({})),
    ] {
        let response = app.post(&other, &format!("/api/partner/cases/{id}/{action}"), body).await;
        assert_problem(response, 404, "not_found").await;
    }
    assert_eq!(app.get_ok(&other, "/api/partner/cases").await["items"], json!([]));
    // A case about another partner's school is refused, and nothing is raised.
    let response = app.post(&other, "/api/partner/cases", new_case(Some(&school_id), "Theirs")).await;
    assert_problem(response, 404, "not_found").await;
    assert_eq!(app.get_ok(&other, "/api/partner/cases").await["items"], json!([]));
    // Malformed references and anonymous callers.
    assert_problem(app.get(&demo, "/api/partner/cases/GH-1").await, 404, "not_found").await;
    assert_problem(app.get(&demo, "/api/partner/cases/GH-999999").await, 404, "not_found").await;
    assert_problem(app.get(&new_client(), "/api/partner/cases").await, 401, "sign_in_required").await;
    assert_problem(app.post(&new_client(), "/api/partner/cases", new_case(None, "x")).await, 401, "sign_in_required")
        .await;

    // The owner's case is untouched.
    let mine = app.get_ok(&demo, &format!("/api/partner/cases/{id}")).await;
    assert_eq!(mine, case);
    assert_eq!(app.emails_to(SUPPORT).await.len(), 1, "only the owner's New Case told support");
}

#[tokio::test]
async fn case_lists_page_newest_first_and_the_queue_puts_escalated_cases_first() {
    let (app, client) = spawn_app_as_demo().await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(open(&app, &client, None, &format!("Case number {n}")).await["case_id"].as_str().unwrap().to_owned());
        app.clock.advance(Duration::minutes(1));
    }
    let first = app.get_ok(&client, "/api/partner/cases?limit=2").await;
    let listed: Vec<&str> = first["items"].as_array().unwrap().iter().map(|c| c["case_id"].as_str().unwrap()).collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()], "newest first");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get_ok(&client, &format!("/api/partner/cases?limit=2&cursor={cursor}")).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["case_id"], ids[0].as_str());
    assert_eq!(second["next_cursor"], Value::Null);

    // A cursor is only good for the list it came from.
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let stolen = app.get(&other, &format!("/api/partner/cases?limit=2&cursor={cursor}")).await;
    assert_eq!(assert_problem(stolen, 400, "invalid").await["field"], "cursor");
    let archived = app.get(&client, &format!("/api/partner/cases?filter=archived&cursor={cursor}")).await;
    assert_problem(archived, 400, "invalid").await;
    assert_eq!(
        assert_problem(app.get(&client, "/api/partner/cases?limit=0").await, 400, "invalid").await["field"],
        "limit"
    );
    assert_problem(app.get(&client, "/api/partner/cases?filter=everything").await, 400, "invalid_query").await;

    // The support queue: the newest case, escalated, comes before older ones.
    let gatehouse = &app.server.gatehouse;
    let before = cases::queue(gatehouse, QueueFilter::Open, None, None).await.unwrap();
    let order: Vec<String> = before.items.iter().map(|c| c.case_id.clone()).collect();
    assert_eq!(order, ids, "oldest first");
    app.post_ok(&client, &format!("/api/partner/cases/{}/escalate", ids[2]), json!({ "reason": "Exams next week" }))
        .await;
    let after = cases::queue(gatehouse, QueueFilter::Open, None, Some(2)).await.unwrap();
    let order: Vec<&str> = after.items.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(order, [ids[2].as_str(), ids[0].as_str()]);
    let rest = cases::queue(gatehouse, QueueFilter::Open, after.next_cursor.as_deref(), Some(2)).await.unwrap();
    assert_eq!(rest.items.len(), 1);
    // Moving state moves the queue entry.
    let case_ids: Vec<CaseId> = ids.iter().map(|id| CaseId::parse(id).unwrap()).collect();
    cases::reply_as_support(gatehouse, &case_ids[0], "Sasha", "Looking now.", None).await.unwrap();
    let open = cases::queue(gatehouse, QueueFilter::Open, None, None).await.unwrap();
    let waiting = cases::queue(gatehouse, QueueFilter::AwaitingPartner, None, None).await.unwrap();
    assert_eq!((open.items.len(), waiting.items.len()), (2, 1));
    assert_eq!(waiting.items[0].case_id, ids[0]);
    // Reassign is recorded and repeatable.
    let to_robin = ReassignCase { assignee: Some("Robin".into()) };
    let assigned = cases::reassign(gatehouse, &case_ids[1], &to_robin).await.unwrap();
    assert_eq!(assigned.assignee.as_deref(), Some("Robin"));
    assert_eq!(cases::reassign(gatehouse, &case_ids[1], &to_robin).await.unwrap(), assigned);
}

#[tokio::test]
async fn closed_cases_are_archived_after_thirty_days_by_the_daily_job() {
    let (app, client) = spawn_app_as_demo().await;
    let (school_id, _) = quiet_school(&app, &client).await;
    let early = open(&app, &client, Some(&school_id), "Closed first").await["case_id"].as_str().unwrap().to_owned();
    let late = open(&app, &client, None, "Closed a day later").await["case_id"].as_str().unwrap().to_owned();
    let open_one = open(&app, &client, None, "Still open").await["case_id"].as_str().unwrap().to_owned();
    app.post_ok(&client, &format!("/api/partner/cases/{early}/close"), json!({})).await;
    let client = days_later(&app, 1).await;
    app.post_ok(&client, &format!("/api/partner/cases/{late}/close"), json!({})).await;
    let active_ids = |page: Value| -> Vec<String> { field_of_each(&page["items"], "case_id") };

    // Day 29 after the first close: nothing is due, twice.
    let client = days_later(&app, 28).await;
    for _ in 0..2 {
        let run = app.run_job("archive-cases").await;
        assert_eq!(run, json!({ "archived": 0, "not_yet_due": 2, "stale": 0 }));
    }
    assert_eq!(active_ids(app.get_ok(&client, "/api/partner/cases").await).len(), 3);

    // Day 30: the first is archived; a second run does nothing more.
    let client = days_later(&app, 1).await;
    let run = app.run_job("archive-cases").await;
    assert_eq!(run, json!({ "archived": 1, "not_yet_due": 1, "stale": 0 }));
    let run = app.run_job("archive_cases").await;
    assert_eq!(run, json!({ "archived": 0, "not_yet_due": 1, "stale": 0 }));
    let active = active_ids(app.get_ok(&client, "/api/partner/cases?filter=active").await);
    assert!(!active.contains(&early) && active.contains(&late) && active.contains(&open_one), "{active:?}");
    assert_eq!(
        active_ids(app.get_ok(&client, "/api/partner/cases?filter=archived").await),
        std::slice::from_ref(&early)
    );
    // Archived: readable, never lost, but no longer reopenable.
    let archived = app.get_ok(&client, &format!("/api/partner/cases/{early}")).await;
    assert_eq!((archived["archived"].clone(), archived["state"].clone()), (json!(true), json!("closed")));
    assert_eq!(archived["reopen_until"], Value::Null);
    let reopen = app.post(&client, &format!("/api/partner/cases/{early}/reopen"), json!({})).await;
    assert_problem(reopen, 410, "case_archived").await;
    assert_eq!(active_cases_of(&app, &client, &school_id).await, (0, 0), "archiving does not touch the count");

    // Day 31: the second is archived, twice-run safe.
    let client = days_later(&app, 1).await;
    let run = app.run_job("archive-cases").await;
    assert_eq!(run, json!({ "archived": 1, "not_yet_due": 0, "stale": 0 }));
    let run = app.run_job("archive-cases").await;
    assert_eq!(run, json!({ "archived": 0, "not_yet_due": 0, "stale": 0 }));
    assert_eq!(active_ids(app.get_ok(&client, "/api/partner/cases").await), [open_one]);
    assert_eq!(active_ids(app.get_ok(&client, "/api/partner/cases?filter=archived").await), [late, early]);
    let queue = cases::queue(&app.server.gatehouse, QueueFilter::Archived, None, None).await.unwrap();
    assert_eq!(queue.items.len(), 2);
    assert!(cases::queue(&app.server.gatehouse, QueueFilter::Closed, None, None).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn a_case_closed_29_days_ago_can_be_reopened_and_is_then_not_archived() {
    let (app, client) = spawn_app_as_demo().await;
    let id = open(&app, &client, None, "Reopen me").await["case_id"].as_str().unwrap().to_owned();
    app.post_ok(&client, &format!("/api/partner/cases/{id}/close"), json!({})).await;
    let client = days_later(&app, 29).await;
    let reopened = app.post_ok(&client, &format!("/api/partner/cases/{id}/reopen"), json!({})).await;
    assert_eq!(reopened["state"], "awaiting_support");
    let client = days_later(&app, 2).await;
    assert_eq!(app.run_job("archive-cases").await, json!({ "archived": 0, "not_yet_due": 0, "stale": 0 }));
    assert_eq!(app.get_ok(&client, "/api/partner/cases").await["items"][0]["case_id"], id.as_str());
}
