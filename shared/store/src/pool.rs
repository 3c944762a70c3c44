use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::tx::{ServiceTx, Tx, UserTx};
use crate::{AppliedMigration, DbConfig, StoreError};

/// The connection pool. Cheap to clone; build it once per Lambda cold start.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    setup: Arc<TxSetup>,
}

/// The statements that open a transaction as `authenticated` / as `service_role`.
struct TxSetup {
    user: String,
    service: String,
}

impl Db {
    /// Builds the pool; connections open lazily. TLS is negotiated per the URL's `sslmode`
    /// (`prefer` by default, `require` for RDS/Supabase) with certificates always verified.
    pub fn connect(config: &DbConfig) -> Result<Self, StoreError> {
        let mut pg: tokio_postgres::Config = config
            .url
            .parse()
            .map_err(|_| StoreError::Config("DATABASE_URL is not a valid PostgreSQL URL".into()))?;
        pg.connect_timeout(config.connect_timeout);
        let tls = MakeRustlsConnect::new(tls_config(config)?);
        let manager = Manager::from_config(
            pg,
            tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(config.pool_size)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(config.connect_timeout))
            .create_timeout(Some(config.connect_timeout))
            .build()
            .map_err(|e| StoreError::Config(e.to_string()))?;
        // Timeouts are set per transaction, not per connection: a transaction-mode pooler
        // (Supabase's, pgbouncer) shares server connections, so only `set_config(…, true)` applies.
        let setup = |role: &str| {
            format!(
                "select set_config('role', '{role}', true), set_config('request.jwt.claims', $1, true), \
                 set_config('statement_timeout', '{}', true), \
                 set_config('idle_in_transaction_session_timeout', '{}', true)",
                config.statement_timeout.as_millis(),
                config.idle_in_transaction_timeout.as_millis(),
            )
        };
        Ok(Self {
            pool,
            setup: Arc::new(TxSetup {
                user: setup("authenticated"),
                service: setup("service_role"),
            }),
        })
    }

    /// A transaction in which Row Level Security sees the caller: role `authenticated` and the
    /// verified JWT claims as `request.jwt.claims`, both local to the transaction so a pooled
    /// connection never carries one user's identity into the next request.
    pub async fn as_user(&self, claims: &serde_json::Value) -> Result<UserTx, StoreError> {
        Tx::begin(
            self.pool.get().await?,
            &self.setup.user,
            &claims.to_string(),
        )
        .await
        .map(UserTx)
    }

    /// A transaction as `service_role` (bypasses RLS) for the sync engine, onboarding and other
    /// server-side paths whose authorisation the code has already decided.
    pub async fn as_service(&self) -> Result<ServiceTx, StoreError> {
        Tx::begin(self.pool.get().await?, &self.setup.service, "")
            .await
            .map(ServiceTx)
    }

    /// Applies pending migrations over one pooled connection (the pool's role must own the schema).
    pub async fn migrate(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        let mut conn = self.pool.get().await?;
        crate::run_migrations(&mut conn).await
    }
}

fn tls_config(config: &DbConfig) -> Result<rustls::ClientConfig, StoreError> {
    let mut roots =
        rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &config.ca_cert_path {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|_| {
                StoreError::Config(format!("cannot read DATABASE_CA_CERT {}", path.display()))
            })?;
        for cert in certs {
            roots.add(cert).map_err(|_| {
                StoreError::Config("DATABASE_CA_CERT holds an invalid certificate".into())
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Config(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
