//! The portals' calls about the school's MIS data (G1, A3) that do more than `call`: explain for
//! the school and the partner tile, and the decision on a held extract.

use gatehouse_model::{
    ExplainQuery, Explanation, HeldExtractChoice, HeldExtractDecision, JobResult, JobStatus, NoBody, NoQuery,
    PartnerExplainQuery, endpoint,
};

use super::{ApiError, call, call_with_key, finished_job};

/// Who asks "why is this person missing?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExplainAsker {
    /// The signed-in school, about one of its apps.
    School { app_id: String },
    /// The signed-in partner, about its app's link to a school.
    Partner { school_id: String, app_id: Option<String> },
}

pub async fn explain(asker: &ExplainAsker, mis_id: String) -> Result<Explanation, ApiError> {
    match asker {
        ExplainAsker::School { app_id } => {
            call::<endpoint::ExplainSchoolPerson>(&[("app_id", app_id)], &ExplainQuery { mis_id }, &NoBody).await
        }
        ExplainAsker::Partner { school_id, app_id } => {
            let query = PartnerExplainQuery { app: app_id.clone(), mis_id };
            call::<endpoint::ExplainPartnerSchoolPerson>(&[("school_id", school_id)], &query, &NoBody).await
        }
    }
}

/// Releases (`true`) or rejects the school's held extract: the one reviewed,
/// named by its `held_id` (a newer one answers `conflict`). A release runs as
/// a job (#15): `key` (made when the page opened) makes a retry find the same
/// job, which is polled until it ends, `progress` told each state it passes.
pub async fn decide_held_extract(
    release: bool,
    held_id: String,
    key: String,
    progress: impl Fn(&JobStatus),
) -> Result<HeldExtractDecision, ApiError> {
    let body = HeldExtractChoice { held_id };
    if !release {
        return call::<endpoint::RejectSchoolHeldExtract>(&[], &NoQuery, &body).await;
    }
    let accepted = call_with_key::<endpoint::ReleaseSchoolHeldExtract>(&key, &[], &NoQuery, &body).await?;
    match finished_job::<endpoint::GetSchoolJob>(&accepted.job_id, progress).await? {
        JobResult::HeldExtract(decision) => Ok(decision),
        _ => Err(ApiError::Unexpected { status: 200 }),
    }
}
