//! One module per screen of the partner portal.

mod auth_landing;
mod not_found;
mod school_list;
mod sign_in;

pub use auth_landing::AuthLanding;
pub use not_found::NotFound;
pub use school_list::{ActiveSchools, PendingAuthorisations, RevokedSchools};
pub use sign_in::SignIn;
