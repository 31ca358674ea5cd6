//! P10 permission set and the partner's team, over HTTP.

use gatehouse_core::demo::{COLLEAGUE_EMAIL, DEMO_EMAIL, OTHER_EMAIL};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, field_of_each, spawn_app, spawn_app_as_demo, token_after};

const PERMISSIONS: &str = "/api/partner/apps/demo-app/permissions";
/// Demo: active schools, of which six granted before SEN status was requested.
const AUTHORISED: u64 = 42;
const MISSING_SEN_STATUS: u64 = 6;

fn scopes(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|scope| scope.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn adding_a_scope_asks_every_authorised_school_once_and_removing_one_needs_nobody() {
    let (app, demo) = spawn_app_as_demo().await;
    let set = app.get_ok(&demo, PERMISSIONS).await;
    assert_eq!(set["authorised_schools"], AUTHORISED);
    assert_eq!(set["schools_needing_reauthorisation"], MISSING_SEN_STATUS);
    let needed = app.get_ok(&demo, "/api/partner/schools?reauthorisation=true&page_size=200").await;
    assert_eq!(needed["total"], MISSING_SEN_STATUS);

    let mut requested = scopes(&set["requested"]);
    requested.push("home_language".into());
    let mails_before = app.outbox().await.len();
    let saved = app.post_ok(&demo, PERMISSIONS, json!({ "requested": requested })).await;
    assert_eq!(scopes(&saved["added"]), ["home_language"]);
    assert_eq!(saved["removed"], json!([]));
    assert_eq!(saved["schools_notified"], AUTHORISED);
    assert_eq!(saved["permission_set"]["schools_needing_reauthorisation"], AUTHORISED);
    let mails = app.outbox().await;
    assert_eq!(mails.len() - mails_before, AUTHORISED as usize, "one email per authorised school");
    let review = &mails[0];
    assert!(review.text.contains("Home language"), "{}", review.text);
    let token = token_after(&review.text, "/authorise#token=");
    let opened = app.post_ok(&app.client, "/api/invitations/open", json!({ "token": token })).await;
    assert!(scopes(&opened["requested_scopes"]).contains(&"home_language".to_owned()));

    // Every authorised school now shows "re-authorisation needed"; its log says why.
    let needed = app.get_ok(&demo, "/api/partner/schools?reauthorisation=true&page_size=200").await;
    assert_eq!(needed["total"], AUTHORISED);
    let tile = app.get_ok(&demo, "/api/partner/schools/3280001").await;
    assert_eq!(tile["log"][0]["event"], "reauthorisation_requested");
    assert!(!scopes(&tile["granted_scopes"]).contains(&"home_language".to_owned()), "nothing new is granted");

    // Saving the same set again emails nobody.
    let again = app.post_ok(&demo, PERMISSIONS, json!({ "requested": requested })).await;
    assert_eq!(again["schools_notified"], 0);
    assert_eq!(app.outbox().await.len(), mails.len());

    // Removing scopes takes effect at once and asks nobody.
    requested.retain(|scope| scope != "home_language" && scope != "sen_status");
    let removed = app.post_ok(&demo, PERMISSIONS, json!({ "requested": requested })).await;
    assert_eq!(scopes(&removed["removed"]), ["sen_status", "home_language"]);
    assert_eq!(removed["schools_notified"], 0);
    assert_eq!(removed["permission_set"]["schools_needing_reauthorisation"], 0);
    assert_eq!(app.outbox().await.len(), mails.len());
}

#[tokio::test]
async fn permission_sets_are_for_admins_of_the_owning_partner_only() {
    let app = spawn_app().await;
    let colleague = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;
    assert_eq!(app.get(&colleague, PERMISSIONS).await.status(), 200, "members may look");
    let body = json!({ "requested": ["students"] });
    assert_problem(app.post(&colleague, PERMISSIONS, body.clone()).await, 403, "forbidden").await;
    assert_problem(app.get(&other, PERMISSIONS).await, 404, "not_found").await;
    let problem = assert_problem(app.post(&other, PERMISSIONS, body).await, 404, "not_found").await;
    assert!(!problem.to_string().contains("Demo Timetabler"));

    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let empty = app.post(&demo, PERMISSIONS, json!({ "requested": [] })).await;
    assert_eq!(assert_problem(empty, 400, "invalid").await["field"], "requested");
    let unknown = app.post(&demo, PERMISSIONS, json!({ "requested": ["shoe_size"] })).await;
    assert_eq!(assert_problem(unknown, 400, "invalid").await["field"], "requested[0]");
    assert_eq!(app.get_ok(&demo, PERMISSIONS).await["requested"].as_array().unwrap().len(), 7, "unchanged");
}

#[tokio::test]
async fn an_admin_adds_a_colleague_who_signs_in_and_removing_them_ends_their_sessions() {
    let (app, demo) = spawn_app_as_demo().await;
    let team = app.get_ok(&demo, "/api/partner/team").await;
    assert_eq!(team["can_manage"], true);
    assert_eq!(field_of_each(&team["members"], "email"), [DEMO_EMAIL, COLLEAGUE_EMAIL]);

    let new = json!({ "email": "Rita.Reports@partner.example", "display_name": "Rita Reports", "role": "member" });
    let added = app.post_ok(&demo, "/api/partner/team", new.clone()).await;
    assert!(field_of_each(&added["members"], "email").contains(&"rita.reports@partner.example".to_owned()));
    let welcome = app.emails_to("rita.reports@partner.example").await;
    assert_eq!(welcome.len(), 1);
    assert!(welcome[0].text.contains("Dana Demo added you"), "{}", welcome[0].text);
    app.post_ok(&demo, "/api/partner/team", new).await;
    assert_eq!(app.emails_to("rita.reports@partner.example").await.len(), 1, "adding twice welcomes once");

    // Two sessions for Rita; removing her ends both. (Each a second apart, so
    // the outbox orders the welcome and sign-in emails.)
    app.clock.advance(chrono::Duration::seconds(1));
    let rita = app.signed_in_client("rita.reports@partner.example").await;
    // A second later, so the outbox orders the two sign-in emails.
    app.clock.advance(chrono::Duration::seconds(1));
    let rita_again = app.signed_in_client("rita.reports@partner.example").await;
    let me: Value = app.get_ok(&rita, "/api/me").await;
    assert_eq!((me["partner_name"].clone(), me["role"].clone()), (json!("Demo Partner Ltd"), json!("member")));
    let removed =
        app.post_ok(&demo, "/api/partner/team/remove", json!({ "email": "rita.reports@partner.example" })).await;
    assert!(!field_of_each(&removed["members"], "email").contains(&"rita.reports@partner.example".to_owned()));
    for client in [&rita, &rita_again] {
        assert_problem(app.get(client, "/api/me").await, 401, "sign_in_required").await;
    }
    // She can no longer get a link either, and removing again is a no-op.
    let sent = app.emails_to("rita.reports@partner.example").await.len();
    app.request_magic_link("rita.reports@partner.example").await;
    assert_eq!(app.emails_to("rita.reports@partner.example").await.len(), sent, "no sign-in email");
    app.post_ok(&demo, "/api/partner/team/remove", json!({ "email": "rita.reports@partner.example" })).await;
    assert_eq!(app.get(&demo, "/api/me").await.status(), 200, "the admin's own session is untouched");
}

#[tokio::test]
async fn only_admins_manage_the_team_and_teams_stay_apart() {
    let (app, demo) = spawn_app_as_demo().await;
    let colleague = app.signed_in_client(COLLEAGUE_EMAIL).await;
    let other = app.signed_in_client(OTHER_EMAIL).await;

    let seen = app.get_ok(&colleague, "/api/partner/team").await;
    assert_eq!(seen["can_manage"], false);
    let add = json!({ "email": "x@partner.example", "display_name": "X" });
    assert_problem(app.post(&colleague, "/api/partner/team", add).await, 403, "forbidden").await;
    let remove = json!({ "email": DEMO_EMAIL });
    assert_problem(app.post(&colleague, "/api/partner/team/remove", remove.clone()).await, 403, "forbidden").await;

    let other_team = app.get_ok(&other, "/api/partner/team").await;
    assert_eq!(field_of_each(&other_team["members"], "email"), [OTHER_EMAIL]);
    // Another partner's admin removing a demo user changes nothing.
    let not_theirs = json!({ "email": COLLEAGUE_EMAIL });
    app.post_ok(&other, "/api/partner/team/remove", not_theirs).await;
    assert_eq!(app.get(&colleague, "/api/me").await.status(), 200);
    // Nor can they claim an address that belongs to another organisation.
    let steal = json!({ "email": COLLEAGUE_EMAIL, "display_name": "Mine now" });
    assert_eq!(
        assert_problem(app.post(&other, "/api/partner/team", steal).await, 400, "invalid").await["field"],
        "email"
    );
    assert_eq!(field_of_each(&app.get_ok(&other, "/api/partner/team").await["members"], "email"), [OTHER_EMAIL]);

    assert_problem(app.post(&demo, "/api/partner/team/remove", remove).await, 400, "invalid").await;
    let bad = app.post(&demo, "/api/partner/team", json!({ "email": "nope", "display_name": "N" })).await;
    assert_eq!(assert_problem(bad, 400, "invalid").await["field"], "email");
}
