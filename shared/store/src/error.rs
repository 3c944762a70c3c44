use std::fmt;

use tokio_postgres::error::SqlState;

/// The cause of a failure, kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Database failures, sorted into what a caller can act on. A refused row (constraint, bad value)
/// keeps only the constraint's name or the SQLSTATE, never PostgreSQL's error, whose detail quotes
/// the values; the other failures keep their cause as `source()` and also print it, for the log
/// lines that show only `Display`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Cause),
    #[error("duplicate {0}")]
    Conflict(String),
    /// Row Level Security or a missing grant refused the statement.
    #[error("permission denied by the database")]
    Denied,
    /// A rule of the data model that callers answer in their own way.
    #[error("violates {0}")]
    Rule(DataRule),
    /// Any other constraint (its name).
    #[error("violates {0}")]
    Invalid(String),
    /// A value the database refused as data (SQLSTATE class 22: out of range, bad encoding, NUL…):
    /// input that got past validation, so the caller's fault, not the server's.
    #[error("value refused by the database: {0}")]
    BadValue(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migration(#[source] refinery::Error),
    #[error("database error: {0}")]
    Query(#[source] tokio_postgres::Error),
    /// A selected column is missing or does not hold the Rust type it is read as.
    #[error("cannot read column {column}: {source}")]
    Column {
        column: &'static str,
        #[source]
        source: tokio_postgres::Error,
    },
    /// A column holds a value this code does not know (e.g. a role added by a later migration).
    #[error("column {0} holds an unknown value")]
    UnknownValue(&'static str),
}

/// The data rules the API answers specifically, by the constraint that enforces them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataRule {
    /// An organisation keeps at least one org admin (trigger `ensure_org_keeps_an_admin`).
    OrgKeepsAnAdmin,
    /// An extension names one member per org (unique index `org_users_org_extension_idx`).
    ExtensionTaken,
}

/// Constraint name → rule; a constraint not listed stays [`StoreError::Invalid`] / [`StoreError::Conflict`].
const RULES: &[(&str, DataRule)] = &[
    ("org_keeps_an_admin", DataRule::OrgKeepsAnAdmin),
    ("org_users_org_extension_idx", DataRule::ExtensionTaken),
];

impl DataRule {
    pub fn constraint(self) -> &'static str {
        RULES
            .iter()
            .find(|(_, rule)| *rule == self)
            .map_or("a constraint", |(name, _)| name)
    }

    fn of(constraint: &str) -> Option<Self> {
        RULES
            .iter()
            .find(|(name, _)| *name == constraint)
            .map(|(_, rule)| *rule)
    }
}

impl fmt::Display for DataRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.constraint())
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(err: tokio_postgres::Error) -> Self {
        let Some(db) = err.as_db_error().filter(|_| !err.is_closed()) else {
            return Self::Unavailable(err.into());
        };
        let constraint = db.constraint().unwrap_or("a constraint").to_owned();
        let code = &db.code().clone();
        if let Some(rule) = DataRule::of(&constraint) {
            Self::Rule(rule)
        } else if *code == SqlState::UNIQUE_VIOLATION {
            Self::Conflict(constraint)
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            Self::Denied
        } else if code.code().starts_with("23") {
            // Integrity constraint violations (check, foreign key, not null, exclusion, restrict).
            Self::Invalid(constraint)
        } else if code.code().starts_with("22") {
            Self::BadValue(code.code().to_owned())
        } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::TOO_MANY_CONNECTIONS
            || *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::QUERY_CANCELED
            || *code == SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT
        {
            Self::Unavailable(err.into())
        } else {
            Self::Query(err)
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(err: deadpool_postgres::PoolError) -> Self {
        match err {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => Self::Unavailable(other.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_its_constraint_once() {
        for (name, rule) in RULES {
            assert_eq!(DataRule::of(name), Some(*rule));
            assert_eq!(rule.constraint(), *name);
        }
        assert_eq!(DataRule::of("profiles_full_name_clean"), None);
    }
}
