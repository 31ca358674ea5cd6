//! Test harness.

pub mod moto;
