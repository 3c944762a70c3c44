use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::StoreError;

/// How to reach the database. The URL carries a password, so `Debug` never prints it.
#[derive(Clone)]
pub struct DbConfig {
    pub(crate) url: String,
    /// A Lambda sandbox serves one request at a time; a few connections cover the odd overlap
    /// (e.g. dispatch while a response is written) without exhausting the server.
    pub pool_size: usize,
    pub connect_timeout: Duration,
    /// Extra CA certificates (PEM) to trust, e.g. the RDS or Supabase CA bundle.
    pub ca_cert_path: Option<PathBuf>,
    /// Longest single statement of a request or sync transaction: below the HTTP functions' 25 s
    /// handler timeout, so a slow query ends as our own 503 rather than a killed Lambda.
    pub statement_timeout: Duration,
    /// A transaction left idle this long (e.g. a handler awaiting something else while holding
    /// it) is ended by the server, so it cannot hold row locks past the Lambda's life.
    pub idle_in_transaction_timeout: Duration,
}

impl DbConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            pool_size: 2,
            connect_timeout: Duration::from_secs(5),
            ca_cert_path: None,
            statement_timeout: Duration::from_secs(10),
            idle_in_transaction_timeout: Duration::from_secs(15),
        }
    }

    /// The URL (required; it comes from the secrets, see `settings::AppSecrets::database_url`)
    /// with `DATABASE_POOL_SIZE`, `DATABASE_CONNECT_TIMEOUT_SECS`, `DATABASE_STATEMENT_TIMEOUT_MS`,
    /// `DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS` and `DATABASE_CA_CERT` from the environment.
    pub fn from_env(url: Option<&str>) -> Result<Self, StoreError> {
        let url = url.ok_or_else(|| {
            StoreError::Config(
                "DATABASE_URL is not set (in the environment or an APP_SECRET_ARN secret)".into(),
            )
        })?;
        let mut config = Self::new(url);
        let setting = |e: settings::SettingsError| StoreError::Config(e.to_string());
        if let Some(size) = settings::env_number("DATABASE_POOL_SIZE", 1..=64).map_err(setting)? {
            config.pool_size = size;
        }
        if let Some(timeout) =
            settings::env_secs("DATABASE_CONNECT_TIMEOUT_SECS", 1..=60).map_err(setting)?
        {
            config.connect_timeout = timeout;
        }
        if let Some(timeout) =
            settings::env_millis("DATABASE_STATEMENT_TIMEOUT_MS", 100..=600_000).map_err(setting)?
        {
            config.statement_timeout = timeout;
        }
        if let Some(timeout) =
            settings::env_millis("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 100..=600_000)
                .map_err(setting)?
        {
            config.idle_in_transaction_timeout = timeout;
        }
        config.ca_cert_path = std::env::var_os("DATABASE_CA_CERT").map(PathBuf::from);
        Ok(config)
    }
}

impl fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbConfig")
            .field("url", &"<redacted>")
            .field("pool_size", &self.pool_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("ca_cert_path", &self.ca_cert_path)
            .field("statement_timeout", &self.statement_timeout)
            .field(
                "idle_in_transaction_timeout",
                &self.idle_in_transaction_timeout,
            )
            .finish()
    }
}
