//! Install bookings in the operations console (O1 + S4) over HTTP: ops offer
//! slots, a school books one, a second school cannot take it, ops see the
//! booking with the school and its contact and mark the install done; the
//! partner's lists follow Onboarding Queue → Booked → Installed. Every call
//! repeated changes nothing.

use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, new_client, spawn_app, token_after};

/// A directory school the demo partner invites; not in the demo data.
const SCHOOL: &str = "140004";
const BEA: &str = "bea@brookside-infant-school.example";

/// The demo partner invites the directory school and Bea authorises it (S2),
/// then signs in to the school portal through the newest sign-in email.
async fn bea_authorises_and_signs_in(app: &TestApp, demo: &reqwest::Client) -> reqwest::Client {
    let invitation = json!({
        "urn": SCHOOL,
        "school_contact": { "name": "Bea Bursar", "email": BEA, "role": "Business Manager" },
        "contact_may_authorise": true
    });
    app.post_ok(demo, "/api/partner/invitations", invitation).await;
    let token = token_after(&app.emails_to(BEA).await[0].text, "/authorise#token=");
    let answers = json!({
        "token": token, "has_authority": true, "approver_name": "Bea Bursar",
        "approver_role": "Business Manager", "mis": "Arbor", "approved_scopes": ["students"],
        "gdpr_mode": "Include All", "feed_status": "Enabled"
    });
    app.post_ok(&new_client(), "/api/invitations/authorise", answers).await;
    let requested = app.post(&app.client, "/api/school/auth/magic-link", json!({ "email": BEA })).await;
    assert_eq!(requested.status(), 202);
    let mail = app.emails_to(BEA).await.into_iter().rev().find(|e| e.text.contains("/school/auth#token=")).unwrap();
    let client = new_client();
    let token = token_after(&mail.text, "/school/auth#token=");
    app.post_ok(&client, "/api/school/auth/session", json!({ "token": token })).await;
    client
}

/// The install status on the partner's view of the school.
async fn partner_install_status(app: &TestApp, demo: &reqwest::Client) -> Value {
    app.get_ok(demo, &format!("/api/partner/schools/{SCHOOL}")).await["row"]["install_status"].clone()
}

#[tokio::test]
async fn ops_offer_slots_a_school_books_one_and_ops_mark_it_installed() {
    let app = spawn_app().await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    let demo = app.signed_in_client(DEMO_EMAIL).await;

    // Ops offer two slots (one named twice); offering them again adds nothing.
    let offer = json!({ "date": "2026-12-02", "times": ["10:00", "14:30", " 10:00"] });
    let offered = app.post_ok(&ops, "/api/ops/install-slots", offer.clone()).await;
    let both = json!(["2026-12-02T10:00", "2026-12-02T14:30"]);
    assert_eq!((offered["added"].clone(), offered["slots"].clone()), (json!(2), both.clone()));
    let again = app.post_ok(&ops, "/api/ops/install-slots", offer).await;
    assert_eq!((again["added"].clone(), again["slots"].clone()), (json!(0), both.clone()));
    assert_eq!(app.get_ok(&ops, "/api/ops/install-slots").await["slots"], both);
    assert_eq!(app.get_ok(&ops, "/api/ops/install-bookings").await["items"], json!([]));

    // The school sees them and books one.
    let bea = bea_authorises_and_signs_in(&app, &demo).await;
    assert_eq!(partner_install_status(&app, &demo).await, json!({ "state": "Onboarding Queue" }));
    assert_eq!(app.get_ok(&bea, "/api/school/onboarding").await["slots"], both);
    let booked = app.post_ok(&bea, "/api/school/onboarding/book", json!({ "slot": "2026-12-02T10:00" })).await;
    let booked_status = json!({ "state": "Booked", "slot": "2026-12-02T10:00" });
    assert_eq!(booked["install_status"], booked_status);
    assert_eq!(partner_install_status(&app, &demo).await, booked_status);

    // Ops see the booking with the school and its contact; the slot is no longer free.
    let page = app.get_ok(&ops, "/api/ops/install-bookings").await;
    let name = app.get_ok(&demo, &format!("/api/partner/schools/{SCHOOL}")).await["row"]["name"].clone();
    assert_eq!(page["next_cursor"], Value::Null);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let booking = &items[0];
    assert_eq!(
        [&booking["slot"], &booking["school_id"], &booking["urn"], &booking["school_name"]],
        [&json!("2026-12-02T10:00"), &json!(SCHOOL), &json!(SCHOOL), &name]
    );
    assert_eq!((booking["booked_by"].as_str(), booking["contact_email"].as_str()), (Some("Bea Bursar"), Some(BEA)));
    assert_eq!(booking["installed_at"], Value::Null);
    assert_eq!(app.get_ok(&ops, "/api/ops/install-slots").await["slots"], json!(["2026-12-02T14:30"]));

    // A second school cannot book the same slot.
    let hana = app.signed_in_portal_client("school", DEMO_SCHOOL_EMAIL).await;
    let taken = app.post(&hana, "/api/school/onboarding/book", json!({ "slot": "2026-12-02T10:00" })).await;
    assert_problem(taken, 409, "conflict").await;
    assert_eq!(app.get_ok(&ops, "/api/ops/install-bookings").await["items"].as_array().unwrap().len(), 1);

    // Ops mark it installed; marking again changes nothing.
    let path = format!("/api/ops/install-bookings/{SCHOOL}/installed");
    let marked = app.post_ok(&ops, &path, json!({})).await;
    assert_eq!((marked["school_id"].as_str(), marked["changed"].as_bool()), (Some(SCHOOL), Some(true)));
    let page = app.get_ok(&ops, "/api/ops/install-bookings").await;
    let installed_at = page["items"][0]["installed_at"].clone();
    assert!(installed_at.is_string(), "{page}");
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(app.post_ok(&ops, &path, json!({})).await["changed"], false);
    assert_eq!(app.get_ok(&ops, "/api/ops/install-bookings").await["items"][0]["installed_at"], installed_at);

    // The partner and the school see Installed; the school cannot book again.
    assert_eq!(partner_install_status(&app, &demo).await, json!({ "state": "Installed" }));
    let row = &app.get_ok(&demo, &format!("/api/partner/schools?q={SCHOOL}")).await["items"][0];
    assert_eq!(row["install_status"], json!({ "state": "Installed" }));
    let status = app.get_ok(&bea, "/api/school/onboarding").await;
    assert_eq!(
        (status["install_status"].clone(), status["slots"].clone()),
        (json!({ "state": "Installed" }), json!([]))
    );
    let rebook = app.post(&bea, "/api/school/onboarding/book", json!({ "slot": "2026-12-02T14:30" })).await;
    assert_eq!(assert_problem(rebook, 400, "invalid").await["field"], "slot");
}

#[tokio::test]
async fn bad_offers_and_unknown_schools_get_problems_and_change_nothing() {
    let app = spawn_app().await;
    let ops = app.signed_in_portal_client("ops", DEMO_OPS_EMAIL).await;
    // The clock stands at 2026-11-23 (UK time).
    let cases = [
        (json!({ "date": "02/12/2026", "times": ["10:00"] }), "date"),
        (json!({ "date": "2026-11-22", "times": ["10:00"] }), "date"),
        (json!({ "date": "2026-12-02", "times": [] }), "times"),
        (json!({ "date": "2026-12-02", "times": [" "] }), "times"),
        (json!({ "date": "2026-12-02", "times": ["09:00", "25:00"] }), "times"),
        (json!({ "date": "2026-12-02", "times": ["9.30"] }), "times"),
    ];
    for (body, field) in cases {
        let problem =
            assert_problem(app.post(&ops, "/api/ops/install-slots", body.clone()).await, 400, "invalid").await;
        assert_eq!(problem["field"], field, "{body}");
        assert!(problem["detail"].as_str().is_some_and(|detail| !detail.is_empty()), "{problem}");
    }
    let missing = app.post(&ops, "/api/ops/install-slots", json!({ "date": "2026-12-02" })).await;
    assert_problem(missing, 400, "invalid_body").await;
    assert_eq!(app.get_ok(&ops, "/api/ops/install-slots").await["slots"], json!([]), "nothing half-offered");

    let unknown = app.post(&ops, "/api/ops/install-bookings/999999/installed", json!({})).await;
    assert_problem(unknown, 404, "not_found").await;
    let malformed = app.post(&ops, "/api/ops/install-bookings/not%20a%20school/installed", json!({})).await;
    assert_eq!(assert_problem(malformed, 404, "not_found").await["detail"], "School not found.");
    let cursor = app.get(&ops, "/api/ops/install-bookings?cursor=yesterday").await;
    assert_eq!(assert_problem(cursor, 400, "invalid").await["field"], "cursor");
}
