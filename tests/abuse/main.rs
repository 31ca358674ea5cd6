//! #12, consent integrity, attacked from outside: each test is one attack a
//! review of the code found, run as a black box through the real routes, on
//! the embedded store and on DynamoDB/SES through moto (`both!`). Before the
//! fix every one of them succeeded; `docs/SECURITY.md` names the check that
//! stops each.

use chrono::Duration;
use gatehouse_core::demo::{COLLEAGUE_EMAIL, DEMO_EMAIL, DEMO_OPS_EMAIL, OTHER_EMAIL};
use gatehouse_core::ports::Clock;
use gatehouse_core::{SchoolId, agent_keys, synthetic};
use serde_json::{Value, json};

use gatehouse_tests::both;
use gatehouse_tests::stack::Stack;

const INVITE_LINK: &str = "/authorise#token=";
const SCHOOL_SIGN_IN_LINK: &str = "/school/auth#token=";
/// In the directory, with the website brookside-infant-school.example.
const BROOKSIDE: &str = "140004";
/// In the directory, with no website: nothing vouches for an address there.
const MILLBROOK: &str = "140007";
const BEA: &str = "bea@brookside-infant-school.example";

fn invitation(urn: &str, email: &str) -> Value {
    json!({
        "urn": urn,
        "school_contact": { "name": "Named Contact", "email": email, "role": "Data Lead" },
        "contact_may_authorise": true
    })
}

/// The S2 wizard's answers: students and groups, Include All, feed on.
fn answers(token: &str, name: &str) -> Value {
    json!({
        "token": token, "has_authority": true, "approver_name": name, "approver_role": "Headteacher",
        "mis": "SIMS", "approved_scopes": ["students", "groups"], "gdpr_mode": "Include All", "feed_status": "Enabled"
    })
}

/// Invites `urn` for the partner signed in on `partner` and answers the
/// emailed link as `contact`; returns the wizard's outcome.
async fn invite_and_answer(stack: &Stack, partner: &reqwest::Client, urn: &str, contact: &str) -> Value {
    let (status, body) = stack.post(partner, "/api/partner/invitations", invitation(urn, contact)).await;
    assert_eq!(status, 200, "invite {urn}: {body}");
    let token = stack.token_for(contact, INVITE_LINK).await;
    let (status, done) =
        stack.post(&reqwest::Client::new(), "/api/invitations/authorise", answers(&token, "Cal")).await;
    assert_eq!(status, 200, "{contact} answers: {done}");
    done
}

/// Brookside authorised for the demo app by Bea, whose address is at the
/// school's verified domain: she becomes its first admin and the app its
/// data. Returns the demo partner's and Bea's signed-in clients.
async fn brookside_with_bea(stack: &Stack) -> (reqwest::Client, reqwest::Client) {
    let demo = stack.sign_in("", DEMO_EMAIL).await;
    let done = invite_and_answer(stack, &demo, BROOKSIDE, BEA).await;
    assert_eq!(done["state"], "authorised", "a verified-domain address authorises: {done}");
    let bea = stack.sign_in("school", BEA).await;
    let (_, me) = stack.get(&bea, "/api/school/me").await;
    assert_eq!(me["access"], "admin", "{me}");
    (demo, bea)
}

/// Pushes a small synthetic school for `school` through the agent API.
async fn push_pupils(stack: &Stack, school: &str) {
    let key = agent_keys::issue(&stack.gatehouse, &SchoolId::parse(school).unwrap(), "Gatehouse support")
        .await
        .unwrap()
        .secret
        .expose()
        .to_owned();
    let extract = synthetic::school(3, 20, stack.clock.now().date_naive());
    let receipt = gatehouse_tests::jobs::push_extract(&reqwest::Client::new(), &stack.url(""), &key, &extract)
        .await
        .expect("the agent's push");
    assert_eq!(receipt["outcome"], "applied", "{receipt}");
}

/// The school's id as the partner's list has it.
async fn school_id_of(stack: &Stack, partner: &reqwest::Client, urn: &str) -> String {
    let (_, page) = stack.get(partner, &format!("/api/partner/schools?view=pending&q={urn}")).await;
    let found = page["items"].as_array().and_then(|items| items.first()).cloned();
    let found = match found {
        Some(row) => row,
        None => stack.get(partner, &format!("/api/partner/schools?view=active&q={urn}")).await.1["items"][0].clone(),
    };
    found["school_id"].as_str().unwrap_or_else(|| panic!("{urn} in a list")).to_owned()
}

async fn pending_status(stack: &Stack, partner: &reqwest::Client, urn: &str) -> Value {
    let (_, page) = stack.get(partner, &format!("/api/partner/schools?view=pending&q={urn}")).await;
    page["items"][0]["invitation_status"].clone()
}

/// Attack 1a: the partner names itself (or a colleague, or its own domain)
/// as the school contact, by the portal or by API, to receive the link.
async fn a_partner_cannot_name_itself_the_school_contact(stack: Stack) {
    let demo = stack.sign_in("", DEMO_EMAIL).await;
    for address in [DEMO_EMAIL, COLLEAGUE_EMAIL, "new.starter@partner.example", OTHER_EMAIL] {
        let (status, body) = stack.post(&demo, "/api/partner/invitations", invitation(BROOKSIDE, address)).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "{address}: {body}");
        assert_eq!(body["field"], "school_contact");
        assert!(stack.emails_to(address).await.iter().all(|mail| !mail.text.contains(INVITE_LINK)));
    }
    let key = stack.demo_app_key(&demo).await;
    let response = reqwest::Client::new()
        .post(stack.url("/api/v1/invitations"))
        .bearer_auth(&key)
        .json(&invitation(BROOKSIDE, COLLEAGUE_EMAIL))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "an app cannot name a partner user either");
    let (_, pending) = stack.get(&demo, &format!("/api/partner/schools?view=pending&q={BROOKSIDE}")).await;
    assert_eq!(pending["items"], json!([]), "nothing was invited");
}
both!(a_partner_cannot_name_itself_the_school_contact);

/// Attack 1b: a partner invites a school that already shares data, naming an
/// address it controls, and authorises its own app through the link. The
/// school's admin decides instead; until then the app reads nothing, and the
/// link's holder gets no account.
async fn a_named_stranger_cannot_authorise_for_a_school_that_has_admins(stack: Stack) {
    let (_demo, bea) = brookside_with_bea(&stack).await;
    push_pupils(&stack, BROOKSIDE).await;

    let other = stack.sign_in("", OTHER_EMAIL).await;
    let mallory = "mallory@elsewhere.example";
    let done = invite_and_answer(&stack, &other, BROOKSIDE, mallory).await;
    assert_eq!(done["state"], "awaiting_school_approval", "{done}");
    assert_eq!(done["receipt"], Value::Null, "nothing was authorised");

    let (status, body) = stack.post(&other, "/api/partner/apps/other-app/keys", json!({ "label": "Sync" })).await;
    assert_eq!(status, 200, "{body}");
    let key = body["secret"].as_str().unwrap().to_owned();
    let school = school_id_of(&stack, &other, BROOKSIDE).await;
    let (status, body) = stack.get_as(&key, &format!("/api/v1/schools/{school}/students")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("awaiting_school_approval")), "{body}");
    let (_, connection) = stack.get_as(&key, &format!("/api/v1/schools/{school}/status")).await;
    assert_eq!(connection["state"], "awaiting_school_approval");
    assert_eq!(pending_status(&stack, &other, BROOKSIDE).await, "Awaiting School Approval");

    // The admin is asked; the stranger has no school account.
    assert!(stack.emails_to(BEA).await.iter().any(|mail| mail.subject.contains("an admin must approve")));
    let (status, _) =
        stack.post(&reqwest::Client::new(), "/api/school/auth/magic-link", json!({ "email": mallory })).await;
    assert_eq!(status, 202);
    assert!(stack.emails_to(mallory).await.iter().all(|mail| !mail.text.contains(SCHOOL_SIGN_IN_LINK)));

    // The admin declines: still nothing for the app, and the link is spent.
    let (status, outcome) = stack.post(&bea, "/api/school/apps/other-app/decline", json!({ "note": "Not ours" })).await;
    assert_eq!((status, outcome["changed"].clone()), (200, json!(true)), "{outcome}");
    let (status, body) = stack.get_as(&key, &format!("/api/v1/schools/{school}/students")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("not_authorised")), "{body}");
    let token = stack.token_for(mallory, INVITE_LINK).await;
    let (status, _) = stack.post(&reqwest::Client::new(), "/api/invitations/authorise", answers(&token, "M")).await;
    assert_eq!(status, 409, "a used link cannot answer again");
}
both!(a_named_stranger_cannot_authorise_for_a_school_that_has_admins);

/// Attack 1c: the first authorisation for a school nothing vouches for. It
/// waits for operations, who see the evidence; only then does it count.
async fn a_first_authoriser_nobody_vouches_for_waits_for_operations(stack: Stack) {
    let demo = stack.sign_in("", DEMO_EMAIL).await;
    let head = "head@millbrook-mail.example";
    let done = invite_and_answer(&stack, &demo, MILLBROOK, head).await;
    assert_eq!(done["state"], "awaiting_verification", "{done}");
    assert_eq!(pending_status(&stack, &demo, MILLBROOK).await, "Awaiting Verification");
    let key = stack.demo_app_key(&demo).await;
    let school = school_id_of(&stack, &demo, MILLBROOK).await;
    let (status, body) = stack.get_as(&key, &format!("/api/v1/schools/{school}/students")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("awaiting_verification")), "{body}");
    let (status, _) =
        stack.post(&reqwest::Client::new(), "/api/school/auth/magic-link", json!({ "email": head })).await;
    assert_eq!(status, 202);
    assert!(stack.emails_to(head).await.iter().all(|mail| !mail.text.contains(SCHOOL_SIGN_IN_LINK)));

    let ops = stack.sign_in("ops", DEMO_OPS_EMAIL).await;
    let (_, queue) = stack.get(&ops, "/api/ops/verifications").await;
    let entry = queue["waiting"].as_array().unwrap().iter().find(|entry| entry["school_id"] == school.as_str());
    let entry = entry.unwrap_or_else(|| panic!("Millbrook waits for verification: {queue}")).clone();
    assert_eq!(
        (entry["authoriser_email"].as_str(), entry["email_domain"].as_str(), entry["invited_by"].as_str()),
        (Some(head), Some("millbrook-mail.example"), Some("Dana Demo"))
    );
    assert_eq!(entry["directory_domains"], json!([]));
    // Neither a partner nor a school session can decide.
    let decide = json!({ "app_id": "demo-app", "school_id": school, "decision": "verify" });
    let (status, _) = stack.post(&demo, "/api/ops/verifications/decide", decide.clone()).await;
    assert_eq!(status, 401);
    let (status, after) = stack.post(&ops, "/api/ops/verifications/decide", decide.clone()).await;
    assert_eq!(status, 200, "{after}");
    assert!(after["waiting"].as_array().unwrap().iter().all(|entry| entry["school_id"] != school.as_str()));
    let (status, _) = stack.post(&ops, "/api/ops/verifications/decide", decide).await;
    assert_eq!(status, 404, "decided once");

    let (_, connection) = stack.get_as(&key, &format!("/api/v1/schools/{school}/status")).await;
    assert_eq!(connection["state"], "not_installed", "authorised now; the agent is still to come: {connection}");
    let verified = stack.sign_in("school", head).await;
    let (_, me) = stack.get(&verified, "/api/school/me").await;
    assert_eq!(me["access"], "admin", "the verified authoriser is the school's first admin");
}
both!(a_first_authoriser_nobody_vouches_for_waits_for_operations);

/// Attack 2: an emailed link outlives the state it was issued for. A
/// re-authorisation link must not bring a revoked app back, nor grant scopes
/// an admin declined, nor survive the revocation job.
async fn consent_cannot_be_brought_back_by_an_old_link(stack: Stack) {
    let (demo, bea) = brookside_with_bea(&stack).await;
    let school = school_id_of(&stack, &demo, BROOKSIDE).await;
    let ask_for = |scopes: &[&str]| json!({ "requested": scopes });
    let mut requested = vec!["students", "staff", "contacts", "groups", "pupil_premium", "free_school_meals"];
    requested.push("sen_status");

    // The app asks for more; the school declines the new scope in the portal.
    requested.push("traveller");
    let (status, job) = stack.post_job(&demo, "/api/partner/apps/demo-app/permissions", ask_for(&requested)).await;
    assert_eq!((status, &job["state"]), (200, &json!("done")), "{job}");
    let reauthorise = stack.token_for(BEA, INVITE_LINK).await;
    let (_, detail) = stack.get(&bea, "/api/school/apps/demo-app").await;
    let keep = json!({
        "approved_scopes": [], "gdpr_mode": "Include All", "feed_status": "Enabled", "mis": detail["row"]["mis"]
    });
    let (status, body) = stack.post(&bea, "/api/school/apps/demo-app/authorise", keep).await;
    assert_eq!(status, 200, "{body}");
    let mut resend = answers(&reauthorise, "Bea");
    resend["approved_scopes"] = json!(["traveller"]);
    resend["gdpr_mode"] = json!("Exclude All");
    let (status, body) = stack.post(&reqwest::Client::new(), "/api/invitations/authorise", resend).await;
    assert_eq!((status, body["code"].as_str()), (410, Some("link_superseded")), "{body}");
    let (_, tile) = stack.get(&demo, &format!("/api/partner/schools/{school}")).await;
    assert!(!tile["granted_scopes"].as_array().unwrap().contains(&json!("traveller")), "{tile}");
    assert_eq!(tile["row"]["gdpr_mode"], "Include All");

    // The app asks again; the partner revokes; the new link cannot undo it.
    requested.push("looked_after");
    stack.post_job(&demo, "/api/partner/apps/demo-app/permissions", ask_for(&requested)).await;
    let reauthorise = stack.token_for(BEA, INVITE_LINK).await;
    let today = stack.clock.now().date_naive().to_string();
    let revoke = json!({ "reason": "no_longer_a_customer", "revoke_on": today });
    let (status, body) = stack.post(&demo, &format!("/api/partner/schools/{school}/revoke"), revoke).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        stack.post(&reqwest::Client::new(), "/api/invitations/authorise", answers(&reauthorise, "Bea")).await;
    assert_eq!((status, body["code"].as_str()), (410, Some("link_superseded")), "{body}");
    let (_, tile) = stack.get(&demo, &format!("/api/partner/schools/{school}")).await;
    assert_eq!(tile["view"], "revoked");

    // Re-invited and authorised again; a revocation the job applies later
    // ends the link issued before it.
    let (status, body) =
        stack.post(&demo, &format!("/api/partner/schools/{school}/reinvite"), json!({ "new_contact": null })).await;
    assert_eq!(status, 200, "{body}");
    let token = stack.token_for(BEA, INVITE_LINK).await;
    let (status, done) =
        stack.post(&reqwest::Client::new(), "/api/invitations/authorise", answers(&token, "Bea")).await;
    assert_eq!((status, done["state"].as_str()), (200, Some("authorised")), "{done}");
    let tomorrow = (stack.clock.now().date_naive() + Duration::days(1)).to_string();
    let revoke = json!({ "reason": "school_asked", "revoke_on": tomorrow });
    stack.post(&demo, &format!("/api/partner/schools/{school}/revoke"), revoke).await;
    requested.push("home_language");
    stack.post_job(&demo, "/api/partner/apps/demo-app/permissions", ask_for(&requested)).await;
    let reauthorise = stack.token_for(BEA, INVITE_LINK).await;
    stack.clock.advance(Duration::days(1));
    gatehouse_core::jobs::run(&stack.gatehouse, "apply_revocations").await.unwrap();
    let (status, body) =
        stack.post(&reqwest::Client::new(), "/api/invitations/authorise", answers(&reauthorise, "Bea")).await;
    assert_eq!((status, body["code"].as_str()), (410, Some("link_superseded")), "{body}");
}
both!(consent_cannot_be_brought_back_by_an_old_link);

/// Attack 3: a demoted admin keeps admin powers in the sessions they have,
/// and promotes themselves back. Partner and school alike.
async fn a_demoted_admin_loses_powers_at_once(stack: Stack) {
    let (demo, bea) = brookside_with_bea(&stack).await;

    let pat = "pat@partner.example";
    let add = |role: &str| json!({ "email": pat, "display_name": "Pat Partner", "role": role });
    assert_eq!(stack.post(&demo, "/api/partner/team", add("admin")).await.0, 200);
    let pat_client = stack.sign_in("", pat).await;
    assert_eq!(stack.get(&pat_client, "/api/partner/team").await.1["can_manage"], true);
    assert_eq!(stack.post(&demo, "/api/partner/team", add("member")).await.0, 200);
    assert_eq!(stack.get(&pat_client, "/api/me").await.0, 401, "the admin session ended with the role");
    let pat_client = stack.sign_in("", pat).await;
    assert_eq!(stack.get(&pat_client, "/api/me").await.1["role"], "member");
    let (status, body) = stack.post(&pat_client, "/api/partner/team", add("admin")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "no promoting oneself: {body}");

    let deputy = "deputy@brookside-infant-school.example";
    let colleague = |access: &str| json!({ "name": "Dee Deputy", "email": deputy, "role": "Deputy", "access": access });
    assert_eq!(stack.post(&bea, "/api/school/team", colleague("admin")).await.0, 200);
    let dee = stack.sign_in("school", deputy).await;
    assert_eq!(stack.get(&dee, "/api/school/me").await.1["access"], "admin");
    assert_eq!(stack.post(&bea, "/api/school/team", colleague("member")).await.0, 200);
    assert_eq!(stack.get(&dee, "/api/school/me").await.0, 401, "the admin session ended with the access");
    let dee = stack.sign_in("school", deputy).await;
    assert_eq!(stack.get(&dee, "/api/school/me").await.1["access"], "member");
    assert_eq!(stack.get(&dee, "/api/school/apps").await.0, 200, "members see");
    // Every role change is in the school's team log (the test clock stands
    // still, so entries of one moment come in no particular order).
    let (_, team) = stack.get(&dee, "/api/school/team").await;
    let changes: Vec<(String, String)> = team["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| (change["colleague"].as_str().unwrap().to_owned(), change["change"].as_str().unwrap().to_owned()))
        .collect();
    let has = |who: &str, what: &str| changes.iter().any(|(name, change)| name == who && change == what);
    assert!(has("Dee Deputy", "added as an admin") && has("Dee Deputy", "made a member"), "{team}");
    assert!(changes.iter().any(|(who, change)| who == "Cal" && change.contains("first admin")), "{changes:?}");
    for (path, body) in [
        ("/api/school/apps/demo-app/settings", json!({ "feed_status": "Paused" })),
        ("/api/school/team", colleague("admin")),
        ("/api/school/onboarding/self-install", json!({})),
    ] {
        let (status, problem) = stack.post(&dee, path, body).await;
        assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")), "a member on {path}: {problem}");
    }
    // The last admin stays one.
    let myself = json!({ "name": "Bea", "email": BEA, "role": "Headteacher", "access": "member" });
    let (status, problem) = stack.post(&bea, "/api/school/team", myself).await;
    assert_eq!((status, problem["field"].as_str()), (400, Some("access")), "{problem}");
    // The admin's key rotation is told to every admin.
    let (status, _) = stack.post(&bea, "/api/school/onboarding/self-install", json!({})).await;
    assert_eq!(status, 200);
    assert!(stack.emails_to(BEA).await.iter().any(|mail| mail.subject.contains("new MIS agent key")));
    assert!(stack.emails_to(deputy).await.iter().all(|mail| !mail.subject.contains("new MIS agent key")));
}
both!(a_demoted_admin_loses_powers_at_once);

/// Attack 4: the app keeps reading after the date the school chose, until
/// the daily job runs (or for ever if it fails).
async fn access_ends_on_its_date_without_the_job(stack: Stack) {
    let (demo, bea) = brookside_with_bea(&stack).await;
    push_pupils(&stack, BROOKSIDE).await;
    let key = stack.demo_app_key(&demo).await;
    let school = school_id_of(&stack, &demo, BROOKSIDE).await;
    let students = format!("/api/v1/schools/{school}/students");
    let (status, page) = stack.get_as(&key, &students).await;
    assert_eq!(status, 200, "{page}");
    assert!(!page["data"].as_array().unwrap().is_empty(), "the app reads pupils: {page}");

    let tomorrow = (stack.clock.now().date_naive() + Duration::days(1)).to_string();
    let (status, body) = stack.post(&bea, "/api/school/apps/demo-app/revoke", json!({ "revoke_on": tomorrow })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(stack.get_as(&key, &students).await.0, 200, "until the date, the app still reads");

    stack.clock.advance(Duration::days(1));
    let bea = stack.sign_in("school", BEA).await;
    let (status, body) = stack.get_as(&key, &students).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("authorisation_revoked")), "{body}");
    assert_eq!(stack.get_as(&key, &format!("/api/v1/schools/{school}/status")).await.1["state"], "revoked");
    let demo = stack.sign_in("", DEMO_EMAIL).await;
    let (_, tile) = stack.get(&demo, &format!("/api/partner/schools/{school}")).await;
    assert_eq!((tile["view"].as_str(), tile["actions"].clone()), (Some("revoked"), json!([])), "{tile}");
    let (_, dashboard) = stack.get(&bea, "/api/school/apps").await;
    let row = dashboard["apps"].as_array().unwrap().iter().find(|row| row["app_id"] == "demo-app").unwrap().clone();
    assert_eq!(row["state"], "revoked", "{row}");
}
both!(access_ends_on_its_date_without_the_job);
