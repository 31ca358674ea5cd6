//! A Lambda's wiring (the `from-env` feature): settings from the function's
//! environment, and the public URL from the stack's SSM parameter when the
//! stack has no domain of its own (#15). The local server does not build it.

use std::sync::Arc;

use anyhow::{Context, bail};
use aws_config::{BehaviorVersion, SdkConfig};
use gatehouse_core::ports::SystemClock;
use gatehouse_core::{Gatehouse, Settings};

use crate::{AwsPorts, PublicUrl, ResourceNames};

impl PublicUrl {
    /// The URL without a trailing slash; one `GetParameter` request for a
    /// parameter. Fails unless it is an `http(s)://` address.
    pub async fn resolve(self, sdk_config: &SdkConfig) -> anyhow::Result<String> {
        let url = match self {
            PublicUrl::Given(url) => url,
            PublicUrl::Parameter(name) => {
                let answer = aws_sdk_ssm::Client::new(sdk_config)
                    .get_parameter()
                    .name(&name)
                    .send()
                    .await
                    .with_context(|| format!("reading the public URL from the SSM parameter {name}"))?;
                let value = answer.parameter.and_then(|parameter| parameter.value).unwrap_or_default();
                if value.trim().is_empty() {
                    bail!("the SSM parameter {name} holds no public URL");
                }
                value.trim().to_owned()
            }
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            bail!("the public URL {url:?} is not an http(s) address");
        }
        Ok(url.trim_end_matches('/').to_owned())
    }
}

/// A Lambda's `Gatehouse`: names from `TABLE_NAME`, `EVENT_BUS_NAME`,
/// `SENDER_EMAIL`, the public URL ([`PublicUrl`]), `SUPPORT_EMAIL`,
/// `FIRST_OPS_USER_EMAIL` and `ORIGIN_SECRET` (the last three optional),
/// credentials and region from the usual AWS chain, the system clock.
pub async fn gatehouse_from_env() -> anyhow::Result<Gatehouse> {
    // Checked before loading AWS config so a misconfigured function fails at
    // once, naming the variable.
    let names = ResourceNames::from_env()?;
    let public_url = PublicUrl::from_env()?;
    let sdk_config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let mut settings = Settings::new(public_url.resolve(&sdk_config).await?);
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
