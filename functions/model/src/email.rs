//! An email address, parsed where it enters: the SPA checks a form with the
//! same rule the API applies to the body, and the domain never sees a raw
//! string where an address belongs (#13).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A value that breaks its rule: the field it belongs in and what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidValue {
    pub field: &'static str,
    pub reason: &'static str,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

impl std::error::Error for InvalidValue {}

impl InvalidValue {
    /// The reason as a sentence to show: capital first, full stop last.
    pub fn sentence(&self) -> String {
        let mut chars = self.reason.chars();
        chars.next().map(|first| format!("{}{}.", first.to_ascii_uppercase(), chars.as_str())).unwrap_or_default()
    }
}

/// An email address, trimmed and lower-cased (ASCII) so one person has one key.
/// Deliberately modest validation: one `@`, a dotted domain, no spaces or
/// control characters. The real test is whether the link arrives.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, format = Email, example = "name@school.org.uk"))]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const INVALID: InvalidValue =
        InvalidValue { field: "email", reason: "enter an email address like name@school.org.uk" };

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        // ASCII lower-casing: SES delivers only to 7-bit local parts, and the
        // Unicode case tables would cost every SPA bundle kilobytes for it.
        let address = raw.trim().to_ascii_lowercase();
        if address.len() > 254 || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Self::INVALID);
        }
        let (local, domain) = address.split_once('@').ok_or(Self::INVALID)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(Self::INVALID);
        }
        Ok(EmailAddress(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// Addresses are personal data: debug output never shows one.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidValue;
    fn try_from(raw: String) -> Result<Self, InvalidValue> {
        EmailAddress::parse(&raw)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> String {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised() {
        let email = EmailAddress::parse("  Demo@Partner.Example ").unwrap();
        assert_eq!(email.as_str(), "demo@partner.example");
    }

    #[test]
    fn email_rejects_what_cannot_be_delivered() {
        for bad in ["", "no-at-sign", "a@b", "a@@b.com", "a b@c.com", "@school.uk", "x@.uk", "x@-a.uk"] {
            assert_eq!(EmailAddress::parse(bad), Err(EmailAddress::INVALID), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn email_debug_hides_the_address() {
        let email = EmailAddress::parse("someone@school.org.uk").unwrap();
        assert!(!format!("{email:?}").contains("someone"));
    }

    #[test]
    fn a_body_with_a_bad_address_fails_with_the_reason() {
        let error = serde_json::from_str::<EmailAddress>("\"not an address\"").unwrap_err();
        assert!(error.to_string().starts_with(EmailAddress::INVALID.reason), "{error}");
    }
}
