//! Counters that must hold across concurrent Lambdas, so each is one atomic upsert that only
//! counts while under its limit: the row lock serialises concurrent callers and the `where` is
//! evaluated against the latest count.

use chrono::NaiveDate;
use domain::OrgId;

use crate::{StoreError, Tx};

/// Reserves one request of the api key's quota for `day`. `Err(used)` when `limit` is reached
/// (nothing reserved). `key_fingerprint` is a hash of the key, never the key.
pub async fn reserve_key_request(
    tx: &Tx,
    key_fingerprint: &str,
    day: NaiveDate,
    limit: u32,
) -> Result<Result<(), u32>, StoreError> {
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    let granted = tx
        .client()
        .query_opt(
            "insert into mightycall_key_usage as u (key_fingerprint, day, requests)
             select $1, $2, 1 where $3 >= 1
             on conflict (key_fingerprint, day) do update set requests = u.requests + 1
               where u.requests < $3
             returning requests",
            &[&key_fingerprint, &day, &limit],
        )
        .await?;
    if granted.is_some() {
        return Ok(Ok(()));
    }
    Ok(Err(key_requests(tx, key_fingerprint, day).await?))
}

async fn key_requests(tx: &Tx, key_fingerprint: &str, day: NaiveDate) -> Result<u32, StoreError> {
    let used = tx
        .client()
        .query_opt(
            "select requests from mightycall_key_usage where key_fingerprint = $1 and day = $2",
            &[&key_fingerprint, &day],
        )
        .await?
        .map_or(0, |r| r.get::<_, i32>(0));
    Ok(u32::try_from(used).unwrap_or(0))
}

/// Counts one integration save of `org` in the current fixed window of `window_minutes`; `false`
/// when `limit` saves were already made in it.
pub async fn count_integration_save(
    tx: &Tx,
    org: OrgId,
    limit: u32,
    window_minutes: i32,
) -> Result<bool, StoreError> {
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    tx.client()
        .execute(
            "delete from integration_save_attempts where org_id = $1 and window_start < now() - interval '1 day'",
            &[&org.as_uuid()],
        )
        .await?;
    let counted = tx
        .client()
        .query_opt(
            "insert into integration_save_attempts as a (org_id, window_start, attempts)
             select $1, date_bin(make_interval(mins => $2), now(), timestamptz '2000-01-01 00:00:00+00'), 1
             where $3 >= 1
             on conflict (org_id, window_start) do update set attempts = a.attempts + 1
               where a.attempts < $3
             returning attempts",
            &[&org.as_uuid(), &window_minutes, &limit],
        )
        .await?;
    Ok(counted.is_some())
}
