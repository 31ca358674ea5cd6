//! P7 invite a school from the directory and S2, the school's authorisation
//! wizard by invitation link, over HTTP.

use gatehouse_core::demo::{DEMO_EMAIL, OTHER_EMAIL};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, field_of_each, new_client, spawn_app, spawn_app_as_demo, token_after};

const MARKER: &str = "/authorise#token=";
/// In the synthetic directory extract: Brookside Infant School, Birmingham, open.
const DIRECTORY_SCHOOL: &str = "140004";

#[tokio::test]
async fn the_directory_finds_schools_by_name_words_urn_authority_and_postcode() {
    let (app, demo) = spawn_app_as_demo().await;
    let by_name = app.get_ok(&demo, "/api/directory/schools?q=brookside%20inf").await;
    assert!(field_of_each(&by_name["items"], "urn").contains(&DIRECTORY_SCHOOL.to_owned()), "{by_name}");
    assert!(by_name["items"].as_array().unwrap().iter().all(|s| s["name"].as_str().unwrap().contains("Brookside")));
    let by_urn = app.get_ok(&demo, &format!("/api/directory/schools?q={DIRECTORY_SCHOOL}")).await;
    assert_eq!(field_of_each(&by_urn["items"], "urn"), [DIRECTORY_SCHOOL]);
    let by_postcode = app.get_ok(&demo, "/api/directory/schools?q=B2%201BE").await;
    assert_eq!(field_of_each(&by_postcode["items"], "urn"), [DIRECTORY_SCHOOL]);
    let by_authority = app.get_ok(&demo, "/api/directory/schools?q=birmingham").await;
    assert!(by_authority["items"].as_array().unwrap().iter().all(|s| s["local_authority"] == "Birmingham"));
    let awkward = app.get_ok(&demo, "/api/directory/schools?q=st%20mary%20upper").await;
    assert_eq!(awkward["items"][0]["name"], "St Mary's, \"Upper\" School");
    // Open schools come before closed ones.
    let leeds = app.get_ok(&demo, "/api/directory/schools?q=leeds").await;
    let statuses: Vec<&str> =
        leeds["items"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    let first_closed = statuses.iter().position(|s| *s == "closed").unwrap_or(statuses.len());
    assert!(statuses[first_closed..].iter().all(|s| *s == "closed"), "{statuses:?}");

    let short = app.get(&demo, "/api/directory/schools?q=a").await;
    assert_eq!(assert_problem(short, 400, "invalid").await["field"], "q");
    assert_problem(app.get(&new_client(), "/api/directory/schools?q=oak").await, 401, "sign_in_required").await;
}

fn invitation(urn: &str, email: &str) -> Value {
    json!({
        "urn": urn,
        "school_contact": { "name": "Bea Bursar", "email": email, "role": "Business Manager" },
        "contact_may_authorise": true
    })
}

/// Invites the directory school and returns the token emailed to `contact`.
async fn invite(app: &TestApp, client: &reqwest::Client, contact: &str) -> (Value, String) {
    let outcome = app.post_ok(client, "/api/partner/invitations", invitation(DIRECTORY_SCHOOL, contact)).await;
    let email = &app.emails_to(contact).await[0];
    (outcome, token_after(&email.text, MARKER))
}

#[tokio::test]
async fn a_school_is_invited_once_and_bad_invitations_are_refused() {
    let (app, demo) = spawn_app_as_demo().await;
    let (outcome, _) = invite(&app, &demo, "bea@brookside-infant-school.example").await;
    assert_eq!(
        outcome["message"],
        "Brookside Infant School is invited: the invitation was sent to bea@brookside-infant-school.example."
    );
    let school = &outcome["school"];
    assert_eq!(school["view"], "pending");
    assert_eq!(school["row"]["urn"], DIRECTORY_SCHOOL);
    assert_eq!(school["row"]["invitation_status"], "Invitation Sent");
    assert_eq!(school["row"]["partner_contact"], DEMO_EMAIL);
    assert_eq!(school["log"][0]["event"], "invited");
    let email = &app.emails_to("bea@brookside-infant-school.example").await[0];
    assert!(email.html.contains("Begin Authorisation") && email.text.contains("Hello Bea Bursar"));

    let again = app
        .post(&demo, "/api/partner/invitations", invitation(DIRECTORY_SCHOOL, "other@brookside-infant-school.example"))
        .await;
    assert_problem(again, 409, "already_invited").await;
    assert!(app.emails_to("other@brookside-infant-school.example").await.is_empty());
    let pending = app.get_ok(&demo, "/api/partner/schools?view=pending&q=140004").await;
    assert_eq!(pending["total"], 1, "one invitation, not two");

    // Another partner may invite the same school for its own app.
    let other = app.signed_in_client(OTHER_EMAIL).await;
    app.post_ok(
        &other,
        "/api/partner/invitations",
        invitation(DIRECTORY_SCHOOL, "bea@brookside-infant-school.example"),
    )
    .await;

    let unknown = app.post(&demo, "/api/partner/invitations", invitation("999999", "x@y.example")).await;
    assert_problem(unknown, 404, "not_found").await;
    let closed = app.post(&demo, "/api/partner/invitations", invitation("140034", "x@y.example")).await;
    assert_eq!(assert_problem(closed, 400, "invalid").await["field"], "urn");
    let mut unconfirmed = invitation("140001", "x@y.example");
    unconfirmed["contact_may_authorise"] = json!(false);
    let unconfirmed = app.post(&demo, "/api/partner/invitations", unconfirmed).await;
    assert_eq!(assert_problem(unconfirmed, 400, "invalid").await["field"], "contact_may_authorise");
}

fn answers(token: &str) -> Value {
    json!({
        "token": token,
        "has_authority": true,
        "approver_name": "Dev Head",
        "approver_role": "Headteacher",
        "mis": "Arbor",
        "approved_scopes": ["students", "groups"],
        "gdpr_mode": "Exclude All",
        "feed_status": "Paused"
    })
}

#[tokio::test]
async fn forwarding_then_authorising_makes_the_school_active_with_the_schools_choices() {
    let (app, demo) = spawn_app_as_demo().await;
    let (_, first_token) = invite(&app, &demo, "bea@brookside-infant-school.example").await;
    let school = new_client();

    let opened = app.post_ok(&school, "/api/invitations/open", json!({ "token": first_token })).await;
    assert_eq!((opened["state"].clone(), opened["contact_name"].clone()), (json!("open"), json!("Bea Bursar")));
    assert_eq!(opened["granted_scopes"], json!([]));

    // "No, I am not the right person": forwarded, and the first link dies.
    let forward = json!({ "token": first_token, "to": { "name": "Dev Head", "email": "head@brookside-infant-school.example", "role": "Headteacher" } });
    app.post_ok(&school, "/api/invitations/forward", forward).await;
    let refused = app.post(&school, "/api/invitations/open", json!({ "token": first_token })).await;
    assert_problem(refused, 410, "link_superseded").await;
    let token = token_after(&app.emails_to("head@brookside-infant-school.example").await[0].text, MARKER);

    let done = app.post_ok(&school, "/api/invitations/authorise", answers(&token)).await;
    assert_eq!(done["state"], "authorised");
    assert_eq!(done["receipt"]["approver_name"], "Dev Head");
    assert_eq!(done["receipt"]["granted_scopes"], json!(["students", "groups"]));

    // The partner sees it Active with the school's choices, and the log says who.
    let active = app.get_ok(&demo, "/api/partner/schools?q=140004").await;
    let row = &active["items"][0];
    assert_eq!((row["gdpr_mode"].clone(), row["feed_status"].clone()), (json!("Exclude All"), json!("Paused")));
    assert_eq!(row["mis"], "Arbor");
    let tile = app.get_ok(&demo, &format!("/api/partner/schools/{DIRECTORY_SCHOOL}")).await;
    let events: Vec<&str> = tile["log"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["authorised", "invitation_resent", "invited"]);
    assert_eq!(tile["log"][0]["actor"], "Dev Head");
    assert!(tile["log"][0]["detail"].as_str().unwrap().contains("Exclude All"));
    assert!(tile["log"][1]["detail"].as_str().unwrap().contains("Forwarded by Bea Bursar"));

    // Receipts to the school and the partner contact; an event for apps.
    assert!(
        app.emails_to("head@brookside-infant-school.example").await.iter().any(|e| e.subject.starts_with("Receipt"))
    );
    assert!(
        app.emails_to(DEMO_EMAIL)
            .await
            .iter()
            .any(|e| e.subject.starts_with("Receipt") && e.text.contains("Headteacher"))
    );
    let published: Vec<Value> = app.get(&app.client, "/dev/events.json").await.json().await.unwrap();
    assert!(
        published
            .iter()
            .any(|e| e["detail_type"] == "authorisation.granted" && e["detail"]["school_id"] == DIRECTORY_SCHOOL)
    );

    // Reopening shows the outcome; the link cannot authorise twice.
    let reopened = app.post_ok(&school, "/api/invitations/open", json!({ "token": token })).await;
    assert_eq!(reopened["state"], "authorised");
    assert_problem(app.post(&school, "/api/invitations/authorise", answers(&token)).await, 409, "invitation_used")
        .await;
}

#[tokio::test]
async fn the_wizard_refuses_answers_it_cannot_act_on_and_changes_nothing() {
    let (app, demo) = spawn_app_as_demo().await;
    let (_, token) = invite(&app, &demo, "bea@brookside-infant-school.example").await;
    let cases = [
        ("has_authority", json!(false)),
        ("approver_name", json!(" ")),
        ("mis", json!("Abacus")),
        ("approved_scopes", json!(["home_language"])),
        ("approved_scopes", json!([])),
        ("approved_scopes", json!(["pupil_premium"])),
    ];
    for (field, value) in cases {
        let mut body = answers(&token);
        body[field] = value;
        let problem =
            assert_problem(app.post(&app.client, "/api/invitations/authorise", body).await, 400, "invalid").await;
        assert_eq!(problem["field"], field);
    }
    let mut unknown_mode = answers(&token);
    unknown_mode["gdpr_mode"] = json!("Include Some");
    let unknown_mode = app.post(&app.client, "/api/invitations/authorise", unknown_mode).await;
    assert_eq!(assert_problem(unknown_mode, 400, "invalid").await["field"], "gdpr_mode");
    assert_problem(app.post(&app.client, "/api/invitations/open", json!({ "token": "junk" })).await, 400, "invalid")
        .await;
    let opened = app.post_ok(&app.client, "/api/invitations/open", json!({ "token": token })).await;
    assert_eq!(opened["state"], "open", "nothing was used up");
}

#[tokio::test]
async fn a_school_approves_some_of_the_new_scopes_while_its_grant_stays_live() {
    let (app, demo) = spawn_app_as_demo().await;
    let set = app.get_ok(&demo, "/api/partner/apps/demo-app/permissions").await;
    let mut requested: Vec<Value> = set["requested"].as_array().unwrap().clone();
    requested.extend([json!("home_language"), json!("traveller")]);
    app.save_permission_set(&demo, "demo-app", json!(requested)).await;
    let contact = "data.lead.3280001@school.example";
    let token = token_after(&app.emails_to(contact).await[0].text, MARKER);

    let opened = app.post_ok(&app.client, "/api/invitations/open", json!({ "token": token })).await;
    let granted_before = opened["granted_scopes"].clone();
    assert!(!granted_before.as_array().unwrap().contains(&json!("home_language")));
    assert!(opened["requested_scopes"].as_array().unwrap().contains(&json!("home_language")));

    let mut body = answers(&token);
    body["approved_scopes"] = json!(["home_language"]);
    body["gdpr_mode"] = json!("Include All");
    body["feed_status"] = json!("Enabled");
    let done = app.post_ok(&app.client, "/api/invitations/authorise", body).await;
    let granted = done["receipt"]["granted_scopes"].as_array().unwrap().clone();
    assert!(granted.contains(&json!("home_language")) && !granted.contains(&json!("traveller")));
    for scope in granted_before.as_array().unwrap() {
        assert!(granted.contains(scope), "the earlier grant stays: {scope}");
    }
    let tile = app.get_ok(&demo, "/api/partner/schools/3280001").await;
    assert_eq!(tile["log"][0]["event"], "scopes_changed");
    assert!(tile["log"][0]["detail"].as_str().unwrap().contains("not approved: Traveller"));
    assert_eq!(tile["row"]["reauthorisation_needed"], true, "traveller is still not granted");
    assert_eq!(tile["view"], "active");
    // Saving the same permission set again does not ask this school again.
    let again = app.save_permission_set(&demo, "demo-app", json!(requested)).await;
    assert_eq!(again["schools_notified"], 0);
}

#[tokio::test]
async fn invitation_links_are_rate_limited_per_caller() {
    let app = spawn_app().await;
    let forged = json!({ "token": gatehouse_core::Token::generate().unwrap().expose() });
    for _ in 0..gatehouse_core::invitations::REQUESTS_PER_IP_PER_WINDOW {
        assert_eq!(app.post(&app.client, "/api/invitations/open", forged.clone()).await.status(), 410);
    }
    let limited = app.post(&app.client, "/api/invitations/open", forged).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, "rate_limited").await;
}
