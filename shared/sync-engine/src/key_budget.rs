//! The request ledger of every MightyCall client the backend builds: reservations in PostgreSQL,
//! keyed by the api key's fingerprint and the UTC day, so syncs, webhook fetches and credential
//! checks of every org on the same key draw from one quota.

use std::sync::Arc;

use chrono::Utc;
use futures::future::BoxFuture;
use mightycall::{KeyFingerprint, LedgerError, RequestBudget, RequestLedger, Reservation};
use store::Db;

pub struct StoreLedger {
    db: Db,
}

impl StoreLedger {
    /// A budget of `daily_limit` requests per api key, reserved in `db`.
    pub fn budget(db: Db, daily_limit: u32) -> RequestBudget {
        RequestBudget::new(daily_limit, Arc::new(Self { db }))
    }

    async fn reserve_one(
        &self,
        key: &KeyFingerprint,
        limit: u32,
    ) -> Result<Reservation, store::StoreError> {
        let tx = self.db.as_service().await?;
        let answer =
            store::usage::reserve_key_request(&tx, key.as_str(), Utc::now().date_naive(), limit)
                .await?;
        tx.commit().await?;
        Ok(match answer {
            Ok(()) => Reservation::Granted,
            Err(used) => Reservation::Refused { used },
        })
    }
}

impl RequestLedger for StoreLedger {
    fn reserve<'a>(
        &'a self,
        key: &'a KeyFingerprint,
        limit: u32,
    ) -> BoxFuture<'a, Result<Reservation, LedgerError>> {
        Box::pin(async move {
            self.reserve_one(key, limit)
                .await
                .map_err(|e| LedgerError(e.to_string()))
        })
    }
}
