//! Gatehouse's domain: types that parse once, the rules of each product area,
//! and the ports they run behind. No AWS SDK and no HTTP types live here, so
//! the same code runs in Lambda, in the local server and in tests.

pub mod accounts;
pub mod agent_keys;
pub mod app_keys;
pub mod auth;
pub mod authorisation;
pub mod authorisation_log;
pub mod authority;
pub mod calendar;
pub mod cases;
pub mod data_api;
pub mod data_reads;
// Demo data, sample emails and synthetic MIS data: for `cargo xtask run`,
// the tests and benchmarks only; the Lambda binary is built without them.
#[cfg(any(test, feature = "demo"))]
pub mod demo;
pub mod directory;
pub mod directory_admin;
pub mod domain_events;
#[cfg(any(test, feature = "demo"))]
pub mod email_samples;
mod emails;
mod error;
pub mod held_extracts;
pub mod idempotency;
mod ids;
pub mod ingestion;
pub mod international;
pub mod invitations;
pub mod jobs;
pub mod keys;
pub mod links;
pub mod onboarding;
pub mod outbox;
pub mod partners;
pub mod people;
pub mod permissions;
pub mod portal_data;
pub mod ports;
pub mod receipts;
pub mod records;
pub mod reminders;
pub mod revocations;
pub mod school_actions;
pub mod school_portal;
pub mod schools;
pub mod shared;
#[cfg(any(test, feature = "demo"))]
pub mod synthetic;
pub mod team;
mod token;
pub mod usage;
pub mod verification;
pub mod webhooks;

use std::sync::Arc;

pub use error::{Error, Result};
pub use ids::{AppId, EmailAddress, PartnerId, SchoolId, SchoolUrn};
pub use token::{Token, TokenHash};

use ports::{Clock, EventBus, Mailer, Table};

/// Deployment settings the rules need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the SPA is served, without a trailing slash; emailed links start here.
    pub public_url: String,
    /// The operations console's first user (O1): signing in with this address
    /// creates the ops account if there is none. From the `FirstOpsUserEmail`
    /// SAM parameter; `cargo xtask create-ops-user` does the same locally.
    pub first_ops_user: Option<EmailAddress>,
    /// Where new and escalated support cases are announced (P9, O1): the
    /// `SupportEmail` SAM parameter; `DEFAULT_SUPPORT_EMAIL` when unset.
    pub support_email: EmailAddress,
    /// The secret CloudFront sends as `X-Gatehouse-Origin` (#18): requests
    /// without it are refused. `None` locally, where there is no CloudFront.
    pub origin_secret: Option<String>,
}

/// The support team's address when none is configured.
pub const DEFAULT_SUPPORT_EMAIL: &str = "support@gatehouse.example";

impl Settings {
    /// Settings with every optional one off.
    pub fn new(public_url: impl Into<String>) -> Self {
        let support_email = EmailAddress::parse(DEFAULT_SUPPORT_EMAIL).expect("the default support address parses");
        Settings { public_url: public_url.into(), first_ops_user: None, support_email, origin_secret: None }
    }
}

/// The ports and settings, built once per process (a Lambda cold start or the
/// local server) and shared by every request.
#[derive(Clone)]
pub struct Gatehouse {
    pub table: Arc<dyn Table>,
    pub mailer: Arc<dyn Mailer>,
    pub events: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
}
