//! Jobs (#15): an operation that answers `202` with a job is polled at its
//! owner's jobs path until the job is done (its result) or failed (its
//! problem, as the API would have answered it).

use gatehouse_model::{Endpoint, JobProblem, JobResult, JobState, JobStatus, NoBody, NoQuery, Problem};

use super::{ApiError, call};

/// Polls job `job_id` through `E` (the owner's `Get…Job`), 250 ms doubling
/// to 2 s, telling `progress` each state it passes.
pub async fn finished_job<E>(job_id: &str, progress: impl Fn(&JobStatus)) -> Result<JobResult, ApiError>
where
    E: Endpoint<Body = NoBody, Query = NoQuery, Response = JobStatus>,
{
    let mut wait = 250;
    loop {
        let job = call::<E>(&[("job_id", job_id)], &NoQuery, &NoBody).await?;
        progress(&job);
        match (job.state, job.result, job.problem) {
            (JobState::Done, Some(result), _) => return Ok(result),
            (JobState::Failed, _, Some(problem)) => return Err(job_failed(problem)),
            (JobState::Done | JobState::Failed, _, _) => return Err(ApiError::Unexpected { status: 200 }),
            _ => pause(wait).await,
        }
        wait = (wait * 2).min(2_000);
    }
}

/// A failed job's problem, as the API would have answered it.
pub(super) fn job_failed(problem: JobProblem) -> ApiError {
    ApiError::Problem(Box::new(Problem {
        problem_type: format!("/problems/{}", problem.code),
        title: "The work was not done".to_owned(),
        status: 409,
        detail: problem.detail,
        code: problem.code,
        field: None,
        request_id: None,
    }))
}

/// Waits `ms` milliseconds (the browser's timer).
pub(super) async fn pause(ms: i32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
