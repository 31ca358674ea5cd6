//! The job workers, in-process (#15): subscribed to the in-process bus, they
//! run the same `workers::run` the worker Lambdas run on each `job.*` event,
//! after the request that accepted the job has answered, and run a job
//! again after a failed attempt as Lambda retries an asynchronous invocation.

use std::time::Duration;

use gatehouse_core::{Gatehouse, workers};
use tokio::sync::broadcast::Receiver;

use crate::bus::{RecordedEvent, consume};

pub fn spawn(
    gatehouse: Gatehouse,
    events: Receiver<RecordedEvent>,
    retry_delays: Vec<Duration>,
) -> tokio::task::JoinHandle<()> {
    consume(events, "job workers", move |event| {
        let kind = workers::kind_of_event(&event.detail_type)?;
        let (gatehouse, delays) = (gatehouse.clone(), retry_delays.clone());
        Some(async move {
            let mut waits = delays.iter();
            while let Err(error) = workers::run(&gatehouse, kind, &event.detail).await {
                tracing::error!(error = ?error, job = %event.detail_type, "job attempt failed");
                match waits.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return,
                }
            }
        })
    })
}
