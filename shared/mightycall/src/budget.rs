//! Request budget: MightyCall allows 2,500 requests per 24 h per api key for the whole account, and a
//! blocked key stays blocked until the window resets. Every request is reserved before it is sent —
//! token calls and retries included — so a sync stops with `QuotaExhausted` while requests are left.
//!
//! The quota belongs to the api key, not to a client: every process using the key (concurrent
//! syncs, webhook fetches, credential checks) must draw from one count. That count lives behind the
//! [`RequestLedger`] port, which the caller implements over shared storage; this crate stays free
//! of any database.

use crate::error::MightyCallError;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Names an api key without revealing it (hex SHA-256 of the key): what a ledger keys its counts by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyFingerprint(String);

impl KeyFingerprint {
    pub(crate) fn of(api_key: &str) -> Self {
        Self(
            Sha256::digest(api_key.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The answer to one reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    Granted,
    /// The key has `used` of its `limit` for today; nothing was reserved.
    Refused {
        used: u32,
    },
}

/// The shared count could not be read or written (e.g. the database is down). No request is sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the request budget cannot be checked: {0}")]
pub struct LedgerError(pub String);

/// Where reservations are counted. `reserve` must be atomic across every process sharing the
/// ledger: it grants one request only if the key's count stays within `limit`.
pub trait RequestLedger: Send + Sync {
    fn reserve<'a>(
        &'a self,
        key: &'a KeyFingerprint,
        limit: u32,
    ) -> BoxFuture<'a, Result<Reservation, LedgerError>>;
}

/// A ledger inside one process, for a client used without shared storage (tests, one-off tools).
#[derive(Default)]
pub struct MemoryLedger {
    used: Mutex<HashMap<KeyFingerprint, u32>>,
}

impl RequestLedger for MemoryLedger {
    fn reserve<'a>(
        &'a self,
        key: &'a KeyFingerprint,
        limit: u32,
    ) -> BoxFuture<'a, Result<Reservation, LedgerError>> {
        let mut counts = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        let used = counts.entry(key.clone()).or_insert(0);
        let answer = if *used < limit {
            *used += 1;
            Reservation::Granted
        } else {
            Reservation::Refused { used: *used }
        };
        Box::pin(std::future::ready(Ok(answer)))
    }
}

/// Cheap to clone; clones share one ledger and one count of what they spent.
#[derive(Clone)]
pub struct RequestBudget {
    limit: u32,
    ledger: Arc<dyn RequestLedger>,
    spent: Arc<AtomicU32>,
}

impl fmt::Debug for RequestBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBudget")
            .field("limit", &self.limit)
            .field("spent", &self.spent())
            .finish_non_exhaustive()
    }
}

impl RequestBudget {
    /// `limit` requests per api key per day, counted in `ledger`.
    pub fn new(limit: u32, ledger: Arc<dyn RequestLedger>) -> Self {
        Self {
            limit,
            ledger,
            spent: Arc::new(AtomicU32::new(0)),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Requests reserved through this budget (and its clones), for the caller's own accounting.
    pub fn spent(&self) -> u32 {
        self.spent.load(Ordering::SeqCst)
    }

    pub(crate) async fn acquire(&self, key: &KeyFingerprint) -> Result<(), MightyCallError> {
        match self.ledger.reserve(key, self.limit).await {
            Ok(Reservation::Granted) => {
                self.spent.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
            Ok(Reservation::Refused { used }) => Err(MightyCallError::QuotaExhausted {
                used,
                limit: self.limit,
            }),
            Err(LedgerError(reason)) => Err(MightyCallError::BudgetUnavailable { reason }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stops_at_the_limit_and_budgets_on_one_ledger_share_the_key() {
        let ledger: Arc<dyn RequestLedger> = Arc::new(MemoryLedger::default());
        let key = KeyFingerprint::of("key-one");
        let first = RequestBudget::new(3, Arc::clone(&ledger));
        let second = RequestBudget::new(3, Arc::clone(&ledger));
        assert!(first.acquire(&key).await.is_ok());
        assert!(second.acquire(&key).await.is_ok());
        assert!(first.clone().acquire(&key).await.is_ok());
        assert_eq!(
            second.acquire(&key).await,
            Err(MightyCallError::QuotaExhausted { used: 3, limit: 3 })
        );
        assert_eq!((first.spent(), second.spent()), (2, 1));
        // Another key has its own count.
        assert!(second.acquire(&KeyFingerprint::of("key-two")).await.is_ok());
    }

    #[test]
    fn the_fingerprint_does_not_contain_the_key() {
        let fingerprint = KeyFingerprint::of("secret-api-key");
        assert_eq!(fingerprint.as_str().len(), 64);
        assert!(!fingerprint.as_str().contains("secret"));
        assert_eq!(fingerprint, KeyFingerprint::of("secret-api-key"));
    }
}
