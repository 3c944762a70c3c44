//! Counters that must hold across concurrent Lambdas, so each is one atomic upsert that only
//! counts while under its limit: the row lock serialises concurrent callers and the `where` is
//! evaluated against the latest count.

use chrono::NaiveDate;
use domain::{OrgId, UserId};
use uuid::Uuid;

use crate::row::get;
use crate::{ServiceTx, StoreError, Tx};

/// Reserves one request of the api key's quota for `day`. `Err(used)` when `limit` is reached
/// (nothing reserved). `key_fingerprint` is a hash of the key, never the key.
pub async fn reserve_key_request(
    tx: &ServiceTx,
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
        .map_or(Ok(0), |r| get::<i32>(&r, "requests"))?;
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
    count_in_window(
        tx,
        "integration_save_attempts",
        "org_id",
        org.as_uuid(),
        limit,
        window_minutes,
    )
    .await
}

/// Like [`count_integration_save`], for the user saving, whichever org they save in.
pub async fn count_user_integration_save(
    tx: &Tx,
    user: UserId,
    limit: u32,
    window_minutes: i32,
) -> Result<bool, StoreError> {
    count_in_window(
        tx,
        "integration_save_attempts_by_user",
        "user_id",
        user.as_uuid(),
        limit,
        window_minutes,
    )
    .await
}

/// Counts one SMS send of `org` in the current fixed window of `window_minutes`; `false` when
/// `limit` sends were already made in it.
pub async fn count_sms_send(
    tx: &ServiceTx,
    org: OrgId,
    limit: u32,
    window_minutes: i32,
) -> Result<bool, StoreError> {
    count_in_window(
        tx,
        "sms_send_attempts",
        "org_id",
        org.as_uuid(),
        limit,
        window_minutes,
    )
    .await
}

/// One attempt in `table`'s row for `key` and the current window; `table` and `column` are this
/// module's constants, never input.
async fn count_in_window(
    tx: &Tx,
    table: &str,
    column: &str,
    key: Uuid,
    limit: u32,
    window_minutes: i32,
) -> Result<bool, StoreError> {
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    tx.client()
        .execute(
            &format!(
                "delete from {table} where {column} = $1 and window_start < now() - interval '1 day'"
            ),
            &[&key],
        )
        .await?;
    let counted = tx
        .client()
        .query_opt(
            &format!(
                "insert into {table} as a ({column}, window_start, attempts)
                 select $1, date_bin(make_interval(mins => $2), now(), timestamptz '2000-01-01 00:00:00+00'), 1
                 where $3 >= 1
                 on conflict ({column}, window_start) do update set attempts = a.attempts + 1
                   where a.attempts < $3
                 returning attempts"
            ),
            &[&key, &window_minutes, &limit],
        )
        .await?;
    Ok(counted.is_some())
}

/// Counts one credential check of the api key (by `key_fingerprint`, never the key) for the
/// current UTC day; `false` when `limit` checks were already made today.
pub async fn count_credential_check(
    tx: &Tx,
    key_fingerprint: &str,
    limit: u32,
) -> Result<bool, StoreError> {
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    tx.client()
        .execute(
            "delete from mightycall_credential_checks
             where key_fingerprint = $1 and day < (now() at time zone 'utc')::date",
            &[&key_fingerprint],
        )
        .await?;
    let counted = tx
        .client()
        .query_opt(
            "insert into mightycall_credential_checks as c (key_fingerprint, day, checks)
             select $1, (now() at time zone 'utc')::date, 1 where $2 >= 1
             on conflict (key_fingerprint, day) do update set checks = c.checks + 1
               where c.checks < $2
             returning checks",
            &[&key_fingerprint, &limit],
        )
        .await?;
    Ok(counted.is_some())
}
