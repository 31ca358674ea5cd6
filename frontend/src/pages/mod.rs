//! One module per screen of the partner portal.

mod app_keys;
mod auth_landing;
mod authorise;
mod invite_school;
mod not_found;
mod permission_set;
mod school_list;
mod sign_in;
mod team;

pub use app_keys::AppKeysScreen;
pub use auth_landing::AuthLanding;
pub use authorise::AuthoriseScreen;
pub use invite_school::InviteSchoolScreen;
pub use not_found::NotFound;
pub use permission_set::PermissionSetScreen;
pub use school_list::{ActiveSchools, PendingAuthorisations, RevokedSchools};
pub use sign_in::SignIn;
pub use team::TeamScreen;
