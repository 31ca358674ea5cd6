//! Identifiers and values that parse once at the edge; the domain never sees a
//! raw string where one of these belongs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Serde's way in and out of a parsed string newtype: in through `parse`,
/// so a stored or sent value is checked like typed input; out as the string.
macro_rules! parsed_from_string {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(raw: String) -> Result<Self, Error> {
                $name::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

/// Declares a string id newtype with a parser that accepts `[A-Za-z0-9_-]`,
/// 1 to 64 characters: safe inside a key and a URL without escaping.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, Error> {
                let ok = !raw.is_empty()
                    && raw.len() <= 64
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if ok {
                    Ok($name(raw.to_owned()))
                } else {
                    Err(Error::invalid($field, "use 1 to 64 letters, digits, '-' or '_'"))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        parsed_from_string!($name);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A partner organisation (an app vendor).
    PartnerId, "partner_id"
);
string_id!(
    /// One of a partner's apps; schools authorise apps, not partners.
    AppId, "app"
);
string_id!(
    /// Gatehouse's id for a school, stable across URN changes.
    SchoolId, "school_id"
);

/// A school's Unique Reference Number in England and Wales: six digits in
/// the public register (seven for a few newer ones), never starting with 0.
/// Schools outside England and Wales, added by operations (P7), get
/// `INT` and six digits instead, so their ids never clash with the register's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolUrn(String);

impl SchoolUrn {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let trimmed = raw.trim();
        let digits = trimmed.len() == 6 || trimmed.len() == 7;
        if digits && trimmed.bytes().all(|b| b.is_ascii_digit()) && !trimmed.starts_with('0') {
            Ok(SchoolUrn(trimmed.to_owned()))
        } else if let Some(number) = trimmed.strip_prefix(INTERNATIONAL_PREFIX)
            && number.len() == 6
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            Ok(SchoolUrn(trimmed.to_owned()))
        } else {
            Err(Error::invalid("urn", "a URN is 6 or 7 digits, not starting with 0"))
        }
    }

    /// The `n`th international school's id: `INT000001` for 1.
    pub fn international(n: u64) -> Result<Self, Error> {
        if (1..=999_999).contains(&n) {
            Ok(SchoolUrn(format!("{INTERNATIONAL_PREFIX}{n:06}")))
        } else {
            Err(Error::Conflict("the international school ids are used up"))
        }
    }

    /// Added by operations rather than imported from the register.
    pub fn is_international(&self) -> bool {
        self.0.starts_with(INTERNATIONAL_PREFIX)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const INTERNATIONAL_PREFIX: &str = "INT";

parsed_from_string!(SchoolUrn);

/// An email address, trimmed and lower-cased so one person has one key.
/// Deliberately modest validation: one `@`, a dotted domain, no spaces or
/// control characters. The real test is whether the link arrives.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let address = raw.trim().to_lowercase();
        let invalid = || Error::invalid("email", "enter an email address like name@school.org.uk");
        if address.len() > 254 || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = address.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
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

parsed_from_string!(EmailAddress);

/// A case's reference, which is also its id: `GH-` and at least six digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(String);

impl CaseId {
    pub fn parse(raw: &str) -> Result<Self> {
        let digits = raw.strip_prefix("GH-").unwrap_or_default();
        if (6..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(CaseId(raw.to_owned()))
        } else {
            Err(Error::invalid("case_id", "a case reference looks like GH-000123"))
        }
    }

    pub(crate) fn from_number(number: i64) -> Self {
        CaseId(format!("GH-{number:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

parsed_from_string!(CaseId);

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_normalised() {
        let email = EmailAddress::parse("  Demo@Partner.Example ").unwrap();
        assert_eq!(email.as_str(), "demo@partner.example");
    }

    #[test]
    fn email_rejects_what_cannot_be_delivered() {
        for bad in ["", "no-at-sign", "a@b", "a@@b.com", "a b@c.com", "@school.uk", "x@.uk", "x@-a.uk"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn email_debug_hides_the_address() {
        let email = EmailAddress::parse("someone@school.org.uk").unwrap();
        assert!(!format!("{email:?}").contains("someone"));
    }

    #[test]
    fn urn_accepts_register_shapes_only() {
        assert!(SchoolUrn::parse("100000").is_ok());
        assert!(SchoolUrn::parse("1234567").is_ok());
        for bad in ["012345", "12345", "12345678", "12a456", "", "INT12345", "INT0000001", "int000001", "INTABCDEF"] {
            assert!(SchoolUrn::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn international_ids_have_their_own_shape() {
        let urn = SchoolUrn::international(42).unwrap();
        assert_eq!(urn.as_str(), "INT000042");
        assert!(urn.is_international());
        assert_eq!(SchoolUrn::parse("INT000042").unwrap(), urn);
        assert!(!SchoolUrn::parse("107100").unwrap().is_international());
        assert!(SchoolUrn::international(0).is_err() && SchoolUrn::international(1_000_000).is_err());
    }

    proptest! {
        #[test]
        fn parsed_email_reparses_to_itself(local in "[a-z0-9._%+-]{1,20}", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            let email = EmailAddress::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(EmailAddress::parse(email.as_str()).unwrap(), email);
        }

        #[test]
        fn ids_never_accept_key_separators(raw in ".{0,70}") {
            if let Ok(id) = SchoolId::parse(&raw) {
                prop_assert!(!id.as_str().contains('#'));
                prop_assert!(id.as_str().len() <= 64);
            }
        }
    }
}
