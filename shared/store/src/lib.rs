//! PostgreSQL for every function: the connection pool, the embedded migrations, and the
//! transaction helpers that make Row Level Security the second wall between tenants.

mod config;
mod error;
mod migrate;
mod pool;
mod tx;

pub use config::DbConfig;
pub use error::StoreError;
pub use migrate::{AppliedMigration, run_migrations};
pub use pool::Db;
pub use tx::Tx;
