//! Gatehouse on one machine: the embedded store (redb), the file outbox, the
//! in-process event bus, and one server mounting every operation at the
//! same routes as the SAM template, plus the SPA and the `/dev` pages.

mod bus;
mod dev_client;
mod outbox;
mod outbox_page;
mod schedule;
mod server;
pub mod ses_simulator;
mod sign_in;
pub mod store;
mod webhooks;
mod workers;

pub use bus::{InProcessBus, RecordedEvent};
pub use dev_client::post_to_running_server;
pub use outbox::{FileOutbox, OutboxEntry};
pub use server::{
    DEMO_AGENT_KEY_FILE, DEMO_APP_KEY_FILE, DEMO_ONEROSTER_FILE, DIRECTORY_SAMPLE, LocalConfig, LocalState,
    RunningServer, start,
};
pub use webhooks::LAMBDA_RETRY_DELAYS;
