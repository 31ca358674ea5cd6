//! Selections (S3): Include and Exclude against the GDPR mode, what the app
//! then reads, and `explain` agreeing with it.

use gatehouse_core::app_keys::AppCaller;
use gatehouse_core::data_reads;
use gatehouse_core::fixtures::memory::MemoryGatehouse as World;
use gatehouse_core::ingestion::{self, Guard};
use gatehouse_core::records::SchoolSessionRecord;
use gatehouse_core::{Error, people, school_portal, synthetic};
use gatehouse_model::{DataRecord, ExplainReason, GdprMode, SchoolAppSettings, SchoolPeople, SelectionChoice};

use crate::{HANA_SCHOOL, demo_app, demo_app_caller, hana, mis_id, school_id, today, world};

/// Hana's school with twelve pupils pushed, in `mode`; the pupils' ids.
async fn school_in(world: &World, mode: GdprMode) -> Vec<String> {
    let extract = synthetic::school(7, 12, today(world));
    ingestion::ingest(&world.gatehouse, &school_id(HANA_SCHOOL), &extract, Guard::On).await.expect("applied");
    let settings = SchoolAppSettings { gdpr_mode: Some(mode), feed_status: None };
    school_portal::update_settings(&world.gatehouse, &hana(world).await, &demo_app(), &settings)
        .await
        .expect("mode set");
    extract.students.iter().map(|student| student.id.clone()).collect()
}

async fn reason(world: &World, pupil: &str) -> ExplainReason {
    people::explain(&world.gatehouse, &demo_app(), &school_id(HANA_SCHOOL), &mis_id(pupil))
        .await
        .expect("explained")
        .reason
}

/// What the demo app reads of one pupil at Hana's school.
async fn read(world: &World, app: &AppCaller, pupil: &str) -> Result<DataRecord, Error> {
    data_reads::student(&world.gatehouse, app, &school_id(HANA_SCHOOL), &mis_id(pupil)).await
}

/// Hana includes, excludes or resets one pupil for the demo app.
async fn choose(world: &World, hana: &SchoolSessionRecord, pupil: &str, choice: SelectionChoice) -> SchoolPeople {
    let person = mis_id(pupil);
    school_portal::set_person_choice(&world.gatehouse, hana, &demo_app(), &person, choice).await.expect("chosen")
}

#[tokio::test]
async fn under_exclude_all_the_app_reads_only_the_pupils_included() {
    let world = world().await;
    let pupils = school_in(&world, GdprMode::ExcludeAll).await;
    let app = demo_app_caller(&world).await;
    let hana = hana(&world).await;

    let hidden = read(&world, &app, &pupils[0]).await;
    assert!(matches!(hidden, Err(Error::NotFound(_))), "{hidden:?}");
    assert_eq!(reason(&world, &pupils[0]).await, ExplainReason::NotSelected);

    choose(&world, &hana, &pupils[0], SelectionChoice::Include).await;
    let shown = read(&world, &app, &pupils[0]).await.expect("now shared");
    assert!(matches!(&shown, DataRecord::Student(student) if student.id == pupils[0]), "{shown:?}");
    assert_eq!(reason(&world, &pupils[0]).await, ExplainReason::Shared);
    assert_eq!(reason(&world, &pupils[1]).await, ExplainReason::NotSelected, "only the one included");
}

#[tokio::test]
async fn under_include_all_an_excluded_pupil_is_hidden_until_reset() {
    let world = world().await;
    let pupils = school_in(&world, GdprMode::IncludeAll).await;
    let app = demo_app_caller(&world).await;
    let hana = hana(&world).await;
    assert!(read(&world, &app, &pupils[1]).await.is_ok());

    choose(&world, &hana, &pupils[1], SelectionChoice::Exclude).await;
    assert!(read(&world, &app, &pupils[1]).await.is_err());
    assert_eq!(reason(&world, &pupils[1]).await, ExplainReason::Excluded);
    assert_eq!(reason(&world, &pupils[2]).await, ExplainReason::Shared, "the others stay shared");

    let people = choose(&world, &hana, &pupils[1], SelectionChoice::Default).await;
    assert!(people.selected.iter().all(|chosen| chosen.mis_id != pupils[1]), "no selection left: {people:?}");
    assert!(read(&world, &app, &pupils[1]).await.is_ok());
}

#[tokio::test]
async fn explain_tells_the_school_of_ids_never_sent_and_the_app_the_same_for_any_unshared_id() {
    let world = world().await;
    let pupils = school_in(&world, GdprMode::ExcludeAll).await;
    assert_eq!(reason(&world, "NEVER-SENT-1").await, ExplainReason::NotInExtract);

    // The app learns nothing from probing: an unshared pupil and an id
    // that never existed get the same answer.
    let (school, app) = (school_id(HANA_SCHOOL), demo_app());
    let unshared =
        people::explain_for_app(&world.gatehouse, &app, &school, &mis_id(&pupils[3])).await.expect("explained");
    let unknown =
        people::explain_for_app(&world.gatehouse, &app, &school, &mis_id("NEVER-SENT-1")).await.expect("explained");
    assert!(!unshared.shared && !unknown.shared);
    assert_eq!((unshared.reason, &unshared.detail), (unknown.reason, &unknown.detail));
}
