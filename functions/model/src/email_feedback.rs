//! What SES told Gatehouse about an address (#15): a permanent bounce or a
//! complaint stops every email to it, and the pages that show the address
//! say so.

use serde::{Deserialize, Serialize};

/// Why Gatehouse no longer emails an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmailBounceReason {
    /// The recipient's mail server refused it for good (no such mailbox…).
    Bounced,
    /// The recipient marked an email from Gatehouse as spam.
    Complained,
}

/// An address Gatehouse stopped emailing, as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailBounce {
    pub reason: EmailBounceReason,
    /// RFC 3339, UTC: when SES reported it.
    pub since: String,
}

impl EmailBounce {
    /// The words a page shows beside the address.
    pub fn label(&self) -> &'static str {
        match self.reason {
            EmailBounceReason::Bounced => "Email bounced",
            EmailBounceReason::Complained => "Marked our email as spam",
        }
    }

    /// One sentence on what it means and what to do.
    pub fn explanation(&self) -> &'static str {
        match self.reason {
            EmailBounceReason::Bounced => {
                "Emails to this address bounced, so Gatehouse no longer sends to it. Check the address, or use another."
            }
            EmailBounceReason::Complained => {
                "This person marked an email from Gatehouse as spam, so Gatehouse no longer sends to them. Use another contact."
            }
        }
    }
}
