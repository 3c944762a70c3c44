//! PostgreSQL for every function: the connection pool, the embedded migrations, and the
//! transaction helpers that make Row Level Security the second wall between tenants.

pub mod access;
pub mod audio;
pub mod audit;
mod config;
mod error;
pub mod integrations;
pub mod invites;
pub mod live_status;
pub mod members;
mod migrate;
pub mod missed_calls;
pub mod org_settings;
pub mod orgs;
pub mod page;
pub mod platform_account;
pub mod platform_orgs;
mod pool;
pub mod profiles;
pub mod reports;
mod row;
pub mod schedule;
pub mod sms;
pub mod sync_jobs;
pub mod sync_rows;
pub mod synced;
pub mod trigger_replay;
mod tx;
pub mod usage;
pub mod web_sessions;
pub mod webhooks;

pub use config::DbConfig;
pub use error::{Cause, DataRule, StoreError};
pub use migrate::{AppliedMigration, run_migrations};
pub use pool::Db;
pub use row::FromRow;
pub use tx::{ServiceTx, Tx, UserTx};
