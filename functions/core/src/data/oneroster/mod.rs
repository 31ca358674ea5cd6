//! OneRoster 1.2 rostering (#17), as a projection of the native gated read:
//! `mapping` turns the records an app may see into OneRoster objects, and
//! `listing` pages, sorts, filters and projects them as the REST binding
//! asks, and `read` gathers the records through the native gate and
//! redaction (`data::people`) before either sees them, so nothing here can
//! show more than the native read already allowed.

pub mod filter;
pub mod listing;
pub mod mapping;
pub mod read;
