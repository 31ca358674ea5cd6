//! Gatehouse's domain: types that parse once, the rules of each product area,
//! and the ports they run behind. No AWS SDK and no HTTP types live here, so
//! the same code runs in Lambda, in the local server and in tests.
//!
//! The modules live in rooms, each a directory, and a room uses only the rooms
//! below it (`tests/rooms.rs` fails on a cycle, naming it):
//!
//! `base` ← `store` ← `account` ← `registry` ← `partner` ← `data` ← `school`
//! ← `ops` ← `fixtures`

pub mod account;
pub mod base;
pub mod data;
#[cfg(any(test, feature = "demo"))]
pub mod fixtures;
pub mod ops;
pub mod partner;
pub mod registry;
pub mod school;
pub mod store;

pub use base::{
    AppId, CaseId, DEFAULT_SUPPORT_EMAIL, DeliveryId, EmailAddress, Error, Gatehouse, JobId, KeyId, MisId, PartnerId,
    ReceiptSeq, RequestId, Result, SchoolId, SchoolUrn, Settings, Token, TokenHash,
};

// The flat paths from before the rooms, so other crates compile unchanged.
// Callers move to the room paths over time (`gatehouse_core::school::portal`
// for `gatehouse_core::school_portal`); code inside this crate uses the room
// paths already, and this block shrinks as callers move.
pub use account::{accounts, auth, team};
pub use base::{access, calendar, error, keys, ports};
pub use data::{agent_keys, data_api, data_reads, held_extracts, ingestion, people, shared};
#[cfg(any(test, feature = "demo"))]
pub use fixtures::{demo, email_samples, synthetic};
pub use ops::{cases, directory_admin, international, jobs, log_audit, verification, workers};
pub use partner::{app_keys, invitations, oauth, partners, permissions, school_actions, schools, webhooks};
pub use registry::{authority, directory};
pub use school::portal as school_portal;
pub use school::{authorisation, onboarding, portal_data, reminders, revocations};
pub use store::{authorisation_log, background, domain_events, idempotency, links, outbox, receipts, records, usage};
