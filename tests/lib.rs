//! Test harness.

pub mod counting;
pub mod moto;
pub mod webhook_receiver;
