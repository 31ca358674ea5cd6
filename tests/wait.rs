//! Waiting on a condition instead of sleeping: work a request sets off after its answer (a
//! sign-in email, a webhook delivery) is looked for again and again until it is there or a
//! deadline passes.

use std::future::Future;
use std::time::{Duration, Instant};

/// How long a condition may take to come true before a test gives up. Generous, because the
/// machine running the suite is often busy compiling, and one moto server serves every
/// `aws_slice` test at once (a sign-in email took over 10 s there on a fresh-clone run); a
/// condition that holds sooner returns at once.
pub const PATIENCE: Duration = Duration::from_secs(30);
/// How often a condition is asked again.
const POLL_EVERY: Duration = Duration::from_millis(50);

/// Asks `check` every 50 ms until it returns `Some`, for up to [`PATIENCE`]; `None` if it never
/// did, for the caller to say what was missing.
pub async fn until<T, F, Fut>(mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(found) = check().await {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// [`until`], panicking with `what` was awaited when the deadline passes.
#[allow(dead_code, reason = "not every binary that includes this file waits this way")]
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    until(check).await.unwrap_or_else(|| panic!("gave up after {PATIENCE:?} waiting for {what}"))
}
