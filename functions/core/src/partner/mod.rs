//! The partner's side: organisations and their apps, app keys, invitations,
//! requested permissions, the school lists and tile actions, and webhooks.
//! Uses `base`, `store`, `account` and `registry`.

pub mod app_keys;
pub mod invitations;
pub mod oauth;
pub mod partners;
pub mod permissions;
pub mod school_actions;
pub mod school_index;
pub mod schools;
pub mod webhooks;
