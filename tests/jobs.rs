//! Jobs (#15) from the outside: an operation that answers `202` with a job
//! is polled at the job's `status_url` until it is done or failed, as a
//! client does.

use anyhow::{Context, bail};
use gatehouse_model::Extract;
use serde_json::Value;

/// Polls `status_url` (a path on `base`) with `key` until the job is done
/// or failed; the job as it ended.
pub async fn finished(client: &reqwest::Client, base: &str, key: &str, status_url: &str) -> anyhow::Result<Value> {
    let url = format!("{base}{status_url}");
    let job = crate::wait::until(|| async {
        let job: Value = client.get(&url).bearer_auth(key).send().await.ok()?.json().await.ok()?;
        matches!(job["state"].as_str(), Some("done" | "failed")).then_some(job)
    })
    .await;
    job.with_context(|| format!("the job at {status_url} did not finish"))
}

/// Pushes `extract` as the agent with `key`, then waits for the push's job
/// to be done; its receipt.
pub async fn push_extract(client: &reqwest::Client, base: &str, key: &str, extract: &Extract) -> anyhow::Result<Value> {
    let response = client.post(format!("{base}/api/agent/v1/extracts")).bearer_auth(key).json(extract).send().await?;
    let status = response.status();
    let accepted: Value = response.json().await?;
    if status != 202 {
        bail!("the push answered {status}: {accepted}");
    }
    let status_url = accepted["status_url"].as_str().context("the job's status_url")?;
    let job = finished(client, base, key, status_url).await?;
    if job["state"] != "done" {
        bail!("the push's job failed: {job}");
    }
    Ok(job["result"]["extract"].clone())
}
