//! The ports: what the domain needs from the outside world. Each has a
//! production adapter (`gatehouse-aws`) and a local one (`gatehouse-local`),
//! and `tests/contract` runs one suite over both.

pub mod clock;
pub mod events;
pub mod mailer;
pub mod table;
pub mod webhooks;

pub use clock::{Clock, ManualClock, SystemClock};
pub use events::{DomainEvent, EventBus};
pub use mailer::{Email, Mailer};
pub use table::{Condition, Cursor, Index, Item, Query, QueryPage, StoreError, Table, TransactWrite, query_all};
pub use webhooks::{WebhookRequest, WebhookSender};
