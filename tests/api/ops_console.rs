//! The operations console (O1) over HTTP: who may call it (the matrix over
//! every `/api/ops/*` route), partner organisations, the directory kept by
//! ops, international school requests (P7) and the support queue.

use gatehouse_core::background::{self, WorkOutcome};
use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::{access, directory_admin, workers};
use gatehouse_model::{JobKind, Method, ROUTES};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, field_of_each, new_client, spawn_app, spawn_app_as_demo, token_after};

const OPS_NAME: &str = "Olu Operations";

/// A register extract in the GIAS format: three schools and a broken row.
const EXTRACT: &str = "URN,LA (name),EstablishmentName,EstablishmentStatus (name),PhaseOfEducation (name),Postcode\n\
    190001,Cumbria,Fellside Primary School,Open,Primary,CA1 1AA\n\
    190002,Cumbria,Lakeland Academy,Open,Secondary,CA2 2BB\n\
    19X003,Cumbria,Broken Row School,Open,Primary,CA3 3CC\n\
    190004,Cumbria,Old Quarry School,Closed,Primary,CA4 4DD\n";

async fn ops_client(app: &TestApp) -> reqwest::Client {
    app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await
}

fn international(school: &str) -> Value {
    json!({
        "school_name": school,
        "address": "12 Rue des Écoles\n75005 Paris\nFrance",
        "contact_name": "Claire Dupont",
        "contact_phone": "+33 1 23 45 67 89",
        "contact_email": "claire@ecole.example",
    })
}

fn new_case(summary: &str) -> Value {
    json!({
        "category": "school_not_syncing",
        "summary": summary,
        "contact_name": "Dev Lead",
        "contact_phone": "0161 496 0000",
        "contact_email": "dev.lead@partner.example",
        "description": "The agent stopped sending on Monday.",
    })
}

async fn import(app: &TestApp, client: &reqwest::Client, csv: &str, first_line: Option<u64>) -> reqwest::Response {
    let query = first_line.map(|line| format!("?first_line={line}")).unwrap_or_default();
    client
        .post(app.url(&format!("/api/ops/directory/import{query}")))
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

/// [`import`], answered `202` with support's job (#15), its status path in `Location` too, polled
/// until it is done: what the part did, as the import answered before it ran as a job.
async fn imported(app: &TestApp, client: &reqwest::Client, csv: &str, first_line: Option<u64>) -> Value {
    let response = import(app, client, csv, first_line).await;
    assert_eq!(response.status(), 202, "an import is accepted as a job");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["status_url"], location.as_str(), "{accepted}");
    let job = app.finished_job(client, &location).await;
    assert_eq!((&job["state"], &job["kind"]), (&json!("done"), &json!("import_directory")), "{job}");
    job["result"]["directory_import"].clone()
}

fn names(results: &Value) -> Vec<String> {
    field_of_each(&results["items"], "name")
}

/// Every `/api/ops/*` route but the console's own sign-in: the matrix runs
/// over the route table, so a new ops route is covered the day it is added.
fn console_routes() -> Vec<&'static gatehouse_model::Route> {
    ROUTES
        .iter()
        .filter(|route| route.path.starts_with("/api/ops/") && !route.path.starts_with("/api/ops/auth/"))
        .collect()
}

#[tokio::test]
async fn only_an_ops_session_opens_any_ops_endpoint() {
    let (app, partner) = spawn_app_as_demo().await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let ops = ops_client(&app).await;

    // Real records for the path parameters: a case, two requests, a school.
    let case = app.post_ok(&partner, "/api/partner/cases", new_case("Agent silent")).await;
    let to_accept = app.post_ok(&partner, "/api/partner/international-requests", international("École A")).await;
    let to_decline = app.post_ok(&partner, "/api/partner/international-requests", international("École B")).await;
    let fill = |route: &gatehouse_model::Route| {
        let request = if route.name.starts_with("decline") { &to_decline } else { &to_accept };
        route
            .path
            .replace("{case_id}", case["case_id"].as_str().unwrap())
            .replace("{request_id}", request["request_id"].as_str().unwrap())
            .replace("{urn}", "140004")
            .replace("{school_id}", "3280003")
            .replace("{job_id}", &format!("j{}", "0".repeat(31)))
            + if route.name == "search_ops_directory" { "?q=brookside" } else { "" }
    };
    let body = |name: &str| -> (String, &'static str) {
        let json = |value: Value| (value.to_string(), "application/json");
        match name {
            "import_directory" => (EXTRACT.to_owned(), "text/csv"),
            "create_partner" => json(json!({
                "name": "Matrix Learning", "admin_name": "Mo Matrix",
                "admin_email": "mo@matrix.example", "app_name": "Matrix Maths",
            })),
            "update_directory_school" => json(json!({
                "name": "Brookside Infant School", "local_authority": "Birmingham",
                "postcode": "B2 1BE", "phase": "Primary", "status": "open",
            })),
            "decline_international_request" => json(json!({ "reason": "We could not reach the school." })),
            "reply_to_case" => json(json!({ "text": "We are looking at it." })),
            "reassign_case" => json(json!({ "assignee": OPS_NAME })),
            "offer_install_slots" => json(json!({ "date": "2026-12-02", "times": ["10:00"] })),
            "release_ops_held_extract" | "reject_ops_held_extract" => json(json!({ "held_id": "0123456789abcdef" })),
            "decide_authority_verification" => {
                json(json!({ "app_id": "demo-app", "school_id": "3280001", "decision": "verify" }))
            }
            _ => json(json!({})),
        }
    };
    let call = |client: reqwest::Client, route: &'static gatehouse_model::Route| {
        let url = app.url(&fill(route));
        let (body, content_type) = body(route.name);
        async move {
            let request = match route.method {
                Method::Get => client.get(url),
                Method::Post => client.post(url).header("content-type", content_type).body(body),
            };
            request.send().await.unwrap()
        }
    };
    let routes = console_routes();
    assert!(routes.len() >= 12, "the console's routes: {}", routes.len());
    for &route in &routes {
        for (who, client) in [("anonymous", new_client()), ("partner", partner.clone()), ("school", school.clone())] {
            let response = call(client, route).await;
            assert_eq!(response.status(), 401, "{who} on {} {}", route.method.as_str(), route.path);
            assert_problem(response, 401, "sign_in_required").await;
        }
        let response = call(ops.clone(), route).await;
        if route.path.ends_with("/held-extract") || route.path.contains("/held-extract/") {
            // Past the sign-in check: the demo school has no held extract to show or decide.
            assert_problem(response, 404, "no_held_extract").await;
            continue;
        }
        if route.op == gatehouse_model::Op::GetOpsJob {
            // Past the sign-in check: support has started no job by that id.
            assert_problem(response, 404, "not_found").await;
            continue;
        }
        if route.op == gatehouse_model::Op::DecideAuthorityVerification {
            // Past the sign-in check: nobody at that school waits for verification.
            assert_problem(response, 404, "not_found").await;
            continue;
        }
        let status = response.status();
        let (method, path) = (route.method.as_str(), route.path);
        assert!(status.is_success(), "ops on {method} {path}: {status} {}", response.text().await.unwrap());
    }
    // None of those refused calls changed anything: one partner was created, by ops.
    let partners = app.get_ok(&ops, "/api/ops/partners").await;
    let matrix: Vec<&Value> =
        partners["partners"].as_array().unwrap().iter().filter(|p| p["name"] == "Matrix Learning").collect();
    assert_eq!(matrix.len(), 1);
    assert_eq!(app.emails_to("mo@matrix.example").await.len(), 1);
}

#[tokio::test]
async fn console_data_stays_out_of_partner_and_school_endpoints() {
    let (app, demo) = spawn_app_as_demo().await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    let school = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let ops = ops_client(&app).await;
    let mine = app.post_ok(&demo, "/api/partner/international-requests", international("École Demo")).await;

    // A partner lists only its own requests; the other partner sees none of them.
    let listed = app.get_ok(&demo, "/api/partner/international-requests").await;
    assert_eq!(listed["items"][0]["request_id"], mine["request_id"]);
    let theirs = app.get_ok(&other, "/api/partner/international-requests").await;
    assert_eq!(theirs["items"], json!([]));
    // Ops and school sessions do not open partner endpoints, whatever cookies they hold.
    for client in [&ops, &school] {
        assert_problem(app.get(client, "/api/partner/international-requests").await, 401, "sign_in_required").await;
        let sent = app.post(client, "/api/partner/international-requests", international("École X")).await;
        assert_problem(sent, 401, "sign_in_required").await;
        assert_problem(app.get(client, "/api/partner/cases").await, 401, "sign_in_required").await;
    }
    // The ops queue shows every partner's requests.
    app.clock.advance(chrono::Duration::minutes(1));
    let mine_too = app.post_ok(&other, "/api/partner/international-requests", international("École Other")).await;
    let queue = app.get_ok(&ops, "/api/ops/international-requests").await;
    let ids: Vec<&Value> = queue["items"].as_array().unwrap().iter().map(|r| &r["request_id"]).collect();
    assert_eq!(ids, [&mine["request_id"], &mine_too["request_id"]], "oldest first");
}

#[tokio::test]
async fn ops_create_a_partner_whose_admin_signs_in_from_the_welcome_email() {
    let app = spawn_app().await;
    let ops = ops_client(&app).await;
    let request = json!({
        "name": "Acme Learning Ltd",
        "admin_name": "Ada Admin",
        "admin_email": "Ada@Acme.example",
        "app_name": "Acme Homework",
    });
    let created = app.post_ok(&ops, "/api/ops/partners", request.clone()).await;
    assert_eq!(created["created"], true);
    let partner = &created["partner"];
    assert_eq!(
        (partner["partner_id"].as_str(), partner["admin_email"].as_str()),
        (Some("acme-learning-ltd"), Some("ada@acme.example"))
    );
    assert!(partner["app_id"].as_str().unwrap().starts_with("acme-homework-"), "{partner}");
    assert_eq!(partner["created_by"], OPS_NAME);

    // The welcome email names the organisation and links to the partner sign-in page.
    let welcome = app.emails_to("ada@acme.example").await;
    assert_eq!(welcome.len(), 1);
    assert_eq!(welcome[0].subject, "You have been added to Acme Learning Ltd on Gatehouse");
    let sign_in = format!("{}/signin", app.server.url);
    assert!(welcome[0].text.contains(&sign_in) && welcome[0].html.contains(&sign_in), "{}", welcome[0].text);

    // Signing in there works and shows the new organisation, its app and no schools.
    let admin = app.signed_in_client("ada@acme.example").await;
    let me = app.get_ok(&admin, "/api/me").await;
    assert_eq!((me["partner_name"].as_str(), me["role"].as_str()), (Some("Acme Learning Ltd"), Some("admin")));
    assert_eq!(me["apps"][0]["name"], "Acme Homework");
    assert_eq!(app.get_ok(&admin, "/api/partner/schools").await["total"], 0);
    assert_eq!(app.get_ok(&admin, "/api/partner/team").await["members"][0]["added_by"], OPS_NAME);

    // A retry of the same request creates nothing and emails nobody again.
    let again = app.post_ok(&ops, "/api/ops/partners", request.clone()).await;
    assert_eq!(
        (again["created"].clone(), again["partner"]["app_id"].clone()),
        (json!(false), partner["app_id"].clone())
    );
    let welcomes = app.emails_to("ada@acme.example").await;
    assert_eq!(welcomes.iter().filter(|email| email.subject.starts_with("You have been added")).count(), 1);
    // The same name for a different organisation, or an admin who already has an account, is refused by field.
    let mut clash = request.clone();
    clash["admin_email"] = json!("someone@else.example");
    assert_eq!(assert_problem(app.post(&ops, "/api/ops/partners", clash).await, 400, "invalid").await["field"], "name");
    let taken = json!({ "name": "Brand New Org", "admin_name": "Dana", "admin_email": DEMO_EMAIL, "app_name": "X" });
    assert_eq!(
        assert_problem(app.post(&ops, "/api/ops/partners", taken).await, 400, "invalid").await["field"],
        "admin_email"
    );
    let blank = json!({ "name": "Org", "admin_name": " ", "admin_email": "a@b.example", "app_name": "X" });
    assert_eq!(
        assert_problem(app.post(&ops, "/api/ops/partners", blank).await, 400, "invalid").await["field"],
        "admin_name"
    );

    // The list shows the seeded organisations and the new one, by name.
    let list = app.get_ok(&ops, "/api/ops/partners").await;
    let names: Vec<&str> = list["partners"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Acme Learning Ltd", "Demo Partner Ltd", "Other Partner plc"]);
}

#[tokio::test]
async fn ops_import_search_and_edit_the_directory_without_duplicates() {
    let app = spawn_app().await;
    let ops = ops_client(&app).await;
    // The file in two parts, as the console sends it: each with the header row.
    let (header, rows) = EXTRACT.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    let first = format!("{header}\n{}\n{}\n", rows[0], rows[1]);
    let second = format!("{header}\n{}\n{}\n", rows[2], rows[3]);
    let report = imported(&app, &ops, &first, Some(2)).await;
    assert_eq!((report["rows"].clone(), report["created"].clone()), (json!(2), json!(2)));
    let report = imported(&app, &ops, &second, Some(4)).await;
    assert_eq!((report["rows"].clone(), report["created"].clone()), (json!(2), json!(1)));
    assert_eq!(report["skipped"][0]["line"], 4, "the broken row's line in the whole file");
    assert!(report["skipped"][0]["reason"].as_str().unwrap().contains("URN"));

    let found = app.get_ok(&ops, "/api/ops/directory/schools?q=cumbria").await;
    assert_eq!(names(&found), ["Fellside Primary School", "Lakeland Academy", "Old Quarry School"]);

    // The whole file again: nothing new, nothing doubled.
    let report = imported(&app, &ops, EXTRACT, None).await;
    assert_eq!((report["created"].clone(), report["unchanged"].clone()), (json!(0), json!(3)));
    assert_eq!(names(&app.get_ok(&ops, "/api/ops/directory/schools?q=fellside").await), ["Fellside Primary School"]);

    // A correction: the new name is searchable, the old word is not, partners see it too.
    let edit = json!({
        "name": "Fellside Church of England Primary School",
        "local_authority": "Westmorland and Furness",
        "postcode": "ca1 1ab",
        "phase": "Primary",
        "status": "open",
    });
    let edited = app.post_ok(&ops, "/api/ops/directory/schools/190001", edit.clone()).await;
    assert_eq!(
        (edited["postcode"].as_str(), edited["local_authority"].as_str()),
        (Some("CA1 1AB"), Some("Westmorland and Furness"))
    );
    let partner = app.signed_in_client(DEMO_EMAIL).await;
    let by_new_word = app.get_ok(&partner, "/api/directory/schools?q=fellside%20church").await;
    assert_eq!(by_new_word["items"][0]["urn"], "190001");
    let by_old_authority = app.get_ok(&ops, "/api/ops/directory/schools?q=cumbria").await;
    assert_eq!(names(&by_old_authority), ["Lakeland Academy", "Old Quarry School"]);

    // Bad input names its field; unknown schools are not found; nothing else changed.
    let mut blank = edit.clone();
    blank["name"] = json!("  ");
    let problem = app.post(&ops, "/api/ops/directory/schools/190001", blank).await;
    assert_eq!(assert_problem(problem, 400, "invalid").await["field"], "name");
    assert_problem(app.post(&ops, "/api/ops/directory/schools/999999", edit.clone()).await, 404, "not_found").await;
    assert_problem(app.post(&ops, "/api/ops/directory/schools/not-a-urn", edit).await, 404, "not_found").await;
    let wrong_file = import(&app, &ops, "name,town\nx,y\n", None).await;
    assert_eq!(assert_problem(wrong_file, 400, "invalid").await["field"], "file");
    let too_big = import(&app, &ops, &format!("{header}\n{}", "x".repeat(1_000_001)), None).await;
    assert_eq!(assert_problem(too_big, 400, "invalid").await["field"], "file");
    // An international id in a register file is refused, so register and ops ids never clash.
    let report = imported(&app, &ops, &format!("{header}\nINT000001,Paris,Faux School,Open,Primary,\n"), None).await;
    assert_eq!((report["created"].clone(), report["skipped"].as_array().unwrap().len()), (json!(0), 1));
}

#[tokio::test]
async fn an_accepted_international_school_can_then_be_invited() {
    let (app, partner) = spawn_app_as_demo().await;
    let ops = ops_client(&app).await;

    // Bad input names its field and stores nothing.
    let mut bad = international("École Internationale de Paris");
    bad["contact_phone"] = json!("call the office");
    let problem = app.post(&partner, "/api/partner/international-requests", bad).await;
    assert_eq!(assert_problem(problem, 400, "invalid").await["field"], "contact_phone");
    assert_eq!(app.get_ok(&ops, "/api/ops/international-requests").await["items"], json!([]));

    // Sent twice with one Idempotency-Key: one request, one acknowledgement.
    let send = || {
        partner
            .post(app.url("/api/partner/international-requests"))
            .header("Idempotency-Key", "intl-1")
            .json(&international("École Internationale de Paris"))
            .send()
    };
    let request: Value = send().await.unwrap().json().await.unwrap();
    let retried: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(request["request_id"], retried["request_id"]);
    assert_eq!(request["state"], "pending");
    let acknowledged = app.emails_to(DEMO_EMAIL).await;
    let acknowledged: Vec<_> = acknowledged.iter().filter(|e| e.subject.starts_with("We have your request")).collect();
    assert_eq!(acknowledged.len(), 1);
    let id = request["request_id"].as_str().unwrap();
    assert!(acknowledged[0].text.contains(id) && acknowledged[0].text.contains("École Internationale de Paris"));

    // Not in the directory yet.
    let search = app.get_ok(&partner, "/api/directory/schools?q=internationale%20paris").await;
    assert_eq!(search["items"], json!([]));

    let accepted =
        app.post_ok(&ops, &format!("/api/ops/international-requests/{id}/accept"), json!({ "region": "France" })).await;
    assert_eq!((accepted["state"].as_str(), accepted["urn"].as_str()), (Some("accepted"), Some("INT000001")));
    assert_eq!(accepted["decided_by"], OPS_NAME);
    let email = app.emails_to(DEMO_EMAIL).await.into_iter().find(|e| e.subject.contains("you can invite it")).unwrap();
    assert!(email.text.contains("INT000001") && email.text.contains(&format!("{}/schools/invite", app.server.url)));
    // Accepting again changes nothing; declining an accepted request is refused.
    let again = app.post_ok(&ops, &format!("/api/ops/international-requests/{id}/accept"), json!({})).await;
    assert_eq!(again["urn"], "INT000001");
    let decline =
        app.post(&ops, &format!("/api/ops/international-requests/{id}/decline"), json!({ "reason": "No." })).await;
    assert_problem(decline, 409, "conflict").await;
    assert_eq!(app.get_ok(&ops, "/api/ops/international-requests").await["items"], json!([]));
    assert_eq!(app.get_ok(&ops, "/api/ops/international-requests?state=accepted").await["items"][0]["request_id"], id);

    // The partner finds it by name or id (any case) and invites it like any school.
    let by_name = app.get_ok(&partner, "/api/directory/schools?q=internationale%20paris").await;
    assert_eq!(
        (by_name["items"][0]["urn"].as_str(), by_name["items"][0]["local_authority"].as_str()),
        (Some("INT000001"), Some("France"))
    );
    assert_eq!(app.get_ok(&partner, "/api/directory/schools?q=int000001").await["items"][0]["urn"], "INT000001");
    let invitation = json!({
        "urn": "INT000001",
        "school_contact": { "name": "Claire Dupont", "email": "claire@ecole.example", "role": "Directrice" },
        "contact_may_authorise": true,
    });
    app.post_ok(&partner, "/api/partner/invitations", invitation).await;
    let invite = &app.emails_to("claire@ecole.example").await[0];
    let token = token_after(&invite.text, "/authorise#token=");
    let opened = app.post_ok(&new_client(), "/api/invitations/open", json!({ "token": token })).await;
    assert_eq!(opened["school_name"], "École Internationale de Paris");
    let pending = app.get_ok(&partner, "/api/partner/schools?view=pending&q=internationale").await;
    assert_eq!(pending["items"][0]["school_id"], "INT000001");

    // A second accepted school gets the next id.
    let next = app.post_ok(&partner, "/api/partner/international-requests", international("Deutsche Schule")).await;
    let next_id = next["request_id"].as_str().unwrap();
    let next = app.post_ok(&ops, &format!("/api/ops/international-requests/{next_id}/accept"), json!({})).await;
    assert_eq!(next["urn"], "INT000002");
}

#[tokio::test]
async fn a_declined_international_request_tells_the_partner_why() {
    let (app, partner) = spawn_app_as_demo().await;
    let ops = ops_client(&app).await;
    let request = app.post_ok(&partner, "/api/partner/international-requests", international("Escuela Ejemplo")).await;
    let id = request["request_id"].as_str().unwrap();
    let path = format!("/api/ops/international-requests/{id}/decline");

    let blank = app.post(&ops, &path, json!({ "reason": " " })).await;
    assert_eq!(assert_problem(blank, 400, "invalid").await["field"], "reason");
    let reason = "The school's address could not be verified; send its registration number.";
    let declined = app.post_ok(&ops, &path, json!({ "reason": reason })).await;
    assert_eq!((declined["state"].as_str(), declined["decline_reason"].as_str()), (Some("declined"), Some(reason)));
    let email = app.emails_to(DEMO_EMAIL).await.into_iter().find(|e| e.subject.contains("was declined")).unwrap();
    assert!(email.text.contains(reason) && email.html.contains("could not be verified"), "{}", email.text);

    // Declining again is harmless and sends nothing; accepting it now is refused.
    app.post_ok(&ops, &path, json!({ "reason": "Another reason" })).await;
    let declined_emails =
        app.emails_to(DEMO_EMAIL).await.into_iter().filter(|e| e.subject.contains("was declined")).count();
    assert_eq!(declined_emails, 1);
    let accept = app.post(&ops, &format!("/api/ops/international-requests/{id}/accept"), json!({})).await;
    assert_problem(accept, 409, "conflict").await;
    assert!(app.get_ok(&partner, "/api/directory/schools?q=escuela").await["items"].as_array().unwrap().is_empty());

    let mine = app.get_ok(&partner, "/api/partner/international-requests").await;
    assert_eq!(mine["items"][0]["state"], "declined");
    let declined_queue = app.get_ok(&ops, "/api/ops/international-requests?state=declined").await;
    assert_eq!(declined_queue["items"][0]["request_id"], id);
    assert_problem(app.post(&ops, "/api/ops/international-requests/IR-nope/accept", json!({})).await, 404, "not_found")
        .await;
    let refused = app.post(&ops, "/api/ops/international-requests/bad%23id/accept", json!({})).await;
    assert_problem(refused, 404, "not_found").await;
}

#[tokio::test]
async fn ops_work_the_support_queue_escalated_first() {
    let (app, partner) = spawn_app_as_demo().await;
    let ops = ops_client(&app).await;
    let first = app.post_ok(&partner, "/api/partner/cases", new_case("First case")).await;
    let second = app.post_ok(&partner, "/api/partner/cases", new_case("Second case")).await;
    let (first_id, second_id) = (first["case_id"].as_str().unwrap(), second["case_id"].as_str().unwrap());
    let escalate = json!({ "reason": "Census return due Friday." });
    app.post_ok(&partner, &format!("/api/partner/cases/{second_id}/escalate"), escalate).await;

    let queue = app.get_ok(&ops, "/api/ops/cases").await;
    let order: Vec<&str> = queue["items"].as_array().unwrap().iter().map(|c| c["case_id"].as_str().unwrap()).collect();
    assert_eq!(order, [second_id, first_id], "escalated first, then oldest");
    let paged = app.get_ok(&ops, "/api/ops/cases?filter=open&limit=1").await;
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    let cursor = paged["next_cursor"].as_str().unwrap();
    let next = app.get_ok(&ops, &format!("/api/ops/cases?filter=open&limit=1&cursor={}", urlencode(cursor))).await;
    assert_eq!(next["items"][0]["case_id"], first_id);

    let reply = json!({ "text": "Please restart the agent service and tell us what it logs." });
    let replied = app.post_ok(&ops, &format!("/api/ops/cases/{first_id}/reply"), reply).await;
    assert_eq!(replied["state"], "awaiting_partner");
    let seen = app.get_ok(&partner, &format!("/api/partner/cases/{first_id}")).await;
    let last = seen["comments"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["author_kind"].as_str(), last["author_name"].as_str()), (Some("support"), Some(OPS_NAME)));
    let to_contact = app.emails_to("dev.lead@partner.example").await;
    assert!(to_contact.iter().any(|e| e.text.contains("restart the agent service")));
    assert_eq!(app.get_ok(&ops, "/api/ops/cases?filter=awaiting_partner").await["items"][0]["case_id"], first_id);

    let assigned =
        app.post_ok(&ops, &format!("/api/ops/cases/{first_id}/reassign"), json!({ "assignee": OPS_NAME })).await;
    assert_eq!(assigned["assignee"], OPS_NAME);
    let unassigned =
        app.post_ok(&ops, &format!("/api/ops/cases/{first_id}/reassign"), json!({ "assignee": null })).await;
    assert_eq!(unassigned["assignee"], Value::Null);

    let closed = app.post_ok(&ops, &format!("/api/ops/cases/{first_id}/close"), json!({})).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(app.get_ok(&ops, "/api/ops/cases?filter=closed").await["items"][0]["case_id"], first_id);
    let detail = app.get_ok(&ops, &format!("/api/ops/cases/{second_id}")).await;
    assert_eq!(
        (detail["escalated"].as_bool(), detail["partner_name"].as_str()),
        (Some(true), Some("Demo Partner Ltd"))
    );
    assert_problem(app.get(&ops, "/api/ops/cases/GH-999999").await, 404, "not_found").await;
    let blank = app.post(&ops, &format!("/api/ops/cases/{second_id}/reply"), json!({ "text": "" })).await;
    assert_eq!(assert_problem(blank, 400, "invalid").await["field"], "text");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn ops_issue_and_rotate_a_schools_agent_key_shown_once() {
    let app = spawn_app().await;
    let ops = ops_client(&app).await;
    let status = |key: String| {
        let request = app.client.get(app.url("/api/agent/v1/status")).bearer_auth(key);
        async move { request.send().await.unwrap() }
    };

    let first = app.post_ok(&ops, "/api/ops/schools/3280003/agent-key", json!({})).await;
    assert_eq!(first["school_id"], "3280003");
    assert!(first["push_url"].as_str().unwrap().ends_with("/api/agent/v1/extracts"));
    let first_key = first["secret"].as_str().unwrap().to_owned();
    let answer = status(first_key.clone()).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await.unwrap()["school_id"], "3280003");

    // Rotating: a new secret works, the old one stops at once.
    let second = app.post_ok(&ops, "/api/ops/schools/3280003/agent-key", json!({})).await;
    assert_ne!(second["secret"], first["secret"]);
    assert_ne!(second["key_id"], first["key_id"]);
    assert_eq!(status(second["secret"].as_str().unwrap().to_owned()).await.status(), 200);
    assert_problem(status(first_key).await, 401, "invalid_credentials").await;

    // A school no app is linked to has no feed to push to.
    let unknown = app.post(&ops, "/api/ops/schools/9999999/agent-key", json!({})).await;
    assert_problem(unknown, 404, "not_found").await;
    let malformed = app.post(&ops, "/api/ops/schools/not%20a%20school/agent-key", json!({})).await;
    assert_problem(malformed, 404, "not_found").await;
}

/// Follows the audit's cursor `limit` links at a time: the pages, and the
/// totals over them.
async fn audit_in_pages(app: &TestApp, ops: &reqwest::Client, limit: u32) -> (u32, Value) {
    let mut path = format!("/api/ops/authorisation-logs/audit?limit={limit}");
    let (mut pages, mut links, mut entries, mut broken) = (0, 0, 0, Vec::new());
    loop {
        let page = app.get_ok(ops, &path).await;
        pages += 1;
        assert!(page["links_checked"].as_u64().unwrap() <= u64::from(limit), "a page keeps to its limit: {page}");
        links += page["links_checked"].as_u64().unwrap();
        entries += page["entries_checked"].as_u64().unwrap();
        broken.extend(page["broken"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/ops/authorisation-logs/audit?limit={limit}&cursor={cursor}"),
            None => {
                assert_eq!(page["apps_done"], page["apps_total"], "the last page has finished every app");
                let totals = json!({ "links": links, "entries": entries, "broken": broken });
                return (pages, totals);
            }
        }
    }
}

#[tokio::test]
async fn the_log_audit_checks_every_link_in_pages_and_names_each_broken_log() {
    use gatehouse_core::demo::{DEMO_SCHOOLS, OTHER_SCHOOLS};
    use gatehouse_core::keys::Key;
    use gatehouse_core::ports::Condition;

    let app = spawn_app().await;
    let ops = ops_client(&app).await;
    let (pages, whole) = audit_in_pages(&app, &ops, 100).await;
    let (small_pages, paged) = audit_in_pages(&app, &ops, 7).await;
    assert_eq!(whole, paged, "pages of 7 check what pages of 100 check");
    assert!(small_pages > pages && small_pages >= (DEMO_SCHOOLS + OTHER_SCHOOLS) / 7, "{small_pages} pages of 7");
    let links = whole["links"].as_u64().unwrap();
    assert!(links >= u64::from(DEMO_SCHOOLS + OTHER_SCHOOLS), "every demo link of both partners: {whole}");
    assert!(whole["entries"].as_u64().unwrap() >= links, "every demo link has a log: {whole}");
    assert_eq!(whole["broken"], json!([]), "the demo's logs are intact");

    // Someone with store access rewrites who authorised one school, and cuts
    // the newest entry off another's log.
    gatehouse_tests::tamper::rewrite_log_actor(&app.server.gatehouse, "3280001", 2, "Mallory").await;
    let table = app.server.gatehouse.table.clone();
    let demo_app = gatehouse_core::AppId::parse("demo-app").unwrap();
    let cut = gatehouse_core::SchoolId::parse("3280002").unwrap();
    let log = gatehouse_core::authorisation_log::read(table.as_ref(), &demo_app, &cut).await.unwrap();
    let newest = log.last().expect("the demo link has a log").seq;
    let key = Key::LogEntry(&demo_app, &cut, newest);
    table.delete(&key.pk(), &key.sk(), Condition::Always).await.unwrap().expect("the newest entry");

    let (_, after) = audit_in_pages(&app, &ops, 7).await;
    assert_eq!(after["links"], whole["links"]);
    let found: Vec<(String, u64, String)> = after["broken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|log| {
            assert_eq!(log["app_name"], "Demo Timetabler", "{log}");
            (log["school_id"].as_str().unwrap().to_owned(), log["seq"].as_u64().unwrap(), log["reason"].to_string())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("3280001".to_owned(), 2, "\"the entry was changed\"".to_owned()),
            ("3280002".to_owned(), u64::from(newest - 1), "\"entries after this one are missing\"".to_owned()),
        ]
    );

    // `cargo xtask verify-log` asks the running server the same, in one go.
    let response = app.client.post(app.url("/dev/verify-log")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let whole_run: Value = response.json().await.unwrap();
    assert_eq!(whole_run["links_checked"], after["links"]);
    assert_eq!(whole_run["broken"], json!(after["broken"]));
    assert_eq!(whole_run["next_cursor"], Value::Null);
}

#[tokio::test]
async fn the_log_audit_refuses_a_made_up_cursor_or_limit_and_anyone_but_ops() {
    let (app, partner) = spawn_app_as_demo().await;
    let ops = ops_client(&app).await;
    for (query, field) in [("cursor=not-a-cursor", "cursor"), ("limit=0", "limit"), ("limit=101", "limit")] {
        let response = app.get(&ops, &format!("/api/ops/authorisation-logs/audit?{query}")).await;
        let problem = assert_problem(response, 400, "invalid").await;
        assert_eq!(problem["field"], field, "{problem}");
    }
    let response = app.get(&partner, "/api/ops/authorisation-logs/audit").await;
    assert_problem(response, 401, "sign_in_required").await;
}

/// An import is support's job (#15): a part that is not the register's is refused at once with
/// nothing stored; a good one answers `202`, and the poll shows the job's progress over the
/// part's rows, then its report. A retry with the same `Idempotency-Key` gets the same job; only
/// an ops session reads it.
#[tokio::test]
async fn an_import_is_support_s_job_its_retry_finds_and_a_bad_file_stores_nothing() {
    let (app, partner) = spawn_app_as_demo().await;
    let ops = ops_client(&app).await;
    let before = app.server.store.dump().unwrap();
    let (header, _) = EXTRACT.split_once('\n').unwrap();
    for bad in ["name,town\nx,y\n", "", "URN,EstablishmentName\n190001,Fellside\n"] {
        assert_eq!(assert_problem(import(&app, &ops, bad, None).await, 400, "invalid").await["field"], "file");
    }
    let too_early = import(&app, &ops, EXTRACT, Some(1)).await;
    assert_eq!(assert_problem(too_early, 400, "invalid").await["field"], "first_line");
    assert_eq!(app.server.store.dump().unwrap(), before, "no job, no part, no school");

    let send = |key: &'static str, csv: String| {
        let request = ops.post(app.url("/api/ops/directory/import")).header("Idempotency-Key", key);
        request.header("content-type", "text/csv").body(csv).send()
    };
    let first = send("import-1", EXTRACT.to_owned()).await.unwrap();
    assert_eq!(first.status(), 202);
    let accepted: Value = first.json().await.unwrap();
    let status_url = accepted["status_url"].as_str().unwrap().to_owned();
    assert!(status_url.starts_with("/api/ops/jobs/"), "{accepted}");
    let job = app.finished_job(&ops, &status_url).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["progress"], json!({ "done": 4, "total": 4 }), "every row counted");
    let report = &job["result"]["directory_import"];
    assert_eq!((&report["rows"], &report["created"], &report["skipped"][0]["line"]), (&json!(4), &json!(3), &json!(4)));

    // The retry gets the same job; the same key for another part is refused.
    let again = send("import-1", EXTRACT.to_owned()).await.unwrap();
    assert_eq!(again.json::<Value>().await.unwrap()["job_id"], accepted["job_id"]);
    let other =
        send("import-1", format!("{header}\n190009,Cumbria,Zephyrfield Primary,Open,Primary,CA9 9AA\n")).await.unwrap();
    assert_eq!(assert_problem(other, 400, "invalid").await["field"], "Idempotency-Key");
    assert!(names(&app.get_ok(&ops, "/api/ops/directory/schools?q=zephyrfield").await).is_empty());

    // Support's job: a partner's session is refused, support's jobs path only.
    assert_problem(app.get(&partner, &status_url).await, 401, "sign_in_required").await;
    let as_partner = status_url.replace("/api/ops/jobs/", "/api/partner/jobs/");
    assert_problem(app.get(&partner, &as_partner).await, 404, "not_found").await;
}

/// A worker that stopped half-way leaves the job running; the retry carries on and the report
/// counts each row once, as a clean run does. Delivered again once done, it does nothing.
#[tokio::test]
async fn an_import_attempt_that_stopped_is_run_again_and_counts_each_row_once() {
    let app = spawn_app().await;
    let ops = ops_client(&app).await;
    let gatehouse = &app.server.gatehouse;
    // Accepted without the API, whose POSTs would hand the job to the in-process worker at once.
    let accepting = directory_admin::import_part(gatehouse, EXTRACT, None, None);
    let accepted = access::running("import_directory", accepting).await.unwrap();
    let waiting = app.get_ok(&ops, &accepted.status_url).await;
    assert_eq!((&waiting["state"], &waiting["progress"]), (&json!("accepted"), &json!({ "done": 0, "total": 4 })));

    let detail = json!({ "job_id": accepted.job_id });
    let kind = JobKind::ImportDirectory;
    let stopped = background::start(gatehouse, kind, &detail).await.unwrap().unwrap();
    assert_eq!(app.get_ok(&ops, &accepted.status_url).await["state"], "running");
    drop(stopped);
    assert_eq!(workers::run(gatehouse, kind, &detail).await.unwrap(), WorkOutcome::Done);
    let job = app.get_ok(&ops, &accepted.status_url).await;
    let report = &job["result"]["directory_import"];
    assert_eq!((&report["created"], &report["unchanged"], &report["rows"]), (&json!(3), &json!(0), &json!(4)), "{job}");
    assert_eq!(workers::run(gatehouse, kind, &detail).await.unwrap(), WorkOutcome::AlreadyHandled);
    let found = app.get_ok(&ops, "/api/ops/directory/schools?q=cumbria").await;
    assert_eq!(names(&found), ["Fellside Primary School", "Lakeland Academy", "Old Quarry School"]);
}
