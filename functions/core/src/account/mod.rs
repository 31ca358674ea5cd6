//! Who signs in: school and ops accounts, a partner's team, sign-in itself
//! and the sessions it makes. Uses `base` and `store`.

pub mod accounts;
pub mod auth;
pub(crate) mod sessions;
pub mod team;
