//! Keyset pages: a stable order, and the key of the last row to continue after.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One page of rows and, when more follow, the key to continue after.
#[derive(Clone, Debug)]
pub struct Page<T, K> {
    pub rows: Vec<T>,
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// `rows` were fetched with `limit + 1`: the extra row only says that another page exists.
    pub(crate) fn from_overfetch(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(key) } else { None };
        Self { rows, next }
    }
}

/// Position in a list ordered newest first by a timestamp, ties broken by id (also newest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeKey {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}
