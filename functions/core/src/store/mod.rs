//! What every product area stores and sends the same way: the records, one
//! school link loaded and committed with its log entries, receipts and events
//! in one transaction, the outbox, idempotency keys, email templates and
//! usage counts. Uses `base` only.

pub mod authorisation_log;
pub mod background;
pub mod dashboard;
pub mod domain_events;
pub(crate) mod emails;
pub mod erasures;
pub mod idempotency;
pub mod link_loading;
pub mod links;
pub mod outbox;
pub mod receipts;
pub mod records;
pub mod suppression;
pub mod transitions;
pub mod usage;
