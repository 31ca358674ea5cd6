//! Gatehouse's domain: types that parse once, the rules of each product area,
//! and the ports they run behind. No AWS SDK and no HTTP types live here, so
//! the same code runs in Lambda, in the local server and in tests.

pub mod app_keys;
pub mod auth;
pub mod authorisation;
pub mod authorisation_log;
pub mod calendar;
pub mod data_api;
pub mod demo;
pub mod directory;
mod emails;
mod error;
pub mod idempotency;
mod ids;
pub mod invitations;
pub mod jobs;
pub mod keys;
pub mod links;
pub mod permissions;
pub mod ports;
pub mod records;
pub mod reminders;
pub mod revocations;
pub mod school_actions;
pub mod schools;
pub mod team;
mod token;

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
