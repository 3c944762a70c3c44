//! Request budget: MightyCall allows 2,500 requests per 24 h per api key for the whole account, and a
//! blocked key stays blocked until the window resets. Every request is counted before it is sent —
//! token calls and retries included — so a sync stops with `QuotaExhausted` while requests are left.

use crate::error::MightyCallError;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// Cheap to clone; clones share one counter. The caller persists [`RequestBudget::used`] per org
/// per day and passes it back as `already_used` next time.
#[derive(Debug, Clone)]
pub struct RequestBudget {
    limit: u32,
    used: Arc<AtomicU32>,
}

impl RequestBudget {
    pub fn new(limit: u32, already_used: u32) -> Self {
        Self {
            limit,
            used: Arc::new(AtomicU32::new(already_used)),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn used(&self) -> u32 {
        self.used.load(Ordering::SeqCst)
    }

    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.used())
    }

    pub(crate) fn acquire(&self) -> Result<(), MightyCallError> {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                (used < self.limit).then_some(used + 1)
            })
            .map(drop)
            .map_err(|used| MightyCallError::QuotaExhausted {
                used,
                limit: self.limit,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_limit_and_counts_shared_clones() {
        let budget = RequestBudget::new(3, 1);
        let clone = budget.clone();
        assert!(budget.acquire().is_ok());
        assert!(clone.acquire().is_ok());
        assert!(matches!(
            budget.acquire(),
            Err(MightyCallError::QuotaExhausted { used: 3, limit: 3 })
        ));
        assert_eq!(clone.used(), 3);
        assert_eq!(clone.remaining(), 0);
    }
}
