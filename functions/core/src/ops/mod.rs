//! The operations console's work (O1): verifying authorisers, keeping the
//! directory, support cases, international requests, and the scheduled jobs
//! by name. The top room of the product; only `fixtures` uses it.

pub mod cases;
pub mod directory_admin;
pub mod international;
pub mod jobs;
pub mod log_audit;
pub mod verification;
pub mod workers;
