//! One module per screen of the partner portal.

mod active_schools;
mod auth_landing;
mod not_found;
mod sign_in;

pub use active_schools::ActiveSchools;
pub use auth_landing::AuthLanding;
pub use not_found::NotFound;
pub use sign_in::SignIn;
