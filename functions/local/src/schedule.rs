//! The EventBridge schedules, in-process: a job runs whenever its slot
//! (`jobs::slot`: the UK date for daily jobs, the latest Tuesday or Thursday
//! 15:00 for reminders) changes while the server runs. The daily revocation
//! and case-archive jobs also run at start, catching up a day the server was off; reminders
//! do not, so starting the demo does not fill the outbox. Jobs are
//! idempotent, so an extra run changes nothing.

use std::time::Duration;

use gatehouse_core::{Gatehouse, jobs};
use gatehouse_model::JOBS;

/// How often the slots are checked.
const TICK: Duration = Duration::from_secs(60);

/// Jobs that also run when the server starts.
const CATCH_UP: [&str; 2] = ["apply_revocations", "archive_cases"];

pub fn spawn(gatehouse: Gatehouse) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let started = gatehouse.clock.now();
        let mut last_slots: Vec<Option<String>> = JOBS
            .iter()
            .map(|job| if CATCH_UP.contains(&job.name) { None } else { jobs::slot(job.name, started) })
            .collect();
        let mut ticks = tokio::time::interval(TICK);
        loop {
            ticks.tick().await;
            let now = gatehouse.clock.now();
            for (job, last) in JOBS.iter().zip(last_slots.iter_mut()) {
                let slot = jobs::slot(job.name, now);
                if slot == *last {
                    continue;
                }
                match jobs::run(&gatehouse, job.name).await {
                    Ok(report) => tracing::info!(job = job.name, %report, "scheduled job ran"),
                    Err(error) => tracing::error!(job = job.name, error = ?error, "scheduled job failed"),
                }
                *last = slot;
            }
        }
    })
}
