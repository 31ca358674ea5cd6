//! The portals' view of the school's MIS data (G1, A3): explain for the
//! school and the partner tile, the school's feed, and the held extract for
//! the school (`SignedInSchool`) and support (`SignedInOps`). Each handler is
//! parse → one `gatehouse_core::portal_data` function → respond; a partner
//! session on a school or ops route is 401, as is any other wrong session.

use axum::Json;
use axum::extract::State;
use gatehouse_core::portal_data;
use gatehouse_core::{AppId, JobId, MisId, SchoolId};
use gatehouse_model::{
    ExplainQuery, Explanation, HeldExtractChoice, HeldExtractDecision, HeldExtractDiff, JobStatus, PartnerExplainQuery,
    SchoolFeed,
};

use super::Accepted;
use crate::extract::{ApiJson, ApiQuery};
use crate::path::{IdPath, query_id};
use crate::session::{SchoolAdmin, SignedIn, SignedInOps, SignedInSchool};
use crate::{ApiError, AppState};

/// `GET /api/school/apps/{app_id}/explain?mis_id=`.
pub async fn explain_for_school(
    State(state): State<AppState>,
    SignedInSchool(session): SignedInSchool,
    IdPath(app_id): IdPath<AppId>,
    ApiQuery(query): ApiQuery<ExplainQuery>,
) -> Result<Json<Explanation>, ApiError> {
    let mis_id = MisId::parse(&query.mis_id)?;
    Ok(Json(portal_data::explain_for_school(&state.gatehouse, &session, &app_id, &mis_id).await?))
}

/// `GET /api/partner/schools/{school_id}/explain?app=&mis_id=`.
pub async fn explain_for_partner(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath(school_id): IdPath<SchoolId>,
    ApiQuery(query): ApiQuery<PartnerExplainQuery>,
) -> Result<Json<Explanation>, ApiError> {
    let app = query_id(query.app.as_deref())?;
    let mis_id = MisId::parse(&query.mis_id)?;
    let explanation =
        portal_data::explain_for_partner(&state.gatehouse, &session, &school_id, app.as_ref(), &mis_id).await?;
    Ok(Json(explanation))
}

pass_through! {
    /// `GET /api/school/feed`.
    pub async fn school_feed(SignedInSchool) -> Json<SchoolFeed> = portal_data::feed;
    /// `GET /api/school/jobs/{job_id}`.
    pub async fn school_job(SignedInSchool, job: IdPath<JobId>) -> Json<JobStatus> = portal_data::school_job;
    /// `GET /api/ops/jobs/{job_id}`.
    pub async fn ops_job(SignedInOps, job: IdPath<JobId>) -> Json<JobStatus> = portal_data::ops_job;
}

pass_through! {
    /// `GET /api/school/held-extract`.
    pub async fn school_held(SignedInSchool) -> Json<HeldExtractDiff> = portal_data::school_held;

    /// `POST /api/school/held-extract/release` with `{ "held_id" }`: `202` and a job.
    pub async fn school_release(SchoolAdmin, key: IdempotencyKey, choice: ApiJson<HeldExtractChoice>)
        -> Accepted = portal_data::school_release;

    /// `POST /api/school/held-extract/reject` with `{ "held_id" }`.
    pub async fn school_reject(SchoolAdmin, choice: ApiJson<HeldExtractChoice>)
        -> Json<HeldExtractDecision> = portal_data::school_reject;

    /// `GET /api/ops/schools/{school_id}/held-extract`.
    pub async fn ops_held(_: SignedInOps, school_id: IdPath<SchoolId>) -> Json<HeldExtractDiff> = portal_data::held_diff;

    /// `POST /api/ops/schools/{school_id}/held-extract/release` with `{ "held_id" }`: `202` and a job.
    pub async fn ops_release(_: SignedInOps, school_id: IdPath<SchoolId>, key: IdempotencyKey, choice: ApiJson<HeldExtractChoice>)
        -> Accepted = portal_data::ops_release;

    /// `POST /api/ops/schools/{school_id}/held-extract/reject` with `{ "held_id" }`.
    pub async fn ops_reject(_: SignedInOps, school_id: IdPath<SchoolId>, choice: ApiJson<HeldExtractChoice>)
        -> Json<HeldExtractDecision> = portal_data::ops_reject;
}
