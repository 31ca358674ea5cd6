//! One module per operation: parse, call the domain, map the result.

pub mod create_session;
pub mod export_partner_schools;
pub mod get_me;
pub mod health;
pub mod list_partner_schools;
pub mod logout;
pub mod openapi;
pub mod request_magic_link;
