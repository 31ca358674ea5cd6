//! The ports: what the domain needs from the outside world. Each has a
//! production adapter (`gatehouse-aws`) and a local one (`gatehouse-local`),
//! and `tests/contract` runs one suite over both, and over `memory`'s
//! in-memory table, which the rule tests in `tests/rules` run on.

pub mod clock;
pub mod events;
pub mod mailer;
#[cfg(any(test, feature = "memory"))]
pub mod memory;
pub mod table;
pub mod webhooks;

pub use clock::{Clock, ManualClock, SystemClock};
pub use events::{DomainEvent, EventBus};
pub use mailer::{Email, Mailer};
#[cfg(any(test, feature = "memory"))]
pub use memory::{MemoryTable, Recorder, RecordingBus, RecordingMailer};
pub use table::{
    Condition, Cursor, Increment, Index, Item, Query, QueryPage, StoreError, Table, TransactWrite, query_all,
    refuse_repeated_keys,
};
pub use webhooks::{WebhookRequest, WebhookSender};
