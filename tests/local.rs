//! The local server as the suites start it: on a free port, over a fresh data directory, on a
//! clock stopped at the demo data's moment, which only the test moves.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use gatehouse_core::ports::ManualClock;
use gatehouse_local::{LocalConfig, RunningServer};
use tempfile::TempDir;

/// The demo data's moment, Monday 23 November 2026 at 10:00 UTC: where every suite's clock starts.
pub fn demo_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

/// A running local server, its clock, and its data directory (deleted when dropped).
pub struct Local {
    pub server: RunningServer,
    pub clock: Arc<ManualClock>,
    pub data: TempDir,
}

/// Starts the local server at [`demo_now`]; `configure` changes its settings first.
pub async fn start(configure: impl FnOnce(&mut LocalConfig)) -> Local {
    let data = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::at(demo_now()));
    let mut config = LocalConfig::new(data.path().to_owned());
    config.clock = clock.clone();
    configure(&mut config);
    let server = gatehouse_local::start(config).await.expect("local server starts");
    Local { server, clock, data }
}
