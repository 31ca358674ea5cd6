//! The school's side: answering an invitation (S2), the portal (S3),
//! onboarding (S4), the data the portals show, and the revocation and
//! reminder jobs on a school's links. Uses the rooms below it, up to `data`.

pub mod authorisation;
pub mod erasure;
pub mod onboarding;
pub mod person_requests;
pub mod portal;
pub mod portal_data;
pub mod reminders;
pub mod revocations;
