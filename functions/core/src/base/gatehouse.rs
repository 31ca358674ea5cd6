//! The ports and settings every rule runs with.

use std::sync::Arc;

use super::ids::EmailAddress;
use super::ports::{Clock, EventBus, Mailer, Table, WebhookSender};
use super::warm::Warm;

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
    /// Posts webhooks (A4): the `deliver_webhooks` consumer and Redeliver.
    pub webhooks: Arc<dyn WebhookSender>,
    pub settings: Settings,
    /// Caches a warm process keeps between requests (the school lists').
    /// `Default::default()` where a `Gatehouse` is built; a clone shares them.
    pub warm: Arc<Warm>,
}
