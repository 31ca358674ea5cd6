//! The code behind `cargo xtask` (see `main.rs`), a library so the tests
//! crate's deploy rehearsal runs the deploy command's own steps (#15).

pub mod deploy;
pub mod infra;
pub mod spa;
pub mod tools;
