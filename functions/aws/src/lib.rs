//! Production adapters: the DynamoDB table, the SES v2 mailer, the
//! EventBridge bus and the webhook POST, and the wiring that builds a
//! `Gatehouse` from a Lambda's environment. Nothing here knows a test exists: pointing the SDK at a local
//! endpoint is `AWS_ENDPOINT_URL`'s job.

mod events;
mod mailer;
mod table;
mod webhook_sender;

use std::sync::Arc;

use anyhow::{Context, bail};
use aws_config::{BehaviorVersion, SdkConfig};
use gatehouse_core::ports::{Clock, SystemClock};
use gatehouse_core::{EmailAddress, Gatehouse, Settings};

pub use events::{EVENT_SOURCE, EventBridgeBus};
pub use mailer::SesMailer;
pub use table::{DynamoTable, GSI1_NAME, TTL_ATTRIBUTE, create_table};
pub use webhook_sender::HttpWebhookSender;

/// The setting that names the SES configuration set, on every function
/// that sends email (the template's generated section).
pub const CONFIGURATION_SET_VARIABLE: &str = "SES_CONFIGURATION_SET";

/// The deployed resources one Gatehouse talks to.
#[derive(Debug, Clone)]
pub struct ResourceNames {
    pub table: String,
    pub event_bus: String,
    /// SES's verified sender, the `From` of every email.
    pub sender: EmailAddress,
    /// The SES configuration set every email names (#15); set on the
    /// functions that send email.
    pub configuration_set: Option<String>,
}

impl ResourceNames {
    /// Reads `TABLE_NAME`, `EVENT_BUS_NAME`, `SENDER_EMAIL` and, where
    /// set, `SES_CONFIGURATION_SET`.
    pub fn from_env() -> anyhow::Result<Self> {
        let sender = required_var("SENDER_EMAIL")?;
        Ok(ResourceNames {
            table: required_var("TABLE_NAME")?,
            event_bus: required_var("EVENT_BUS_NAME")?,
            sender: EmailAddress::parse(&sender).context("SENDER_EMAIL is not an email address")?,
            configuration_set: std::env::var(CONFIGURATION_SET_VARIABLE).ok().filter(|name| !name.trim().is_empty()),
        })
    }
}

fn required_var(name: &str) -> anyhow::Result<String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => bail!("environment variable {name} is empty"),
        Err(_) => bail!("environment variable {name} is not set"),
    }
}

/// The three AWS adapters, kept concrete so tests can read
/// `DynamoTable::requests_made` while the domain sees only the ports. The
/// webhook sender depends on the settings, so `gatehouse` builds it.
pub struct AwsPorts {
    pub table: Arc<DynamoTable>,
    pub mailer: Arc<SesMailer>,
    pub events: Arc<EventBridgeBus>,
}

impl AwsPorts {
    /// Builds clients from `sdk_config`: once per cold start in a Lambda,
    /// against a local endpoint in tests.
    pub fn new(sdk_config: &SdkConfig, names: &ResourceNames) -> Self {
        AwsPorts {
            table: Arc::new(DynamoTable::new(aws_sdk_dynamodb::Client::new(sdk_config), &names.table)),
            mailer: Arc::new(
                SesMailer::new(aws_sdk_sesv2::Client::new(sdk_config), names.sender.clone())
                    .with_configuration_set(names.configuration_set.clone()),
            ),
            events: Arc::new(EventBridgeBus::new(aws_sdk_eventbridge::Client::new(sdk_config), &names.event_bus)),
        }
    }

    pub fn gatehouse(&self, settings: Settings, clock: Arc<dyn Clock>) -> Gatehouse {
        Gatehouse {
            table: self.table.clone(),
            mailer: self.mailer.clone(),
            events: self.events.clone(),
            clock,
            webhooks: Arc::new(HttpWebhookSender::for_settings(&settings)),
            settings,
            warm: Default::default(),
        }
    }
}

/// A Lambda's `Gatehouse`: names from `TABLE_NAME`, `EVENT_BUS_NAME`,
/// `SENDER_EMAIL` and `PUBLIC_URL` (`SUPPORT_EMAIL` and `ORIGIN_SECRET` optional), credentials
/// and region from the usual AWS chain, the system clock.
pub async fn gatehouse_from_env() -> anyhow::Result<Gatehouse> {
    // Checked before loading AWS config so a misconfigured function fails at
    // once, naming the variable.
    let names = ResourceNames::from_env()?;
    let public_url = required_var("PUBLIC_URL")?.trim_end_matches('/').to_owned();
    let sdk_config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let mut settings = Settings::new(public_url);
    // Behind CloudFront (#18): requests without this header are refused.
    settings.origin_secret = std::env::var("ORIGIN_SECRET").ok().filter(|secret| !secret.trim().is_empty());
    settings.first_ops_user = match std::env::var("FIRST_OPS_USER_EMAIL") {
        Ok(email) if !email.trim().is_empty() => Some(
            gatehouse_core::EmailAddress::parse(&email)
                .map_err(|_| anyhow::anyhow!("FIRST_OPS_USER_EMAIL is not an email address"))?,
        ),
        _ => None,
    };
    if let Ok(email) = std::env::var("SUPPORT_EMAIL")
        && !email.trim().is_empty()
    {
        settings.support_email = gatehouse_core::EmailAddress::parse(&email)
            .map_err(|_| anyhow::anyhow!("SUPPORT_EMAIL is not an email address"))?;
    }
    Ok(AwsPorts::new(&sdk_config, &names).gatehouse(settings, Arc::new(SystemClock)))
}
