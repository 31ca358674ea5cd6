//! The ground floor: values that parse once (ids, tokens), the one error
//! type, calendar days, every storage key, the ports and the `Gatehouse` that
//! holds them. Nothing here uses another room.

pub mod access;
pub mod calendar;
pub mod error;
pub mod gatehouse;
pub(crate) mod ids;
pub mod keys;
pub mod ports;
pub mod refusal;
pub mod retention;
pub(crate) mod token;
pub mod warm;

pub use error::{Error, Result};
pub use gatehouse::{DEFAULT_SUPPORT_EMAIL, Gatehouse, Settings};
pub use ids::{
    AppId, CaseId, DeliveryId, EmailAddress, JobId, KeyId, MisId, PartnerId, ReceiptSeq, RequestId, SchoolId, SchoolUrn,
};
pub use refusal::Refusal;
pub use token::{Token, TokenHash};
