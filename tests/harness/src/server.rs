//! The one database server of this test process, set up on first use: a private cluster (or
//! `DATABASE_URL`), a non-superuser login role for the application, and a migrated template.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use tokio_postgres::{Client, NoTls};

use crate::cluster;

/// The role tests connect as, like production: not a superuser, so RLS applies; NOINHERIT, so it
/// has no table privileges until a transaction switches to `authenticated` or `service_role`.
pub(crate) const APP_ROLE: &str = "vs_test_app";

pub(crate) struct Server {
    /// `host=… port=… user=… password=…` of a role allowed to create databases and roles.
    admin: tokio_postgres::Config,
    pub app_password: String,
    pub template: String,
    /// Keeps the private cluster's identity alive for the process's lifetime (its watchdog stops it).
    _cluster: Option<cluster::Cluster>,
}

impl Server {
    pub fn admin_config(&self, dbname: &str) -> tokio_postgres::Config {
        let mut config = self.admin.clone();
        config.dbname(dbname);
        config
    }

    pub fn app_config(&self, dbname: &str) -> tokio_postgres::Config {
        let mut config = self.admin_config(dbname);
        config.user(APP_ROLE).password(self.app_password.clone());
        config
    }
}

pub(crate) fn get() -> &'static Server {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    match SERVER.get_or_init(|| block_on(set_up())) {
        Ok(server) => server,
        // Test support must fail loudly rather than let a test pass without its database.
        #[allow(clippy::panic)]
        Err(why) => panic!("test database unavailable: {why}"),
    }
}

/// Runs a future to completion on a private runtime in its own thread, so it works both from
/// plain code and from inside a test's tokio runtime.
pub(crate) fn block_on<F>(future: F) -> F::Output
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| rt.block_on(future))
    })
    .join()
    .map_err(|_| "the set-up thread panicked")
    .and_then(|r| r.map_err(|_| "cannot build a tokio runtime"))
    .unwrap_or_else(|why| {
        #[allow(clippy::panic)]
        {
            panic!("{why}")
        }
    })
}

async fn set_up() -> Result<Server, String> {
    let (admin, cluster) = match std::env::var("DATABASE_URL") {
        Ok(url) => (
            url.parse::<tokio_postgres::Config>()
                .map_err(|e| format!("DATABASE_URL is not a PostgreSQL URL: {e}"))?,
            None,
        ),
        Err(_) => {
            let cluster = cluster::start()?;
            let mut config = tokio_postgres::Config::new();
            config
                .host("127.0.0.1")
                .port(cluster.port)
                .user(&cluster.superuser)
                .password(cluster.password.clone())
                .dbname("postgres");
            (config, Some(cluster))
        }
    };
    let fingerprint = migrations_fingerprint()?;
    let template = format!("vs_tpl_{fingerprint}");
    // Deterministic, so concurrent test processes sharing a DATABASE_URL server agree on it.
    let app_password = format!("vs-test-{fingerprint}");
    let server = Server {
        admin,
        app_password,
        template,
        _cluster: cluster,
    };
    let maintenance = server.admin.get_dbname().unwrap_or("postgres").to_owned();
    let admin = connect(&server.admin_config(&maintenance)).await?;
    let exists = admin
        .query_opt(
            "select 1 from pg_database where datname = $1",
            &[&server.template],
        )
        .await
        .map_err(|e| e.to_string())?
        .is_some();
    if !exists {
        build_template(&admin, &server).await?;
    }
    // Roles are cluster-wide; the migrations created anon/authenticated/service_role.
    let role_exists = admin
        .query_opt("select 1 from pg_roles where rolname = $1", &[&APP_ROLE])
        .await
        .map_err(|e| e.to_string())?
        .is_some();
    let verb = if role_exists { "alter" } else { "create" };
    admin
        .batch_execute(&format!(
            "{verb} role {APP_ROLE} login noinherit nosuperuser nobypassrls password '{pw}';
             grant anon, authenticated, service_role to {APP_ROLE};",
            pw = server.app_password
        ))
        .await
        .map_err(|e| format!("cannot create the application role: {e}"))?;
    Ok(server)
}

async fn build_template(admin: &Client, server: &Server) -> Result<(), String> {
    let building = format!("{}_building_{}", server.template, std::process::id());
    admin
        .batch_execute(&format!("create database {building}"))
        .await
        .map_err(|e| format!("cannot create the template database: {e}"))?;
    let mut client = connect(&server.admin_config(&building)).await?;
    store::run_migrations(&mut client)
        .await
        .map_err(|e| format!("migrations failed on a fresh database: {e}"))?;
    drop(client);
    // Rename only when complete, so a crash never leaves a half-migrated template behind.
    admin
        .batch_execute(&format!(
            "alter database {building} rename to {tpl}; alter database {tpl} with is_template true;",
            tpl = server.template
        ))
        .await
        .map_err(|e| format!("cannot finish the template database: {e}"))
}

pub(crate) async fn connect(config: &tokio_postgres::Config) -> Result<Client, String> {
    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|e| format!("cannot connect to the test server: {e}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// Template name part that changes whenever a migration changes, so a reused server
/// (`DATABASE_URL`) never hands out a database built from older migrations.
fn migrations_fingerprint() -> Result<String, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut hash = Sha256::new();
    for file in files {
        hash.update(
            file.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hash.update(std::fs::read(&file).map_err(|e| e.to_string())?);
    }
    Ok(hash
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect())
}
