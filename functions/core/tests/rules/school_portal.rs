//! S3, the school portal: settings changes, the school's own revoke and its
//! cancellation.

use gatehouse_core::base::Refusal;
use gatehouse_core::{Error, people, school_portal};
use gatehouse_model::{FeedStatus, GdprMode, LogEvent, SchoolAppSettings, SchoolRevokeRequest, SelectionChoice};

use crate::{HANA_SCHOOL, day, demo_app, demo_app_caller, hana, mis_id, refusal, school_id, world};

fn revoke_on(date: &str) -> SchoolRevokeRequest {
    SchoolRevokeRequest { revoke_on: date.into(), note: None }
}

#[tokio::test]
async fn a_settings_change_is_logged_published_and_emailed_once() {
    let world = world().await;
    let hana = hana(&world).await;
    let wanted = SchoolAppSettings { gdpr_mode: Some(GdprMode::ExcludeAll), feed_status: Some(FeedStatus::Paused) };

    let changed = school_portal::update_settings(&world.gatehouse, &hana, &demo_app(), &wanted).await.expect("saved");
    assert!(changed.changed);
    assert_eq!((changed.app.row.gdpr_mode, changed.app.row.feed_status), (wanted.gdpr_mode, wanted.feed_status));
    let events: Vec<LogEvent> = changed.app.log.iter().take(2).map(|entry| entry.event).collect();
    assert_eq!(events, [LogEvent::FeedPaused, LogEvent::GdprModeChanged]);
    assert!(changed.app.log_intact);
    let published: Vec<String> = world.bus.recorded().into_iter().map(|event| event.detail_type).collect();
    assert!(published.iter().any(|kind| kind == "gdpr_mode.changed"), "{published:?}");
    assert!(published.iter().any(|kind| kind == "feed.paused"), "{published:?}");
    let receipts = |world: &gatehouse_core::fixtures::memory::MemoryGatehouse| {
        world.mailer.recorded().iter().filter(|email| email.subject.starts_with("Receipt")).count()
    };
    let (mail, bus) = (receipts(&world), world.bus.recorded().len());
    assert!(mail > 0, "receipts go out");

    let again = school_portal::update_settings(&world.gatehouse, &hana, &demo_app(), &wanted).await.expect("answered");
    assert!(!again.changed);
    assert_eq!(again.app.log.len(), changed.app.log.len(), "nothing logged");
    assert_eq!((receipts(&world), world.bus.recorded().len()), (mail, bus), "nothing sent or published");

    let nothing =
        school_portal::update_settings(&world.gatehouse, &hana, &demo_app(), &SchoolAppSettings::default()).await;
    assert!(matches!(nothing, Err(Error::Invalid { field: "gdpr_mode", .. })), "{nothing:?}");
}

#[tokio::test]
async fn a_school_revoking_today_ends_the_apps_access_and_its_selections() {
    let world = world().await;
    let hana = hana(&world).await;
    let app = demo_app_caller(&world).await;
    let today = crate::today(&world).to_string();

    let outcome = school_portal::revoke(&world.gatehouse, &hana, &demo_app(), &revoke_on(&today), day(&today))
        .await
        .expect("revoked");
    assert!(outcome.changed);
    assert_eq!(outcome.app.row.revoked_on.as_deref(), Some(today.as_str()));
    assert_eq!(
        refusal(people::access(&world.gatehouse, &app.app, &school_id(HANA_SCHOOL)).await),
        Refusal::AuthorisationRevoked
    );

    let choice =
        school_portal::set_person_choice(&world.gatehouse, &hana, &demo_app(), &mis_id("P1"), SelectionChoice::Include)
            .await;
    assert!(matches!(choice, Err(Error::Invalid { .. })), "nobody to include once revoked: {choice:?}");
    let again = school_portal::revoke(&world.gatehouse, &hana, &demo_app(), &revoke_on(&today), day(&today))
        .await
        .expect("answered");
    assert!(!again.changed);
}

#[tokio::test]
async fn a_scheduled_revocation_keeps_access_until_cancelled() {
    let world = world().await;
    let hana = hana(&world).await;
    let app = demo_app_caller(&world).await;

    let scheduled =
        school_portal::revoke(&world.gatehouse, &hana, &demo_app(), &revoke_on("2026-12-01"), day("2026-12-01"))
            .await
            .expect("ok");
    assert!(scheduled.changed);
    assert_eq!(scheduled.app.row.revoke_on.as_deref(), Some("2026-12-01"));
    assert!(people::access(&world.gatehouse, &app.app, &school_id(HANA_SCHOOL)).await.is_ok(), "access until the date");

    let cancelled = school_portal::cancel_revocation(&world.gatehouse, &hana, &demo_app()).await.expect("cancelled");
    assert!(cancelled.changed);
    assert_eq!(cancelled.app.row.revoke_on, None);
    assert_eq!(cancelled.app.log[0].event, LogEvent::RevokeCancelled);
    let again = school_portal::cancel_revocation(&world.gatehouse, &hana, &demo_app()).await.expect("answered");
    assert!(!again.changed, "nothing pending any more");
}
