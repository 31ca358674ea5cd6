//! Production adapters: the DynamoDB table, the SES v2 mailer, the
//! EventBridge bus and the webhook POST, and the wiring that builds a
//! `Gatehouse` from a Lambda's environment. Nothing here knows a test exists: pointing the SDK at a local
//! endpoint is `AWS_ENDPOINT_URL`'s job.

mod events;
#[cfg(feature = "from-env")]
mod from_env;
mod mailer;
mod table;
mod webhook_sender;

use std::sync::Arc;

use anyhow::{Context, bail};
use aws_config::SdkConfig;
use gatehouse_core::ports::Clock;
use gatehouse_core::{EmailAddress, Gatehouse, Settings};

pub use events::{EVENT_SOURCE, EventBridgeBus};
#[cfg(feature = "from-env")]
pub use from_env::gatehouse_from_env;
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

/// Every setting a function reads from its environment, beside the SDK's own
/// (`AWS_REGION`…). The template's `Globals` must set each one: `tests/parity.rs`
/// checks it, so a setting read here and never passed fails there.
pub const SETTING_VARIABLES: &[&str] = &[
    "TABLE_NAME",
    "EVENT_BUS_NAME",
    "SENDER_EMAIL",
    PUBLIC_URL_VARIABLE,
    PUBLIC_URL_PARAMETER_VARIABLE,
    "SUPPORT_EMAIL",
    "FIRST_OPS_USER_EMAIL",
    "ORIGIN_SECRET",
];

/// Where emailed links point, when the stack has a domain of its own.
pub const PUBLIC_URL_VARIABLE: &str = "PUBLIC_URL";
/// The name of the SSM parameter holding the public URL, for a stack without
/// a domain of its own: the functions cannot be told the distribution's
/// generated domain directly (functions → API → distribution would be a
/// cycle in the template), so the stack writes it to this parameter.
pub const PUBLIC_URL_PARAMETER_VARIABLE: &str = "PUBLIC_URL_PARAMETER";

/// Where the public URL comes from: given, or in an SSM parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicUrl {
    Given(String),
    Parameter(String),
}

impl PublicUrl {
    /// `PUBLIC_URL` when set, else the parameter `PUBLIC_URL_PARAMETER` names.
    pub fn from_env() -> anyhow::Result<Self> {
        let set = |name: &str| std::env::var(name).ok().map(|value| value.trim().to_owned()).filter(|v| !v.is_empty());
        if let Some(url) = set(PUBLIC_URL_VARIABLE) {
            return Ok(PublicUrl::Given(url));
        }
        match set(PUBLIC_URL_PARAMETER_VARIABLE) {
            Some(parameter) => Ok(PublicUrl::Parameter(parameter)),
            None => bail!(
                "neither {PUBLIC_URL_VARIABLE} nor {PUBLIC_URL_PARAMETER_VARIABLE} is set: emailed links need the public URL"
            ),
        }
    }
}
