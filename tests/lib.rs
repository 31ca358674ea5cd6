//! Test harness.

pub mod counting;
pub mod extracts;
pub mod lambda_runtime;
pub mod moto;
pub mod stack;
pub mod wait;
pub mod webhook_receiver;
