//! The register of schools: the GIAS directory and its word index, the
//! domains that vouch for a school, and who may say yes for one (#12).
//! Uses `base`, `store` and `account`.

pub mod authority;
pub mod directory;
pub(crate) mod domains;
