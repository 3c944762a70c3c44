use tokio_postgres::Client;

use crate::server::{self, Server, connect};

/// A database of one's own for one test, cloned from the migrated template (or empty, for tests of
/// the migrations themselves). Dropped with the private cluster when the test process ends.
pub struct TestDb {
    name: String,
    server: &'static Server,
}

impl TestDb {
    /// A fresh, fully migrated database.
    pub async fn new() -> Self {
        let server = server::get();
        Self::create(server, &server.template).await
    }

    /// A fresh database with no migrations applied.
    pub async fn empty() -> Self {
        Self::create(server::get(), "template0").await
    }

    async fn create(server: &'static Server, template: &str) -> Self {
        let name = format!("vs_t_{}", uuid::Uuid::new_v4().simple());
        let admin = must(connect(&server.admin_config("postgres")).await);
        must(
            admin
                .batch_execute(&format!("create database {name} template {template}"))
                .await
                .map_err(|e| format!("cannot create test database: {e}")),
        );
        Self { name, server }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pool the functions would use: the non-superuser application role.
    pub fn store(&self) -> store::Db {
        must(store::Db::connect(&self.store_config()).map_err(|e| e.to_string()))
    }

    pub fn store_config(&self) -> store::DbConfig {
        store::DbConfig::new(self.app_url())
    }

    /// `DATABASE_URL` for the application role, e.g. to run a function binary against this database.
    pub fn app_url(&self) -> String {
        config_url(&self.server.app_config(&self.name))
    }

    /// A superuser-equivalent connection for arranging data and checking results behind RLS.
    pub async fn admin(&self) -> Client {
        must(connect(&self.server.admin_config(&self.name)).await)
    }

    /// The same admin connection as a URL (e.g. for `cargo run -p migrate` in a test).
    pub fn admin_url(&self) -> String {
        config_url(&self.server.admin_config(&self.name))
    }
}

fn config_url(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "127.0.0.1".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let password = config
        .get_password()
        .map(|p| format!(":{}", String::from_utf8_lossy(p)))
        .unwrap_or_default();
    format!(
        "postgres://{user}{password}@{host}:{port}/{db}?sslmode=disable",
        user = config.get_user().unwrap_or("postgres"),
        db = config.get_dbname().unwrap_or("postgres"),
    )
}

fn must<T>(result: Result<T, String>) -> T {
    match result {
        Ok(value) => value,
        #[allow(clippy::panic)]
        Err(why) => panic!("{why}"),
    }
}
