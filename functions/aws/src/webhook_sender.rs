//! The `WebhookSender` both runtimes use (the local server too): reqwest over rustls. No redirects
//! (a signed event goes to the URL the partner set, nowhere else), short
//! timeouts (a slow endpoint counts as a failed attempt and is retried), and
//! the response body is never read.
//!
//! Only public addresses are reached (#18): host names go through a resolver
//! that drops every address `webhooks::deliverable_ip` refuses, at each
//! connect (so a name re-pointed inside after it was saved, DNS rebinding, is
//! still refused), and a URL naming an address is checked before sending.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use gatehouse_core::Settings;
use gatehouse_core::ports::{WebhookRequest, WebhookSender};
use gatehouse_core::webhooks::{Loopback, deliverable_ip};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What the partner reads when an address is refused; nothing more.
const NOT_PUBLIC: &str = "refused: the address is not a public one";

pub struct HttpWebhookSender {
    client: reqwest::Client,
    loopback: Loopback,
}

/// Resolves host names to the public addresses among their answers only.
struct PublicAddresses {
    loopback: Loopback,
}

#[derive(Debug)]
struct NotPublic;

impl std::fmt::Display for NotPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(NOT_PUBLIC)
    }
}

impl std::error::Error for NotPublic {}

impl Resolve for PublicAddresses {
    fn resolve(&self, name: Name) -> Resolving {
        let loopback = self.loopback;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let public = public_only(found, loopback);
            if public.is_empty() {
                return Err(Box::new(NotPublic) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// The answers Gatehouse may connect to.
fn public_only(found: Vec<SocketAddr>, loopback: Loopback) -> Vec<SocketAddr> {
    found.into_iter().filter(|address| deliverable_ip(address.ip(), loopback)).collect()
}

impl HttpWebhookSender {
    /// A sender for this deployment: a local Gatehouse (`http://` public
    /// URL) may also post to its own machine, for a developer's receiver.
    ///
    /// Builds only a rustls client with bundled roots: failing here is a
    /// broken build, better found at cold start than at the first delivery.
    pub fn for_settings(settings: &Settings) -> Self {
        let loopback = Loopback::for_settings(settings);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("Gatehouse-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(PublicAddresses { loopback }))
            .no_proxy()
            .build()
            .expect("the webhook HTTP client builds");
        HttpWebhookSender { client, loopback }
    }
}

#[async_trait]
impl WebhookSender for HttpWebhookSender {
    async fn send(&self, request: WebhookRequest) -> Result<u16, anyhow::Error> {
        // An address in the URL is not resolved, so check it here.
        let url = reqwest::Url::parse(&request.url).map_err(|_| anyhow::anyhow!("request failed: not a URL"))?;
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if literal.is_some_and(|ip| !deliverable_ip(ip, self.loopback)) {
            anyhow::bail!(NOT_PUBLIC);
        }
        let mut builder = self.client.post(url).body(request.body);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = builder.send().await.map_err(|error| anyhow::anyhow!(describe(&error)))?;
        Ok(response.status().as_u16())
    }
}

/// The failure in words the partner may read: its kind, never the internal
/// detail (resolver answers, socket errors) that would map a network.
fn describe(error: &reqwest::Error) -> &'static str {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<NotPublic>() {
            return NOT_PUBLIC;
        }
        source = cause.source();
    }
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_answering_inside_and_outside_connects_outside_only() {
        let found: Vec<SocketAddr> = ["127.0.0.1:0", "10.0.0.7:0", "93.184.215.14:0", "[::1]:0"]
            .iter()
            .map(|address| address.parse().unwrap())
            .collect();
        let public = public_only(found.clone(), Loopback::Refused);
        assert_eq!(public, vec!["93.184.215.14:0".parse::<SocketAddr>().unwrap()]);
        assert_eq!(public_only(found, Loopback::Allowed).len(), 3, "a local Gatehouse also reaches its own machine");
    }

    #[tokio::test]
    async fn a_deployed_gatehouse_never_reaches_its_own_machine_by_name_or_number() {
        let sender = HttpWebhookSender::for_settings(&Settings::new("https://gatehouse.example"));
        for url in ["http://localhost:9/hook", "https://2130706433/hook", "https://[::1]:9/hook"] {
            let request = WebhookRequest { url: url.to_owned(), headers: Vec::new(), body: "{}".to_owned() };
            let error = sender.send(request).await.unwrap_err();
            assert_eq!(error.to_string(), NOT_PUBLIC, "{url}");
        }
    }
}
