//! Outgoing email: SES v2 in AWS, a file outbox locally. Templates are rendered
//! in the domain, so both adapters send the same bytes.

use async_trait::async_trait;

use crate::EmailAddress;

/// A rendered message. Always both bodies: mail clients differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: Email) -> Result<(), anyhow::Error>;
}
