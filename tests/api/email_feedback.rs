//! Email that behaves (#15), over HTTP on the local server: SES's bounce and
//! complaint events (fed through `POST /dev/ses-event`, or drawn by SES's
//! mailbox simulator addresses) put an address on the suppression list;
//! nothing more is sent to it, the sends counting as done; and the partner
//! sees "Email bounced" on the invitation's contact and on the team member.

use chrono::{Duration, Utc};
use gatehouse_core::EmailAddress;
use gatehouse_core::demo::{COLLEAGUE_EMAIL, DEMO_EMAIL, OTHER_EMAIL};
use gatehouse_core::keys::SUPPRESSION_PARTITION;
use gatehouse_core::ports::{Index, Query, Table};
use gatehouse_core::store::suppression::{ses_bounce_event, ses_complaint_event};
use gatehouse_local::ses_simulator::BOUNCE_ADDRESS;
use gatehouse_tests::wait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_as_demo};

const PENDING_SCHOOL: &str = "3280008";
const PENDING_CONTACT: &str = "data.lead.3280008@school.example";
/// In the synthetic directory extract: Brookside Infant School, Birmingham, open.
const DIRECTORY_SCHOOL: &str = "140004";

/// An EventBridge event as SES's configuration set puts it on the default bus.
fn ses_event(detail_type: &str, detail: Value) -> Value {
    json!({ "source": "aws.ses", "detail-type": detail_type, "detail": detail })
}

fn bounce(address: &str, bounce_type: &str) -> Value {
    let address = EmailAddress::parse(address).unwrap();
    ses_event("Email Bounced", ses_bounce_event(&address, bounce_type, Utc::now()))
}

fn complaint(address: &str) -> Value {
    let address = EmailAddress::parse(address).unwrap();
    ses_event("Email Complaint Received", ses_complaint_event(&address, Utc::now()))
}

impl TestApp {
    /// Feeds one event to the consumer; its answer.
    async fn ses_event(&self, event: Value) -> reqwest::Response {
        self.post(&self.client, "/dev/ses-event", event).await
    }

    async fn ses_event_ok(&self, event: Value) -> Value {
        let response = self.ses_event(event).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Every item of the suppression list.
    async fn suppression_list(&self) -> usize {
        let query = Query::partition(Index::Primary, SUPPRESSION_PARTITION);
        self.server.store.query(query).await.unwrap().items.len()
    }
}

fn member<'a>(team: &'a Value, email: &str) -> &'a Value {
    team["members"].as_array().unwrap().iter().find(|member| member["email"] == email).expect("on the team")
}

#[tokio::test]
async fn a_permanent_bounce_or_a_complaint_suppresses_once_and_a_transient_bounce_does_not() {
    let (app, demo) = spawn_app_as_demo().await;
    let transient = app.ses_event_ok(bounce(COLLEAGUE_EMAIL, "Transient")).await;
    assert_eq!(transient, json!({ "suppressed": 0, "already": 0, "transient": 1 }));
    let team = app.get_ok(&demo, "/api/partner/team").await;
    assert_eq!(member(&team, COLLEAGUE_EMAIL)["email_bounce"], Value::Null);

    let permanent = bounce(COLLEAGUE_EMAIL, "Permanent");
    assert_eq!(app.ses_event_ok(permanent.clone()).await, json!({ "suppressed": 1, "already": 0, "transient": 0 }));
    // EventBridge and Lambda both may deliver an event twice: nothing changes.
    assert_eq!(app.ses_event_ok(permanent).await, json!({ "suppressed": 0, "already": 1, "transient": 0 }));
    assert_eq!(app.ses_event_ok(complaint(COLLEAGUE_EMAIL)).await["already"], 1, "the first report stands");
    assert_eq!(app.suppression_list().await, 1);

    let team = app.get_ok(&demo, "/api/partner/team").await;
    let bounced = &member(&team, COLLEAGUE_EMAIL)["email_bounce"];
    assert_eq!(bounced["reason"], "bounced");
    assert!(bounced["since"].as_str().is_some_and(|since| since.ends_with('Z')), "{bounced}");
    assert_eq!(member(&team, DEMO_EMAIL)["email_bounce"], Value::Null);

    app.ses_event_ok(complaint(DEMO_EMAIL)).await;
    let team = app.get_ok(&demo, "/api/partner/team").await;
    assert_eq!(member(&team, DEMO_EMAIL)["email_bounce"]["reason"], "complained");
}

#[tokio::test]
async fn a_malformed_or_unmatched_ses_event_is_refused_clearly_and_writes_nothing() {
    let (app, _) = spawn_app_as_demo().await;
    let mut no_recipients = bounce(COLLEAGUE_EMAIL, "Permanent");
    no_recipients["detail"]["bounce"]["bouncedRecipients"] = json!([]);
    let mut not_an_address = bounce(COLLEAGUE_EMAIL, "Permanent");
    let recipients = not_an_address["detail"]["bounce"]["bouncedRecipients"].as_array_mut().unwrap();
    recipients.push(json!({ "emailAddress": "no-at-sign" }));
    let mut no_detail = bounce(COLLEAGUE_EMAIL, "Permanent");
    no_detail.as_object_mut().unwrap().remove("detail");
    let mut odd_type = bounce(COLLEAGUE_EMAIL, "Permanent");
    odd_type["detail"]["bounce"]["bounceType"] = json!("Soft");
    for malformed in [no_recipients, not_an_address, no_detail, odd_type] {
        let body = assert_problem(app.ses_event(malformed.clone()).await, 400, "invalid").await;
        assert_eq!(body["field"], "detail", "{malformed}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(!detail.is_empty() && !detail.contains(COLLEAGUE_EMAIL), "{body}");
    }
    // What the rule would not match never reaches the consumer.
    let mut delivery = bounce(COLLEAGUE_EMAIL, "Permanent");
    delivery["detail-type"] = json!("Email Delivered");
    let mut ours = complaint(COLLEAGUE_EMAIL);
    ours["source"] = json!("gatehouse");
    for unmatched in [delivery, ours] {
        let body = assert_problem(app.ses_event(unmatched).await, 400, "invalid").await;
        assert_eq!(body["field"], "detail-type");
    }
    assert_eq!(app.suppression_list().await, 0, "nothing was written");
}

#[tokio::test]
async fn nothing_is_sent_to_a_suppressed_address_and_each_send_counts_as_done() {
    let (app, demo) = spawn_app_as_demo().await;
    app.ses_event_ok(bounce(PENDING_CONTACT, "Permanent")).await;
    let before = app.outbox().await.len();

    // A resend: done (the invitation is not owed, so a retry does not loop), nothing sent.
    let resend = format!("/api/partner/schools/{PENDING_SCHOOL}/resend-invite");
    let first = app.post_ok(&demo, &resend, json!({})).await;
    assert_eq!(first["school"]["school_contact_bounce"]["reason"], "bounced", "{first}");
    app.post_ok(&demo, &resend, json!({})).await;
    assert!(app.emails_to(PENDING_CONTACT).await.is_empty());

    // The reminder job: counted as suppressed, not sent, and not tried again the next day either.
    app.clock.advance(Duration::days(1));
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let run = app.run_job("send-reminders").await;
    assert_eq!(run["suppressed"], 1, "{run}");
    assert!(run["sent"].as_u64().is_some_and(|sent| sent > 0), "the others are reminded: {run}");
    assert!(app.emails_to(PENDING_CONTACT).await.is_empty());

    // A sign-in link to a colleague whose mail bounced.
    app.ses_event_ok(bounce(COLLEAGUE_EMAIL, "Permanent")).await;
    assert_eq!(app.request_magic_link(COLLEAGUE_EMAIL).await.status(), 202);
    assert!(app.emails_to(COLLEAGUE_EMAIL).await.is_empty(), "no sign-in link to a bounced address");

    // A new invitation to a contact who complained: the school is invited, the tile says why no email went.
    let contact = "bea@brookside-infant-school.example";
    app.ses_event_ok(complaint(contact)).await;
    let invitation = json!({
        "urn": DIRECTORY_SCHOOL,
        "school_contact": { "name": "Bea Bursar", "email": contact },
        "contact_may_authorise": true
    });
    let invited = app.post_ok(&demo, "/api/partner/invitations", invitation).await;
    assert_eq!(invited["school"]["view"], "pending");
    assert_eq!(invited["school"]["school_contact_bounce"]["reason"], "complained");
    assert!(app.emails_to(contact).await.is_empty());
    // Everyone else still gets their mail.
    assert!(app.outbox().await.len() > before);
}

#[tokio::test]
async fn the_partner_sees_the_bounce_on_the_contact_and_the_member_and_another_partner_sees_nothing() {
    let (app, demo) = spawn_app_as_demo().await;
    app.ses_event_ok(bounce(PENDING_CONTACT, "Permanent")).await;
    app.ses_event_ok(complaint(COLLEAGUE_EMAIL)).await;

    let tile = app.get_ok(&demo, &format!("/api/partner/schools/{PENDING_SCHOOL}")).await;
    assert_eq!(tile["row"]["school_contact"], PENDING_CONTACT);
    assert_eq!(tile["school_contact_bounce"]["reason"], "bounced");
    let unaffected = app.get_ok(&demo, "/api/partner/schools/3280018").await;
    assert_eq!(unaffected["school_contact_bounce"], Value::Null);
    let team = app.get_ok(&demo, "/api/partner/team").await;
    assert_eq!(member(&team, COLLEAGUE_EMAIL)["email_bounce"]["reason"], "complained");

    let other = app.signed_in_client(OTHER_EMAIL).await;
    let theirs = app.get(&other, &format!("/api/partner/schools/{PENDING_SCHOOL}")).await;
    assert_problem(theirs, 404, "not_found").await;
    let their_team = app.get_ok(&other, "/api/partner/team").await;
    let members = their_team["members"].as_array().unwrap();
    assert!(members.iter().all(|member| member["email_bounce"].is_null()), "{their_team}");
    assert!(!their_team.to_string().contains(COLLEAGUE_EMAIL));
}

#[tokio::test]
async fn the_local_mailer_bounces_ses_s_simulator_address_as_ses_does() {
    let (app, demo) = spawn_app_as_demo().await;
    let invitation = json!({
        "urn": DIRECTORY_SCHOOL,
        "school_contact": { "name": "Simon Simulator", "email": BOUNCE_ADDRESS },
        "contact_may_authorise": true
    });
    app.post_ok(&demo, "/api/partner/invitations", invitation).await;
    // SES accepts the email, then reports the bounce.
    assert_eq!(app.emails_to(BOUNCE_ADDRESS).await.len(), 1);
    let school = app.get_ok(&demo, "/api/partner/schools?view=pending&q=brookside").await["items"][0]["school_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tile = wait::until(|| async {
        let tile = app.get_ok(&demo, &format!("/api/partner/schools/{school}")).await;
        (!tile["school_contact_bounce"].is_null()).then_some(tile)
    })
    .await
    .expect("the simulated bounce reached the tile");
    assert_eq!(tile["school_contact_bounce"]["reason"], "bounced");
    app.post_ok(&demo, &format!("/api/partner/schools/{school}/resend-invite"), json!({})).await;
    assert_eq!(app.emails_to(BOUNCE_ADDRESS).await.len(), 1, "no second email to the bounced address");
}

#[tokio::test]
async fn ops_see_the_bounce_on_a_partner_s_first_admin() {
    let (app, _) = spawn_app_as_demo().await;
    let ops = app.signed_in_portal_client("ops", gatehouse_core::demo::DEMO_OPS_EMAIL).await;
    app.ses_event_ok(bounce(OTHER_EMAIL, "Permanent")).await;
    let partners = app.get_ok(&ops, "/api/ops/partners").await;
    let partners = partners["partners"].as_array().unwrap();
    let admin = |email: &str| partners.iter().find(|partner| partner["admin_email"] == email).expect("listed").clone();
    assert_eq!(admin(OTHER_EMAIL)["admin_email_bounce"]["reason"], "bounced");
    assert_eq!(admin(DEMO_EMAIL)["admin_email_bounce"], Value::Null);
}
