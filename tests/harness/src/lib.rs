//! Test support. `cargo test --workspace` needs nothing running beforehand: the first test that asks
//! for a database starts a private PostgreSQL cluster from the system's server binaries (or uses
//! `DATABASE_URL`), migrates a template database once, and gives every test its own copy of it.
//!
//! When something cannot be set up, the harness panics with what to install: a test that cannot
//! reach its database must fail, never skip.

mod aws;
pub mod browser;
mod cluster;
mod database;
pub mod fixtures;
pub mod http;
pub mod identity;
mod layout;
pub mod logs;
mod server;
mod watchdog;

pub use aws::AwsEmulator;
pub use database::TestDb;
