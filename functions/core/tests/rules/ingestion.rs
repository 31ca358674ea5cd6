//! G1, the MIS agent's pushes: applied, held by the deletion guard, deltas,
//! and a paused feed that still takes pushes while the app reads nothing.

use gatehouse_core::base::Refusal;
use gatehouse_core::ingestion::{self, Guard};
use gatehouse_core::{held_extracts, people, school_portal, synthetic};
use gatehouse_model::{ExtractOutcome, FeedStatus, Resource, SchoolAppSettings};

use crate::{HANA_SCHOOL, demo_app, demo_app_caller, hana, mis_id, refusal, school_id, today, world};

async fn live_students(world: &gatehouse_core::fixtures::memory::MemoryGatehouse) -> u32 {
    let counts = ingestion::live_counts(&world.gatehouse, &school_id(HANA_SCHOOL)).await.expect("counts");
    counts.get(&Resource::Students).copied().unwrap_or(0)
}

#[tokio::test]
async fn a_full_extract_is_applied_and_the_same_one_again_changes_nothing() {
    let world = world().await;
    let school = school_id(HANA_SCHOOL);
    let extract = synthetic::school(1, 40, today(&world));
    let total = (extract.students.len() + extract.staff.len() + extract.contacts.len() + extract.groups.len()) as u32;

    let receipt = ingestion::ingest(&world.gatehouse, &school, &extract, Guard::On).await.expect("applied");
    assert_eq!(receipt.outcome, ExtractOutcome::Applied);
    assert_eq!((receipt.changes.created, receipt.changes.deleted), (total, 0));
    assert_eq!(live_students(&world).await, 40);

    let again = ingestion::ingest(&world.gatehouse, &school, &extract, Guard::On).await.expect("applied again");
    assert_eq!((again.changes.created, again.changes.updated, again.changes.unchanged), (0, 0, total));
}

#[tokio::test]
async fn a_full_extract_missing_too_many_is_held_until_released() {
    let world = world().await;
    let school = school_id(HANA_SCHOOL);
    let full = synthetic::school(5, 100, today(&world));
    ingestion::ingest(&world.gatehouse, &school, &full, Guard::On).await.expect("the first extract applies");

    // Term rollover gone wrong: a third of the pupils, every contact and
    // every group missing from a full extract.
    let mut shrunk = full.clone();
    shrunk.students.truncate(66);
    shrunk.contacts.clear();
    shrunk.groups.clear();
    let held = ingestion::ingest(&world.gatehouse, &school, &shrunk, Guard::On).await.expect("held, not refused");
    assert_eq!(held.outcome, ExtractOutcome::Held);
    assert!(held.held_reason.as_deref().is_some_and(|reason| reason.contains("10%")), "{held:?}");
    assert_eq!(live_students(&world).await, 100, "nothing applied while held");

    let diff = held_extracts::diff(&world.gatehouse, &school).await.expect("a held extract");
    assert_eq!(diff.deletions.iter().filter(|person| person.resource == Resource::Students).count(), 34);
    let nothing_else = |_: &_| Vec::new();
    held_extracts::release(&world.gatehouse, &school, &diff.summary.held_id, "School", &nothing_else)
        .await
        .expect("released");
    assert_eq!(live_students(&world).await, 66);
    assert!(held_extracts::diff(&world.gatehouse, &school).await.is_err(), "nothing held any more");
}

#[tokio::test]
async fn a_delta_adds_and_deletes_and_a_later_full_extract_restores_the_leavers() {
    let world = world().await;
    let school = school_id(HANA_SCHOOL);
    let full = synthetic::school(4, 200, today(&world));
    ingestion::ingest(&world.gatehouse, &school, &full, Guard::On).await.expect("applied");

    let delta = synthetic::changes(4, 200, today(&world), 1);
    let leavers = delta.deleted.len() as u32;
    assert!(leavers > 0, "the synthetic delta deletes someone");
    let receipt = ingestion::ingest(&world.gatehouse, &school, &delta, Guard::On).await.expect("delta applied");
    assert_eq!((receipt.changes.created, receipt.changes.deleted), (3, leavers));
    assert_eq!(live_students(&world).await, 200 + 3 - leavers);

    let back = ingestion::ingest(&world.gatehouse, &school, &full, Guard::On).await.expect("full applied");
    assert_eq!((back.changes.created, back.changes.deleted), (leavers, 3), "leavers come back from tombstones");
    assert_eq!(live_students(&world).await, 200);
}

#[tokio::test]
async fn a_paused_feed_takes_pushes_but_the_app_reads_nothing() {
    let world = world().await;
    let school = school_id(HANA_SCHOOL);
    let app = demo_app_caller(&world).await;
    assert!(people::access(&world.gatehouse, &app.app, &school).await.is_ok(), "shared before the pause");

    let pause = SchoolAppSettings { gdpr_mode: None, feed_status: Some(FeedStatus::Paused) };
    school_portal::update_settings(&world.gatehouse, &hana(&world).await, &demo_app(), &pause)
        .await
        .expect("Hana pauses the feed");
    let extract = synthetic::school(2, 12, today(&world));
    let receipt = ingestion::ingest(&world.gatehouse, &school, &extract, Guard::On).await.expect("still applied");
    assert_eq!(receipt.outcome, ExtractOutcome::Applied);
    assert_eq!(live_students(&world).await, 12);

    assert_eq!(refusal(people::access(&world.gatehouse, &app.app, &school).await), Refusal::FeedPaused);
    let read =
        gatehouse_core::data_reads::student(&world.gatehouse, &app, &school, &mis_id(&extract.students[0].id)).await;
    assert_eq!(refusal(read), Refusal::FeedPaused);
}
