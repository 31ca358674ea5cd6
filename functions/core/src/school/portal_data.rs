//! The school's MIS data as the portals see it (G1, A3):
//! - "why is this person missing?" for the school (on an app's page) and for
//!   the partner (on the school tile): the same rules the data API applies,
//!   answered as a reason code and a sentence, never the person's details;
//! - the deletion guard's held extract, for the school and for support: what
//!   releasing it would delete, then release or reject;
//! - freshness for the school's dashboard: the last extract and each app's
//!   last pull.
//!
//! Who may ask is settled here: the school only about its own apps, the
//! partner only about its own app's link to the school, support about any
//! school. Anything else is "not found".

use chrono::SecondsFormat;
use gatehouse_model::{
    AppPull, Explanation, ExtractReceipt, HeldExtractAction, HeldExtractChoice, HeldExtractDecision, HeldExtractDiff,
    JobAccepted, JobKind, JobResult, JobStatus, SchoolAppState, SchoolFeed,
};
use serde::{Deserialize, Serialize};

use crate::base::Refusal;
use crate::data::feed::{HeldExtractRecord, load_feed};
use crate::data::held_parts::check_held;
use crate::data::people::{self, STALE_AFTER_DAYS};
use crate::store::background::{self, JobOwner, NewJob, Running};
use crate::store::links::{app_of, load};
use crate::store::records::{OpsSessionRecord, SchoolSessionRecord, SessionRecord};
use crate::{
    AppId, Error, Gatehouse, JobId, MisId, Result, SchoolId, data::held_extracts, school::portal, store::usage,
};

/// Where the school polls its jobs.
pub const SCHOOL_JOBS_PATH: &str = "/api/school/jobs";
/// Where support polls its jobs.
pub const OPS_JOBS_PATH: &str = "/api/ops/jobs";

/// `GET /api/school/apps/{app_id}/explain?mis_id=`: why the app cannot see
/// someone, for the signed-in school (its own link to the app only).
pub async fn explain_for_school(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    mis_id: &MisId,
) -> Result<Explanation> {
    let (loaded, _) = crate::store::links::load_for_school(gatehouse, session, app).await?;
    people::explain(gatehouse, &loaded.link.app_id, &session.school_id, mis_id).await
}

/// `GET /api/partner/schools/{school_id}/explain?app=&mis_id=`: for the
/// partner that owns the app and the link, exactly the app's own answer
/// (#18: nothing about an id the app was never shared). The answer carries
/// the reason and the rule's sentence; no name or other detail of the person.
pub async fn explain_for_partner(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    school: &SchoolId,
    app: Option<&AppId>,
    mis_id: &MisId,
) -> Result<Explanation> {
    let app = app_of(session, app)?;
    let loaded = load(gatehouse, session, &app, school).await?;
    people::explain_for_app(gatehouse, &app, &loaded.link.school_id, mis_id).await
}

/// What releasing the school's held extract would change (the school's
/// people, named: for the school and support only, never a partner).
pub async fn held_diff(gatehouse: &Gatehouse, school: &SchoolId) -> Result<HeldExtractDiff> {
    held_extracts::diff(gatehouse, school).await
}

/// The school's own held extract, for its portal.
pub async fn school_held(gatehouse: &Gatehouse, session: &SchoolSessionRecord) -> Result<HeldExtractDiff> {
    held_diff(gatehouse, &session.school_id).await
}

/// Who decides on a held extract: the school (its own) or support (any school's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Releaser {
    School,
    Ops,
}

impl Releaser {
    /// Who acted, as the log line names them: a role, never a person.
    fn actor(self) -> &'static str {
        match self {
            Releaser::School => "school portal",
            Releaser::Ops => "support",
        }
    }
}

/// What a release's job needs: ids and a role, nothing personal.
#[derive(Debug, Serialize, Deserialize)]
struct ReleaseInput {
    school_id: SchoolId,
    held_id: String,
    actor: String,
}

/// `POST …/held-extract/release` (#15): checks that the held extract the
/// decision names is still the one held (`no_held_extract`, or `conflict` if
/// a newer one replaced it, at once), and accepts a job that applies it
/// ([`release_job`]). A retry with the same `Idempotency-Key` gets the same
/// job, even once the job has applied it.
pub async fn release(
    gatehouse: &Gatehouse,
    releaser: Releaser,
    school: &SchoolId,
    choice: &HeldExtractChoice,
    idempotency_key: Option<&str>,
) -> Result<JobAccepted> {
    let actor = releaser.actor();
    let (owner, status_base) = match releaser {
        Releaser::School => (JobOwner::School(school.clone()), SCHOOL_JOBS_PATH),
        Releaser::Ops => (JobOwner::Ops, OPS_JOBS_PATH),
    };
    let input = ReleaseInput { school_id: school.clone(), held_id: choice.held_id.clone(), actor: actor.to_owned() };
    let new = NewJob {
        kind: JobKind::ReleaseHeldExtract,
        owner,
        idempotency_key,
        input: serde_json::to_value(&input).map_err(|error| Error::Unavailable(error.into()))?,
        found: None,
        payload: None,
        total: None,
    };
    // Checked for a new job only: a retry of one that released it finds nothing held.
    let job = background::accept(gatehouse, new, |_| async {
        let (feed, _) = load_feed(gatehouse, school).await?.ok_or(Error::Refused(Refusal::NoHeldExtract))?;
        check_held(&feed, &choice.held_id)?;
        Ok(Vec::new())
    })
    .await?;
    Ok(job.accepted(status_base))
}

/// The school releases its own held extract (an admin, in its portal).
pub async fn school_release(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    choice: &HeldExtractChoice,
    idempotency_key: Option<&str>,
) -> Result<JobAccepted> {
    release(gatehouse, Releaser::School, &session.school_id, choice, idempotency_key).await
}

/// Support releases a school's held extract.
pub async fn ops_release(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    choice: &HeldExtractChoice,
    idempotency_key: Option<&str>,
) -> Result<JobAccepted> {
    release(gatehouse, Releaser::Ops, school, choice, idempotency_key).await
}

/// The `release_held_extract_worker`'s work: applies the held extract past
/// the guard and marks the job done, with the decision, in the transaction
/// that commits it; a retry after a failure anywhere finds the job done or
/// the held extract still there.
pub async fn release_job(gatehouse: &Gatehouse, job: &Running) -> Result<()> {
    let input: ReleaseInput =
        serde_json::from_value(job.record.input.clone()).map_err(|error| Error::Unavailable(error.into()))?;
    let done = |receipt: &ExtractReceipt| vec![job.done_write(gatehouse, JobResult::HeldExtract(released(receipt)))];
    held_extracts::release(gatehouse, &input.school_id, &input.held_id, &input.actor, &done).await?;
    Ok(())
}

/// The decision a release answers with. Who released it is not logged by
/// name: the actor is a role ("school portal", "support").
fn released(receipt: &ExtractReceipt) -> HeldExtractDecision {
    let deleted = receipt.changes.deleted;
    HeldExtractDecision {
        action: HeldExtractAction::Released,
        message: format!(
            "The held extract was applied: {deleted} {} deleted.",
            if deleted == 1 { "record" } else { "records" }
        ),
        receipt: Some(receipt.clone()),
    }
}

/// `GET /api/school/jobs/{job_id}`: one of the school's jobs.
pub async fn school_job(gatehouse: &Gatehouse, session: &SchoolSessionRecord, job: &JobId) -> Result<JobStatus> {
    background::status(gatehouse, &JobOwner::School(session.school_id.clone()), job).await
}

/// `GET /api/ops/jobs/{job_id}`: one of support's jobs.
pub async fn ops_job(gatehouse: &Gatehouse, _session: &OpsSessionRecord, job: &JobId) -> Result<JobStatus> {
    background::status(gatehouse, &JobOwner::Ops, job).await
}

/// Throws the held extract the decision names away (`Conflict` if a newer
/// one replaced it); the school keeps its current data.
async fn reject(
    gatehouse: &Gatehouse,
    releaser: Releaser,
    school: &SchoolId,
    choice: &HeldExtractChoice,
) -> Result<HeldExtractDecision> {
    held_extracts::reject(gatehouse, school, &choice.held_id, releaser.actor()).await?;
    Ok(HeldExtractDecision {
        action: HeldExtractAction::Rejected,
        message: "The held extract was discarded. Your apps keep the data they had; the next extract from your MIS \
                  is checked again."
            .into(),
        receipt: None,
    })
}

/// The school discards its own held extract (an admin, in its portal).
pub async fn school_reject(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    choice: &HeldExtractChoice,
) -> Result<HeldExtractDecision> {
    reject(gatehouse, Releaser::School, &session.school_id, choice).await
}

/// Support discards a school's held extract.
pub async fn ops_reject(
    gatehouse: &Gatehouse,
    school: &SchoolId,
    choice: &HeldExtractChoice,
) -> Result<HeldExtractDecision> {
    reject(gatehouse, Releaser::Ops, school, choice).await
}

/// `GET /api/school/feed`: the last extract, a held one, and each sharing
/// app's last pull. The feed, the dashboard's Query, then one or two
/// GetItems per sharing app.
pub async fn feed(gatehouse: &Gatehouse, session: &SchoolSessionRecord) -> Result<SchoolFeed> {
    let feed = load_feed(gatehouse, &session.school_id).await?.map(|(feed, _)| feed);
    let now = gatehouse.clock.now();
    let last_extract_at = feed.as_ref().and_then(|feed| feed.last_extract_at);
    let dashboard = portal::dashboard(gatehouse, session).await?;
    let mut apps = Vec::new();
    for row in dashboard.apps {
        if !matches!(row.state, SchoolAppState::Active | SchoolAppState::RevokePending) {
            continue;
        }
        let Ok(app_id) = AppId::parse(&row.app_id) else { continue };
        let last = usage::last_pull(gatehouse, &app_id, &session.school_id).await?;
        apps.push(AppPull {
            app_id: row.app_id,
            app_name: row.app_name,
            last_pull_on: last.map(|day| day.to_string()),
        });
    }
    let retention = crate::data::retention::state(gatehouse, feed.as_ref(), &session.school_id).await?;
    Ok(SchoolFeed {
        school_id: session.school_id.to_string(),
        last_extract_at: last_extract_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        last_status: feed.as_ref().and_then(|feed| feed.last_status),
        cache_stale: last_extract_at.is_none_or(|at| (now - at).num_days() >= STALE_AFTER_DAYS),
        persons: feed.as_ref().map_or(0, |feed| feed.persons),
        held_extract: feed.as_ref().and_then(|feed| feed.held.as_ref()).map(HeldExtractRecord::summary),
        apps,
        retention,
    })
}
