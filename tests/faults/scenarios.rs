//! One valid request per write route (a few routes have two: the change
//! now and the change from a date), by a caller allowed to make it, on the
//! template's data.

use gatehouse_core::demo::{COLLEAGUE_EMAIL, DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_tests::stack::beas_answers;
use serde_json::json;

use crate::fixtures::{
    BOOKED_SCHOOL, Fixtures, HELD_SCHOOL, PORTAL_PUPILS, PORTAL_SEED, QUEUED_SCHOOL, SCHEDULED_SCHOOL,
    SCHOOL_COLLEAGUE, UNINVITED_URN, school_admin, today,
};
use crate::{Call, Caller};

pub struct Scenario {
    /// The route's `name` in `ROUTES`.
    pub route: &'static str,
    /// What this request does, when a route has more than one.
    pub label: &'static str,
    pub call: fn(&Fixtures) -> Call,
}

const fn drive(route: &'static str, call: fn(&Fixtures) -> Call) -> Scenario {
    Scenario { route, label: "", call }
}

const fn drive_as(route: &'static str, label: &'static str, call: fn(&Fixtures) -> Call) -> Scenario {
    Scenario { route, label, call }
}

/// Write routes not driven here, each with why. The suite fails if a
/// write route is neither driven nor listed.
pub const NOT_DRIVEN: &[(&str, &str)] = &[(
    "issue_oauth_token",
    "its one write is a conditional put of a new access token: a failure leaves nothing half done for a retry to \
     finish, and the client simply asks again (tests/api/oauth.rs holds every refusal)",
)];

fn partner(fx: &Fixtures) -> Caller {
    fx.cookie(DEMO_EMAIL)
}

fn ops(fx: &Fixtures) -> Caller {
    fx.cookie(DEMO_OPS_EMAIL)
}

fn head(fx: &Fixtures) -> Caller {
    fx.cookie(DEMO_SCHOOL_EMAIL)
}

fn admin_of(fx: &Fixtures, school: &str) -> Caller {
    fx.cookie(&school_admin(school))
}

pub fn all() -> Vec<Scenario> {
    vec![
        // Sign-in (P1, S3, O1).
        drive("request_magic_link", |_| Call::post("/api/auth/magic-link", json!({ "email": DEMO_EMAIL }))),
        drive("create_session", |fx| Call::post("/api/auth/session", json!({ "token": fx.login_tokens[""] }))),
        drive("logout", |fx| Call::post("/api/auth/logout", json!({})).by(&partner(fx))),
        drive("request_school_magic_link", |_| {
            Call::post("/api/school/auth/magic-link", json!({ "email": DEMO_SCHOOL_EMAIL }))
        }),
        drive("create_school_session", |fx| {
            Call::post("/api/school/auth/session", json!({ "token": fx.login_tokens["school"] }))
        }),
        drive("school_logout", |fx| Call::post("/api/school/auth/logout", json!({})).by(&head(fx))),
        drive("request_ops_magic_link", |_| Call::post("/api/ops/auth/magic-link", json!({ "email": DEMO_OPS_EMAIL }))),
        drive("create_ops_session", |fx| {
            Call::post("/api/ops/auth/session", json!({ "token": fx.login_tokens["ops"] }))
        }),
        drive("ops_logout", |fx| Call::post("/api/ops/auth/logout", json!({})).by(&ops(fx))),
        // The partner's actions on a school (P6, P7, P10).
        drive_as("revoke_school_access", "now", |fx| {
            let body = json!({ "reason": "school_asked", "revoke_on": today().to_string() });
            Call::post(format!("/api/partner/schools/{QUEUED_SCHOOL}/revoke"), body).by(&partner(fx))
        }),
        drive_as("revoke_school_access", "from a date", |fx| {
            let body = json!({ "reason": "no_longer_a_customer", "revoke_on": "2026-11-30" });
            Call::post(format!("/api/partner/schools/{HELD_SCHOOL}/revoke"), body).by(&partner(fx))
        }),
        drive("cancel_revocation", |fx| {
            Call::post(format!("/api/partner/schools/{SCHEDULED_SCHOOL}/cancel-revoke"), json!({})).by(&partner(fx))
        }),
        drive("set_school_priority", |fx| {
            Call::post("/api/partner/schools/3280018/priority", json!({ "priority": true })).by(&partner(fx))
        }),
        drive("cancel_invitation", |fx| {
            Call::post("/api/partner/schools/3280009/cancel-invite", json!({})).by(&partner(fx))
        }),
        drive_as("resend_invitation", "same contact", |fx| {
            Call::post("/api/partner/schools/3280008/resend-invite", json!({ "new_contact": null })).by(&partner(fx))
        }),
        drive_as("resend_invitation", "new contact", |fx| {
            let contact = json!({ "name": "Nia New", "email": "nia.new@school.example", "role": "Data Manager" });
            let body = json!({ "new_contact": contact });
            Call::post("/api/partner/schools/3280018/resend-invite", body).by(&partner(fx))
        }),
        drive("reinvite_school", |fx| {
            Call::post("/api/partner/schools/3280010/reinvite", json!({ "new_contact": null })).by(&partner(fx))
        }),
        // The other partner's app: seven authorised schools to ask again.
        drive("update_permission_set", |fx| {
            let body = json!({ "requested": ["students", "groups", "staff"] });
            Call::post("/api/partner/apps/other-app/permissions", body).by(&fx.cookie(OTHER_EMAIL))
        }),
        drive("invite_school", |fx| {
            let body = json!({
                "urn": UNINVITED_URN,
                "school_contact": { "name": "Milo Manager", "email": "milo@millbrook.example", "role": "Data Manager" },
                "contact_may_authorise": true,
            });
            Call::post("/api/partner/invitations", body).by(&partner(fx))
        }),
        drive("invite_school_by_api", |fx| {
            let body = json!({
                "urn": UNINVITED_URN,
                "school_contact": { "name": "Milo Manager", "email": "milo@millbrook.example", "role": "Data Manager" },
                "contact_may_authorise": true,
                "partner_contact": DEMO_EMAIL,
            });
            Call::post("/api/v1/invitations", body).by(&Caller::Bearer(fx.app_key.clone()))
        }),
        // #16: the demo app confirms it erased a revoked school's data.
        drive("confirm_erasure", |fx| {
            let body = json!({
                "erased_at": "2026-11-20T10:00:00Z", "records": true, "backups": { "erased_by": "2026-12-20" }
            });
            Call::post("/api/v1/schools/3280020/erasure-confirmation", body).by(&Caller::Bearer(fx.app_key.clone()))
        }),
        // Team (admins).
        drive("add_team_member", |fx| {
            let body =
                json!({ "email": "rita.reports@partner.example", "display_name": "Rita Reports", "role": "member" });
            Call::post("/api/partner/team", body).by(&partner(fx))
        }),
        drive("remove_team_member", |fx| {
            Call::post("/api/partner/team/remove", json!({ "email": COLLEAGUE_EMAIL })).by(&partner(fx))
        }),
        // The school's answer through the emailed link (S1, S2).
        drive("open_invitation", |fx| Call::post("/api/invitations/open", json!({ "token": fx.invite_token }))),
        drive("forward_invitation", |fx| {
            let body = json!({
                "token": fx.invite_token,
                "to": { "name": "Hal Head", "email": "hal.head@brookside-infant-school.example", "role": "Headteacher" },
                "from_name": "Bea Bursar",
            });
            Call::post("/api/invitations/forward", body)
        }),
        drive_as("authorise_invitation", "by a verified domain", |fx| {
            Call::post("/api/invitations/authorise", beas_answers(&fx.invite_token, "Include All"))
        }),
        drive_as("authorise_invitation", "waits for ops", |fx| {
            Call::post("/api/invitations/authorise", beas_answers(&fx.unvouched_token, "Include All"))
        }),
        drive_as("authorise_invitation", "waits for the school's admins", |fx| {
            Call::post("/api/invitations/authorise", beas_answers(&fx.not_admin_token, "Include All"))
        }),
        // Keys (A1, G1).
        drive("create_app_key", |fx| {
            Call::post("/api/partner/apps/demo-app/keys", json!({ "label": "Faults" })).by(&partner(fx))
        }),
        drive("revoke_app_key", |fx| {
            Call::post(format!("/api/partner/apps/demo-app/keys/{}/revoke", fx.app_key_id), json!({})).by(&partner(fx))
        }),
        drive("issue_agent_key", |fx| {
            Call::post(format!("/api/ops/schools/{QUEUED_SCHOOL}/agent-key"), json!({})).by(&ops(fx))
        }),
        // The MIS agent (G1): a delta with new, edited and deleted pupils.
        drive("push_extract", |fx| {
            let delta = gatehouse_core::synthetic::changes(PORTAL_SEED, PORTAL_PUPILS, today(), 1);
            Call::post("/api/agent/v1/extracts", serde_json::to_value(&delta).unwrap())
                .by(&Caller::Bearer(fx.agent_key.clone()))
        }),
        // Support cases (P9, O1).
        drive("open_case", |fx| {
            let body = json!({
                "category": "api_integration",
                "summary": "Groups endpoint returns fewer classes",
                "contact_name": "Dana Demo",
                "contact_phone": "020 7946 0000",
                "contact_email": DEMO_EMAIL,
                "description": "Seen in the Demo Timetabler import log.",
                "school_id": BOOKED_SCHOOL,
            });
            Call::post("/api/partner/cases", body).by(&partner(fx))
        }),
        drive("comment_on_case", |fx| {
            let body = json!({ "text": "The school restarted the agent; still missing." });
            Call::post(format!("/api/partner/cases/{}/comments", fx.open_case), body).by(&partner(fx))
        }),
        drive("escalate_case", |fx| {
            let body = json!({ "reason": "Census return due Friday." });
            Call::post(format!("/api/partner/cases/{}/escalate", fx.open_case), body).by(&partner(fx))
        }),
        drive("close_partner_case", |fx| {
            Call::post(format!("/api/partner/cases/{}/close", fx.open_case), json!({})).by(&partner(fx))
        }),
        drive("reopen_case", |fx| {
            Call::post(format!("/api/partner/cases/{}/reopen", fx.closed_case), json!({})).by(&partner(fx))
        }),
        drive("reply_to_case", |fx| {
            let body = json!({ "text": "Please restart the agent service and tell us what it logs." });
            Call::post(format!("/api/ops/cases/{}/reply", fx.open_case), body).by(&ops(fx))
        }),
        drive("close_support_case", |fx| {
            Call::post(format!("/api/ops/cases/{}/close", fx.open_case), json!({})).by(&ops(fx))
        }),
        drive("reassign_case", |fx| {
            let body = json!({ "assignee": "Olu Operations" });
            Call::post(format!("/api/ops/cases/{}/reassign", fx.open_case), body).by(&ops(fx))
        }),
        // Webhooks (A4).
        drive("set_webhook", |fx| {
            let body = json!({ "url": format!("{}/v2", fx.webhook_url), "enabled": true });
            Call::post("/api/partner/webhooks/demo-app", body).by(&partner(fx))
        }),
        drive("rotate_webhook_secret", |fx| {
            Call::post("/api/partner/webhooks/demo-app/rotate-secret", json!({})).by(&partner(fx))
        }),
        drive("redeliver_webhook", |fx| {
            let path = format!("/api/partner/webhooks/demo-app/deliveries/{}/redeliver", fx.delivery_id);
            Call::post(path, json!({})).by(&partner(fx))
        }),
        // The school portal (S3, S4).
        drive_as("update_school_app_settings", "pause the feed", |fx| {
            Call::post("/api/school/apps/demo-app/settings", json!({ "feed_status": "Paused" })).by(&head(fx))
        }),
        drive_as("update_school_app_settings", "GDPR mode", |fx| {
            Call::post("/api/school/apps/demo-app/settings", json!({ "gdpr_mode": "Exclude All" })).by(&head(fx))
        }),
        drive_as("school_revoke_access", "now", |fx| {
            let body = json!({ "revoke_on": today().to_string(), "note": "Trial ended" });
            Call::post("/api/school/apps/demo-app/revoke", body).by(&head(fx))
        }),
        drive_as("school_revoke_access", "from a date", |fx| {
            let body = json!({ "revoke_on": "2026-12-15" });
            Call::post("/api/school/apps/demo-app/revoke", body).by(&head(fx))
        }),
        drive("school_cancel_revocation", |fx| {
            Call::post("/api/school/apps/demo-app/cancel-revocation", json!({})).by(&admin_of(fx, SCHEDULED_SCHOOL))
        }),
        drive("school_authorise_app", |fx| {
            let body = json!({
                "approved_scopes": ["students", "staff", "groups"],
                "gdpr_mode": "Include All",
                "feed_status": "Enabled",
            });
            Call::post("/api/school/apps/demo-app/authorise", body).by(&admin_of(fx, "3280040"))
        }),
        drive("school_decline_request", |fx| {
            Call::post("/api/school/apps/demo-app/decline", json!({ "note": "Not ours" })).by(&admin_of(fx, "3280040"))
        }),
        drive("set_person_choice", |fx| {
            let body = json!({ "mis_id": fx.person, "choice": "exclude" });
            Call::post("/api/school/apps/demo-app/people", body).by(&head(fx))
        }),
        // #16: the same pupil out of every app, then erased.
        drive("exclude_school_person", |fx| {
            Call::post(format!("/api/school/people/{}/exclusion", fx.person), json!({})).by(&head(fx))
        }),
        drive("erase_school_person", |fx| {
            Call::post(format!("/api/school/people/{}/erasure", fx.person), json!({})).by(&head(fx))
        }),
        drive("add_school_colleague", |fx| {
            let body = json!({ "name": "Nia Newhead", "email": "nia.newhead@school.example", "role": "Headteacher" });
            Call::post("/api/school/team", body).by(&head(fx))
        }),
        drive("remove_school_colleague", |fx| {
            Call::post("/api/school/team/remove", json!({ "email": SCHOOL_COLLEAGUE })).by(&head(fx))
        }),
        drive("book_install_slot", |fx| {
            Call::post("/api/school/onboarding/book", json!({ "slot": "2026-12-02T10:00" }))
                .by(&admin_of(fx, QUEUED_SCHOOL))
        }),
        drive("start_self_install", |fx| {
            Call::post("/api/school/onboarding/self-install", json!({})).by(&admin_of(fx, QUEUED_SCHOOL))
        }),
        // The deletion guard's held extract (G1), by the school and by support.
        drive("release_school_held_extract", |fx| {
            Call::post("/api/school/held-extract/release", json!({ "held_id": fx.held_id }))
                .by(&admin_of(fx, HELD_SCHOOL))
        }),
        drive("reject_school_held_extract", |fx| {
            Call::post("/api/school/held-extract/reject", json!({ "held_id": fx.held_id }))
                .by(&admin_of(fx, HELD_SCHOOL))
        }),
        drive("release_ops_held_extract", |fx| {
            let path = format!("/api/ops/schools/{HELD_SCHOOL}/held-extract/release");
            Call::post(path, json!({ "held_id": fx.held_id })).by(&ops(fx))
        }),
        drive("reject_ops_held_extract", |fx| {
            let path = format!("/api/ops/schools/{HELD_SCHOOL}/held-extract/reject");
            Call::post(path, json!({ "held_id": fx.held_id })).by(&ops(fx))
        }),
        // The operations console (O1).
        drive("create_partner", |fx| {
            let body = json!({
                "name": "Acme Learning",
                "admin_name": "Ada Acme",
                "admin_email": "ada@acme-learning.example",
                "app_name": "Acme Homework",
            });
            Call::post("/api/ops/partners", body).by(&ops(fx))
        }),
        drive("import_directory", |fx| {
            let sample = std::str::from_utf8(gatehouse_local::DIRECTORY_SAMPLE).unwrap();
            let mut lines = sample.lines();
            let header = lines.next().unwrap();
            let rows: Vec<&str> = lines.filter(|line| line.starts_with("14001")).take(2).collect();
            Call::text("/api/ops/directory/import", format!("{header}\n{}\n", rows.join("\n"))).by(&ops(fx))
        }),
        drive("update_directory_school", |fx| {
            let body = json!({
                "name": "Millbrook Academy Trust",
                "local_authority": "Cardiff",
                "postcode": "CF3 2DH",
                "phase": "Secondary",
                "status": "open",
                "email_domains": ["millbrook.example"],
            });
            Call::post(format!("/api/ops/directory/schools/{UNINVITED_URN}"), body).by(&ops(fx))
        }),
        drive("request_international_school", |fx| {
            let body = json!({
                "school_name": "Colegio Británico",
                "address": "Calle Mayor 1\nMadrid\nSpain",
                "contact_name": "Dana Demo",
                "contact_phone": "020 7946 0000",
                "contact_email": DEMO_EMAIL,
            });
            Call::post("/api/partner/international-requests", body).by(&partner(fx))
        }),
        drive("accept_international_request", |fx| {
            let path = format!("/api/ops/international-requests/{}/accept", fx.intl_request);
            Call::post(path, json!({ "region": "France" })).by(&ops(fx))
        }),
        drive("decline_international_request", |fx| {
            let path = format!("/api/ops/international-requests/{}/decline", fx.intl_request);
            Call::post(path, json!({ "reason": "We could not reach the school." })).by(&ops(fx))
        }),
        drive("offer_install_slots", |fx| {
            let body = json!({ "date": "2026-12-03", "times": ["10:00", "14:30"] });
            Call::post("/api/ops/install-slots", body).by(&ops(fx))
        }),
        drive("mark_installed", |fx| {
            Call::post(format!("/api/ops/install-bookings/{BOOKED_SCHOOL}/installed"), json!({})).by(&ops(fx))
        }),
        drive("decide_authority_verification", |fx| {
            let body = json!({ "app_id": "demo-app", "school_id": "3280039", "decision": "verify" });
            Call::post("/api/ops/verifications/decide", body).by(&ops(fx))
        }),
    ]
}
