//! P11 / E1: reminders for pending invitations, run as the scheduled job runs.

use chrono::Duration;
use gatehouse_core::demo::DEMO_EMAIL;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app_as_demo, token_after};

const PENDING_SCHOOL: &str = "3280008";
const CANCELLED_SCHOOL: &str = "3280009";
/// Demo: pending authorisations of the demo partner (12) and the other (2).
const PENDING_IN_DEMO: u64 = 14;

fn contact(school: &str) -> String {
    format!("data.lead.{school}@school.example")
}

#[tokio::test]
async fn every_pending_invitation_is_reminded_once_per_slot_with_a_link_that_works() {
    let (app, demo) = spawn_app_as_demo().await;
    app.post_ok(&demo, &format!("/api/partner/schools/{CANCELLED_SCHOOL}/cancel-invite"), json!({})).await;
    // The resend is today: no reminder for it on the same day.
    let before_resend = app.emails_to(&contact(PENDING_SCHOOL)).await.len();
    app.post_ok(&demo, &format!("/api/partner/schools/{PENDING_SCHOOL}/resend-invite"), json!({})).await;
    let resent_token = token_after(&app.emails_to(&contact(PENDING_SCHOOL)).await[0].text, "/authorise#token=");
    assert_eq!(app.emails_to(&contact(PENDING_SCHOOL)).await.len(), before_resend + 1);

    let first: Value = app.run_job("send-reminders").await;
    assert_eq!(first["sent"], PENDING_IN_DEMO - 2, "{first}");
    assert_eq!(first["already_reminded"], 1, "resent today");
    assert_eq!(first["stale"], 0, "cancelling took the invitation off the list at once");
    let reminder = app.emails_to(&contact("3280018")).await;
    assert_eq!(reminder.len(), 1);
    assert!(reminder[0].subject.starts_with("Reminder:"), "{}", reminder[0].subject);
    assert!(app.emails_to(&contact(CANCELLED_SCHOOL)).await.is_empty(), "cancelled: no reminder");

    // Twice in the same slot: nothing is sent twice.
    let second = app.run_job("send_reminders").await;
    assert_eq!(second["sent"], 0);
    assert_eq!(app.emails_to(&contact("3280018")).await.len(), 1);

    // Partners see when, and the log says so.
    let pending = app.get_ok(&demo, "/api/partner/schools?view=pending&q=3280018").await;
    assert_eq!(pending["items"][0]["last_reminded"], "2026-11-23");
    let tile = app.get_ok(&demo, "/api/partner/schools/3280018").await;
    assert_eq!(tile["log"][0]["event"], "reminded");

    // The next day the resent one is reminded too, and its older link dies.
    app.clock.advance(Duration::days(1));
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let next_day = app.run_job("send-reminders").await;
    assert_eq!(next_day["sent"], PENDING_IN_DEMO - 1);
    let newest = token_after(&app.emails_to(&contact(PENDING_SCHOOL)).await[0].text, "/authorise#token=");
    let refused = app.post(&app.client, "/api/invitations/open", json!({ "token": resent_token })).await;
    assert_problem(refused, 410, "link_superseded").await;
    app.post_ok(&app.client, "/api/invitations/open", json!({ "token": newest })).await;

    // Once authorised, a school is no longer reminded.
    let answers = json!({
        "token": newest, "has_authority": true, "approver_name": "Ann Head", "approver_role": "Headteacher",
        "mis": "SIMS", "approved_scopes": ["students"], "gdpr_mode": "Include All", "feed_status": "Enabled"
    });
    app.post_ok(&app.client, "/api/invitations/authorise", answers).await;
    app.clock.advance(Duration::days(1));
    let third_day = app.run_job("send-reminders").await;
    assert_eq!(third_day["sent"], PENDING_IN_DEMO - 2, "{third_day}");
    assert_eq!(third_day["stale"], 0, "authorising took it off the list at once");
    let tile =
        app.get_ok(&app.signed_in_client(DEMO_EMAIL).await, &format!("/api/partner/schools/{PENDING_SCHOOL}")).await;
    // A data lead with no verified authority: the answer waits for
    // operations to verify them (#12), and nobody is reminded meanwhile.
    assert_eq!(tile["view"], "pending");
    assert_eq!(tile["row"]["invitation_status"], "Awaiting Verification");
    drop(demo);
}
