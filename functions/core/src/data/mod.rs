//! Pupil data (G1, A1–A5): the MIS agent's keys and pushes, the deletion
//! guard, the person store and what each app may read of it. Uses the rooms
//! below it, up to `partner` (app keys and effective scopes).

pub mod agent_keys;
pub mod data_api;
pub mod data_reads;
pub mod erased;
pub mod feed;
pub mod held_extracts;
pub mod held_parts;
pub mod ingestion;
pub mod oneroster;
pub mod people;
pub mod purge;
pub mod retention;
pub mod shared;
