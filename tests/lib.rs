//! Test harness.

pub mod counting;
pub mod extracts;
pub mod jobs;
pub mod lambda_runtime;
pub mod local;
pub mod moto;
pub mod smoke;
pub mod stack;
pub mod tamper;
pub mod wait;
pub mod watched;
pub mod webhook_receiver;
