//! The production `Mailer`: SES v2 `SendEmail` with simple content, so the
//! bytes are the ones core rendered (SES templates would render them twice).

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use gatehouse_core::EmailAddress;
use gatehouse_core::ports::{Email, Mailer};

/// Sends from one verified address (`SENDER_EMAIL`), through the stack's
/// SES configuration set when one is named (`SES_CONFIGURATION_SET`): its
/// event destination reports bounces and complaints back (#15).
pub struct SesMailer {
    client: Client,
    sender: EmailAddress,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, sender: EmailAddress) -> Self {
        SesMailer { client, sender, configuration_set: None }
    }

    /// Every send names `configuration_set`.
    pub fn with_configuration_set(self, configuration_set: Option<String>) -> Self {
        SesMailer { configuration_set, ..self }
    }
}

fn utf8(data: String) -> anyhow::Result<Content> {
    Ok(Content::builder().data(data).charset("UTF-8").build()?)
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: Email) -> Result<(), anyhow::Error> {
        let Email { to, subject, text, html } = email;
        let message = Message::builder()
            .subject(utf8(subject)?)
            .body(Body::builder().text(utf8(text)?).html(utf8(html)?).build())
            .build();
        // The context names the step, never the recipient: addresses are
        // personal data and errors end up in logs.
        self.client
            .send_email()
            .from_email_address(self.sender.as_str())
            .destination(Destination::builder().to_addresses(to.as_str()).build())
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .context("sending email through SES")?;
        Ok(())
    }
}
