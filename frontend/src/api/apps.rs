//! The partner's API keys (A1): the command line that tries a new one; and the permission set's
//! save (P10), which runs as a job (#15). The app's other calls (keys, webhook) go through `call`.

use gatehouse_model::{JobResult, JobStatus, NoQuery, PermissionSetSaved, ScopeSet, UpdatePermissionSet, endpoint};

use super::{ApiError, call_with_key, finished_job, url};

/// Saves `app_id`'s whole permission set: saved at once, then a job asks the schools, polled
/// until it ends, `progress` told each state it passes. `key` (made for this save) makes a
/// retry find the same job.
pub async fn save_permission_set(
    app_id: &str,
    requested: ScopeSet,
    key: &str,
    progress: impl Fn(&JobStatus),
) -> Result<PermissionSetSaved, ApiError> {
    let body = UpdatePermissionSet { requested };
    let accepted = call_with_key::<endpoint::UpdatePermissionSet>(key, &[("app_id", app_id)], &NoQuery, &body).await?;
    match finished_job::<endpoint::GetPartnerJob>(&accepted.job_id, progress).await? {
        JobResult::PermissionSet(saved) => Ok(saved),
        _ => Err(ApiError::Unexpected { status: 200 }),
    }
}

/// The command line that tries a new key: the data API's list of the app's schools, on the
/// origin the portal is served from (`https://gatehouse.example`).
pub fn curl_example(origin: &str, secret: &str) -> String {
    format!("curl -H \"Authorization: Bearer {secret}\" {origin}{}", url::<endpoint::ListAppSchools>(&[], &NoQuery))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curl_example_sends_the_key_as_a_bearer_token_to_the_schools_list() {
        assert_eq!(
            curl_example("https://gatehouse.example", "s3cr3t"),
            "curl -H \"Authorization: Bearer s3cr3t\" https://gatehouse.example/api/v1/schools"
        );
    }
}
