//! Authorisation receipts for the partner's revocations (P6) and the revocation job (E1): like
//! the school portal's changes, each emails a receipt to the school contact and the partner
//! contact, with a link to where each of them sees it, and the emailed receipt is the one the
//! partner downloads.

use chrono::Duration;
use gatehouse_core::demo::DEMO_EMAIL;
use gatehouse_local::OutboxEntry;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_as_demo};

const SCHOOL: &str = "3280002";
const SCHOOL_CONTACT: &str = "data.lead.3280002@school.example";

fn path(action: &str) -> String {
    format!("/api/partner/schools/{SCHOOL}/{action}")
}

/// The receipts to `to` whose subject starts `Receipt: <event> – Demo Timetabler at `.
async fn receipts(app: &TestApp, to: &str, event: &str) -> Vec<OutboxEntry> {
    app.emails_to_about(to, &format!("Receipt: {event} – Demo Timetabler at ")).await
}

/// Checks the one `event` receipt to each contact against the newest log entry of `tile`.
async fn assert_one_receipt_each(app: &TestApp, event: &str, tile: &Value, partner_page: &str) {
    let entry = &tile["log"][0];
    let hash = entry["hash"].as_str().expect("the entry's hash");
    let school_page = format!("{}/school/apps/demo-app", app.server.url);
    let partner_page = format!("{}{partner_page}?school={SCHOOL}", app.server.url);
    for (to, page) in [(SCHOOL_CONTACT, &school_page), (DEMO_EMAIL, &partner_page)] {
        let mails = receipts(app, to, event).await;
        assert_eq!(mails.len(), 1, "one {event:?} receipt to {to}: {mails:?}");
        let mail = &mails[0];
        assert!(mail.subject.ends_with(tile["row"]["name"].as_str().unwrap()), "{}", mail.subject);
        assert!(mail.text.contains(page) && mail.html.contains(page.as_str()), "{to}'s link: {}", mail.text);
        assert!(mail.text.contains(hash), "the receipt carries the entry's hash: {}", mail.text);
        assert!(mail.text.contains(entry["actor"].as_str().unwrap()), "and who acted: {}", mail.text);
    }
}

#[tokio::test]
async fn a_partner_revoking_today_emails_the_receipt_to_both_contacts() {
    let (app, demo) = spawn_app_as_demo().await;
    let request = json!({ "reason": "school_asked", "revoke_on": "2026-11-23" });
    let outcome = app.post_ok(&demo, &path("revoke"), request.clone()).await;
    assert_eq!(outcome["school"]["view"], "revoked", "{outcome}");
    let tile = &outcome["school"];
    assert_eq!(tile["log"][0]["event"], "revoked");
    assert_one_receipt_each(&app, "Revoked", tile, "/schools/revoked").await;

    // The link works: the partner downloads the very receipt the email describes.
    let seq = tile["log"][0]["seq"].as_u64().unwrap();
    let file = app.get(&demo, &format!("{}/{seq}", path("receipts"))).await;
    assert_eq!(file.status(), 200);
    let body = file.text().await.unwrap();
    assert!(body.contains(tile["log"][0]["hash"].as_str().unwrap()) && body.contains("Dana Demo"));

    // Revoking again changes nothing and sends nothing.
    let mails = app.outbox().await.len();
    assert_eq!(app.post_ok(&demo, &path("revoke"), request).await["changed"], false);
    assert_eq!(app.outbox().await.len(), mails);
}

#[tokio::test]
async fn scheduling_cancelling_and_the_job_applying_a_revocation_each_email_a_receipt() {
    let (app, demo) = spawn_app_as_demo().await;
    let later = json!({ "reason": "no_longer_a_customer", "revoke_on": "2026-11-30" });

    let scheduled = app.post_ok(&demo, &path("revoke"), later.clone()).await;
    assert_one_receipt_each(&app, "Revoke scheduled", &scheduled["school"], "/schools").await;
    let cancelled = app.post_ok(&demo, &path("cancel-revoke"), json!({})).await;
    assert_eq!(cancelled["changed"], true, "{cancelled}");
    assert_one_receipt_each(&app, "Revoke cancelled", &cancelled["school"], "/schools").await;
    app.post_ok(&demo, &path("revoke"), later).await;
    assert_eq!(receipts(&app, SCHOOL_CONTACT, "Revoke scheduled").await.len(), 2, "one per scheduling");

    app.clock.advance(Duration::days(7));
    let run = app.run_job("apply-revocations").await;
    assert_eq!(run["applied"], 1, "{run}");
    let demo = app.signed_in_client(DEMO_EMAIL).await;
    let tile = app.get_ok(&demo, &format!("/api/partner/schools/{SCHOOL}")).await;
    assert_eq!(
        (tile["log"][0]["event"].as_str(), tile["log"][0]["actor"].as_str()),
        (Some("revoked"), Some("Gatehouse (scheduled)"))
    );
    assert_one_receipt_each(&app, "Revoked", &tile, "/schools/revoked").await;

    // A second run the same day applies nothing and sends nothing.
    let mails = app.outbox().await.len();
    assert_eq!(app.run_job("apply-revocations").await["applied"], 0);
    assert_eq!(app.outbox().await.len(), mails);
}
