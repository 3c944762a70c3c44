use tokio_postgres::error::SqlState;

/// Database failures, sorted into what a caller can act on. Messages name constraints, never values.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("duplicate {0}")]
    Conflict(String),
    /// Row Level Security or a missing grant refused the statement.
    #[error("permission denied by the database")]
    Denied,
    #[error("violates {0}")]
    Invalid(String),
    /// A value the database refused as data (SQLSTATE class 22: out of range, bad encoding, NUL…):
    /// input that got past validation, so the caller's fault, not the server's.
    #[error("value refused by the database: {0}")]
    BadValue(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Query(String),
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(err: tokio_postgres::Error) -> Self {
        if err.is_closed() {
            return Self::Unavailable("connection closed".into());
        }
        let Some(db) = err.as_db_error() else {
            return Self::Unavailable(err.to_string());
        };
        let constraint = || db.constraint().unwrap_or("a constraint").to_owned();
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            Self::Conflict(constraint())
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            Self::Denied
        } else if code.code().starts_with("23") {
            // Integrity constraint violations (check, foreign key, not null, exclusion, restrict).
            Self::Invalid(constraint())
        } else if code.code().starts_with("22") {
            Self::BadValue(code.code().to_owned())
        } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::TOO_MANY_CONNECTIONS
            || *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::QUERY_CANCELED
            || *code == SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT
        {
            Self::Unavailable(code.code().to_owned())
        } else {
            Self::Query(format!("{}: {}", code.code(), db.message()))
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(err: deadpool_postgres::PoolError) -> Self {
        match err {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => Self::Unavailable(other.to_string()),
        }
    }
}
