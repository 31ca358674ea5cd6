//! The portals' calls about the school's MIS data (G1, A3) that do more than `call`: explain for
//! the school and the partner tile, and the decision on a held extract.

use gatehouse_model::{
    ExplainQuery, Explanation, HeldExtractChoice, HeldExtractDecision, JobResult, JobState, JobStatus, NoBody, NoQuery,
    PartnerExplainQuery, Problem, endpoint,
};

use super::{ApiError, call, call_with_key};

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
    match school_job(&accepted.job_id, progress).await? {
        JobResult::HeldExtract(decision) => Ok(decision),
        JobResult::Extract(_) => Err(ApiError::Unexpected { status: 200 }),
    }
}

/// Polls the school's job `job_id` until it is done (its result) or failed
/// (its problem, as the API would have answered it).
async fn school_job(job_id: &str, progress: impl Fn(&JobStatus)) -> Result<JobResult, ApiError> {
    let mut wait = 250;
    loop {
        let job = call::<endpoint::GetSchoolJob>(&[("job_id", job_id)], &NoQuery, &NoBody).await?;
        progress(&job);
        match (job.state, job.result, job.problem) {
            (JobState::Done, Some(result), _) => return Ok(result),
            (JobState::Failed, _, Some(problem)) => {
                return Err(ApiError::Problem(Problem {
                    problem_type: format!("/problems/{}", problem.code),
                    title: "The work was not done".to_owned(),
                    status: 409,
                    detail: problem.detail,
                    code: problem.code,
                    field: None,
                    request_id: None,
                }));
            }
            (JobState::Done | JobState::Failed, _, _) => return Err(ApiError::Unexpected { status: 200 }),
            _ => pause(wait).await,
        }
        wait = (wait * 2).min(2_000);
    }
}

/// Waits `ms` milliseconds (the browser's timer).
async fn pause(ms: i32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
