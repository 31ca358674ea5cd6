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

/// The rest of a string newtype whose `parse` is its own: `as_str`, serde
/// through `parse`, and `Display` as the string.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
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
        }

        string_newtype!($name);
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
string_id!(
    /// One of an app's API keys, as the portal lists it (never its secret).
    KeyId, "key_id"
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

/// Parsed in `model`, so the SPA and the API apply one rule.
pub use gatehouse_model::EmailAddress;

impl From<gatehouse_model::InvalidValue> for Error {
    fn from(invalid: gatehouse_model::InvalidValue) -> Self {
        Error::invalid(invalid.field, invalid.reason)
    }
}

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
}

string_newtype!(CaseId);

/// A person's id in the school's MIS, as the agent sends it: letters,
/// digits and `-_.:`, 1 to 64 characters, so it goes into keys and URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MisId(String);

impl MisId {
    pub fn parse(raw: &str) -> Result<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
        if ok {
            Ok(MisId(raw.to_owned()))
        } else {
            Err(Error::invalid("mis_id", "an MIS id is 1 to 64 letters, digits or - _ . :"))
        }
    }
}

string_newtype!(MisId);

/// An international school request: `IR-`, then letters, digits and `-`, up
/// to 40 characters (`IR-<date>-<8 hex>` as issued).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    pub fn parse(raw: &str) -> Result<Self> {
        let ok =
            raw.starts_with("IR-") && raw.len() <= 40 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok { Ok(RequestId(raw.to_owned())) } else { Err(Error::invalid("request_id", "not a request id")) }
    }
}

string_newtype!(RequestId);

/// A job (#15): `j` and 31 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobId(String);

impl JobId {
    pub fn parse(raw: &str) -> Result<Self> {
        let ok = raw.len() == 32
            && raw.starts_with('j')
            && raw[1..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok { Ok(JobId(raw.to_owned())) } else { Err(Error::invalid("job_id", "not a job id")) }
    }
}

string_newtype!(JobId);

/// A webhook delivery: `<event id>.<endpoint id>`, each letters, digits and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryId {
    event: String,
    endpoint: String,
}

impl DeliveryId {
    pub fn parse(raw: &str) -> Result<Self> {
        let safe = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        match raw.split_once('.') {
            Some((event, endpoint)) if safe(event) && safe(endpoint) => {
                Ok(DeliveryId { event: event.to_owned(), endpoint: endpoint.to_owned() })
            }
            _ => Err(Error::invalid("delivery_id", "a delivery id is `<event id>.<endpoint id>`")),
        }
    }

    pub fn event(&self) -> &str {
        &self.event
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.event, self.endpoint)
    }
}

/// The number of an entry in a link's authorisation log, as a receipt's
/// address names it: digits from 1, no sign, space or leading zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReceiptSeq(u32);

impl ReceiptSeq {
    pub fn parse(raw: &str) -> Result<Self> {
        let digits = !raw.starts_with('0') && raw.bytes().all(|b| b.is_ascii_digit());
        match raw.parse::<u32>() {
            Ok(seq) if digits && seq > 0 => Ok(ReceiptSeq(seq)),
            _ => Err(Error::invalid("seq", "a receipt number is 1 or more, digits only")),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    #[test]
    fn mis_ids_take_the_agents_characters_only() {
        for good in ["S1", "abc-DEF_1.2:3", &"x".repeat(64)] {
            assert_eq!(MisId::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", "a b", "a/b", "a#b", "é", &"x".repeat(65)] {
            assert!(MisId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn job_ids_are_j_and_31_hex_digits() {
        let id = format!("j{}", "0a".repeat(15) + "f");
        assert_eq!(JobId::parse(&id).unwrap().as_str(), id);
        for bad in ["", "j", &id.to_uppercase(), &format!("k{}", &id[1..]), &format!("{id}0"), &id.replace('a', "g")] {
            assert!(JobId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn request_ids_start_with_ir() {
        assert_eq!(RequestId::parse("IR-20261123-ab12cd34").unwrap().as_str(), "IR-20261123-ab12cd34");
        let long = format!("IR-{}", "1".repeat(38));
        for bad in ["", "IR_1", "ir-1", "GH-000001", "IR-#x", "IR-../../x", "IR-a.b", &long] {
            assert!(RequestId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn delivery_ids_are_an_event_and_an_endpoint() {
        let id = DeliveryId::parse("evt_123.ab12").unwrap();
        assert_eq!((id.event(), id.endpoint(), id.to_string().as_str()), ("evt_123", "ab12", "evt_123.ab12"));
        for bad in ["", "evt", ".ab", "evt.", "evt.a.b", "evt-1.ab", "evt.a b"] {
            assert!(DeliveryId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn receipt_numbers_are_plain_digits_from_one() {
        assert_eq!(ReceiptSeq::parse("12").unwrap().get(), 12);
        for bad in ["", "0", "02", "+2", " 2", "2 ", "-1", "x", "99999999999"] {
            assert!(ReceiptSeq::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn key_ids_are_string_ids() {
        assert!(KeyId::parse("0123456789ab").is_ok());
        assert!(KeyId::parse(&"k".repeat(65)).is_err() && KeyId::parse("a.b").is_err());
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
