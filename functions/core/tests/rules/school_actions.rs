//! P6, the partner's actions on a school: revoke now or on a date, cancel a
//! scheduled revocation, resend and re-invite.

use chrono::Duration;
use gatehouse_core::base::Refusal;
use gatehouse_core::school_actions::InviteAgain::{Reinvite, Resend};
use gatehouse_core::school_actions::PartnerSchool;
use gatehouse_core::{Error, invitations, jobs, people, school_actions};
use gatehouse_model::{ContactInput, InviteRequest, LogEvent, RevokeReason, RevokeRequest, SchoolAction, SchoolView};

use crate::{HANA_SCHOOL, dana, day, demo_app_caller, emailed_token, refusal, school_id, world};

const ACTIVE_SCHOOL: &str = "3280002";
/// Demo: active with a revocation already scheduled 14 days ahead.
const REVOKE_PENDING_SCHOOL: &str = "3280005";
const PENDING_SCHOOL: &str = "3280008";
const REVOKED_SCHOOL: &str = "3280010";
const INVITE_MARKER: &str = "/authorise#token=";

fn revoke_on(date: &str) -> RevokeRequest {
    RevokeRequest { reason: RevokeReason::NoLongerACustomer, note: None, revoke_on: date.into() }
}

#[tokio::test]
async fn a_revocation_on_a_later_date_waits_for_the_daily_job() {
    let world = world().await;
    let dana = dana(&world).await;
    let app = demo_app_caller(&world).await;
    let request = revoke_on("2026-11-30");
    let hana = school_id(HANA_SCHOOL);
    let at = PartnerSchool::new(&dana, None, &hana);

    let scheduled = school_actions::revoke(&world.gatehouse, at, &request, day("2026-11-30")).await.expect("ok");
    assert!(scheduled.changed);
    assert_eq!(scheduled.school.row.revoke_pending.as_deref(), Some("2026-11-30"));
    assert_eq!(scheduled.school.actions, [SchoolAction::CancelRevocation, SchoolAction::RevokeAccess]);
    assert_eq!(scheduled.school.log[0].event, LogEvent::RevokeScheduled);
    let again = school_actions::revoke(&world.gatehouse, at, &request, day("2026-11-30")).await.expect("ok");
    assert!(!again.changed);
    assert_eq!(again.school.log.len(), scheduled.school.log.len(), "nothing logged twice");

    jobs::run(&world.gatehouse, "apply-revocations").await.expect("the job runs");
    let before = people::access(&world.gatehouse, &app.app, &hana).await;
    assert!(before.is_ok(), "the app reads until the date: {before:?}");

    world.clock.advance(Duration::days(7));
    jobs::run(&world.gatehouse, "apply-revocations").await.expect("the job runs");
    let after = people::access(&world.gatehouse, &app.app, &hana).await;
    assert_eq!(refusal(after), Refusal::AuthorisationRevoked);
    let tile = school_actions::detail(&world.gatehouse, at).await.expect("detail");
    assert_eq!((tile.view, tile.row.revoked_on.as_deref()), (Some(SchoolView::Revoked), Some("2026-11-30")));
    assert!(tile.granted_scopes.is_empty(), "the school must authorise again");
}

#[tokio::test]
async fn a_past_date_is_refused_and_today_revokes_at_once() {
    let world = world().await;
    let dana = dana(&world).await;
    let active = school_id(ACTIVE_SCHOOL);
    let at = PartnerSchool::new(&dana, None, &active);
    let past = school_actions::revoke(&world.gatehouse, at, &revoke_on("2026-11-22"), day("2026-11-22")).await;
    assert!(matches!(past, Err(Error::Invalid { field: "revoke_on", .. })), "{past:?}");

    let now = school_actions::revoke(&world.gatehouse, at, &revoke_on("2026-11-23"), day("2026-11-23")).await;
    let now = now.expect("revoked today");
    assert_eq!(now.school.view, Some(SchoolView::Revoked));
    assert_eq!(now.school.actions, [SchoolAction::Reinvite]);
}

#[tokio::test]
async fn a_cancelled_revocation_is_not_applied_by_the_job() {
    let world = world().await;
    let dana = dana(&world).await;
    let revoke_pending = school_id(REVOKE_PENDING_SCHOOL);
    let at = PartnerSchool::new(&dana, None, &revoke_pending);
    let cancelled = school_actions::cancel_revocation(&world.gatehouse, at).await.expect("ok");
    assert!(cancelled.changed);
    assert_eq!(cancelled.school.row.revoke_pending, None);
    assert_eq!(cancelled.school.log[0].event, LogEvent::RevokeCancelled);
    let again = school_actions::cancel_revocation(&world.gatehouse, at).await;
    assert!(!again.expect("ok").changed);

    world.clock.advance(Duration::days(30));
    jobs::run(&world.gatehouse, "apply-revocations").await.expect("the job runs");
    let later = school_actions::detail(&world.gatehouse, at).await.expect("detail");
    assert_eq!(later.view, Some(SchoolView::Active));
}

#[tokio::test]
async fn resending_to_a_new_contact_supersedes_the_old_link() {
    let world = world().await;
    let dana = dana(&world).await;
    let pending = school_id(PENDING_SCHOOL);
    let at = PartnerSchool::new(&dana, None, &pending);
    let old_contact = format!("data.lead.{PENDING_SCHOOL}@school.example");
    let same = InviteRequest { new_contact: None };
    school_actions::invite_again(&world.gatehouse, at, Resend, &same, None).await.expect("ok");
    let old_token = emailed_token(&world, &old_contact, INVITE_MARKER).expect("an invitation to the contact");
    invitations::open(&world.gatehouse, &old_token, "test").await.expect("the resent link opens");

    let nia = ContactInput {
        name: "Nia Newhead".into(),
        email: gatehouse_core::EmailAddress::parse("nia.newhead@school.example").unwrap(),
        role: Some("Headteacher".into()),
    };
    let moved = InviteRequest { new_contact: Some(nia) };
    let outcome = school_actions::invite_again(&world.gatehouse, at, Resend, &moved, None).await.expect("ok");
    assert_eq!(outcome.school.row.school_contact.as_deref(), Some("nia.newhead@school.example"));
    let new_token = emailed_token(&world, "nia.newhead@school.example", INVITE_MARKER).expect("an invitation to Nia");

    let dead = invitations::open(&world.gatehouse, &old_token, "test").await;
    assert!(matches!(dead, Err(Error::LinkSuperseded)), "{dead:?}");
    let live = invitations::open(&world.gatehouse, &new_token, "test").await.expect("the new link opens");
    assert_eq!(live.contact_name, "Nia Newhead");
}

#[tokio::test]
async fn a_revoked_school_is_reinvited_once_and_an_active_one_not_at_all() {
    let world = world().await;
    let dana = dana(&world).await;
    let contact = format!("data.lead.{REVOKED_SCHOOL}@school.example");
    let request = InviteRequest { new_contact: None };
    let invitations_to = |to: &str| world.mailer.recorded().iter().filter(|email| email.to.as_str() == to).count();
    let (revoked, active) = (school_id(REVOKED_SCHOOL), school_id(ACTIVE_SCHOOL));
    let reinvite = |school| {
        school_actions::invite_again(
            &world.gatehouse,
            PartnerSchool::new(&dana, None, school),
            Reinvite,
            &request,
            None,
        )
    };

    let first = reinvite(&revoked).await;
    let first = first.expect("re-invited");
    assert!(first.changed);
    assert_eq!(first.school.view, Some(SchoolView::Pending));
    assert_eq!(first.school.row.revoked_on, None);
    assert_eq!(invitations_to(&contact), 1);

    let again = reinvite(&revoked).await;
    assert!(!again.expect("answered").changed);
    assert_eq!(invitations_to(&contact), 1, "no second email");

    let refused = reinvite(&active).await;
    assert!(matches!(refused, Err(Error::Invalid { .. })), "{refused:?}");
}
