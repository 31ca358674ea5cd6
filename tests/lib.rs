//! Test harness.

pub mod counting;
pub mod moto;
pub mod stack;
pub mod webhook_receiver;
