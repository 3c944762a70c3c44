//! Signatures the `trigger` function has already accepted (service path, table `trigger_replay`).

use chrono::TimeDelta;

use crate::row::get;
use crate::{ServiceTx, StoreError};

/// What the database makes of a valid signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Inside the window and not seen before: now remembered.
    Fresh,
    /// Seen before (a replay).
    Replayed,
    /// Its time is further than the tolerance from the database's clock.
    OutOfWindow,
}

/// Judges a signature made at `signed_at` (unix seconds) and remembers it until it leaves the
/// window. One clock decides both: the database's `now()` (fixed for the transaction) checks the
/// window and expires entries, so no instance with a skewed clock can accept a signature the
/// database has already forgotten. Expired entries are cleared on the way, which keeps the table
/// as small as ten minutes of traffic.
pub async fn remember(
    tx: &ServiceTx,
    signature_hash: &[u8; 32],
    signed_at: i64,
    tolerance: TimeDelta,
) -> Result<Freshness, StoreError> {
    let tolerance = tolerance.num_seconds();
    // Compared as numbers: any `i64` is safe here, where a timestamp could be out of range.
    let row = tx
        .client()
        .query_one(
            "select abs(extract(epoch from now()) - $1::bigint) <= $2::bigint as within",
            &[&signed_at, &tolerance],
        )
        .await?;
    let within: bool = get(&row, "within")?;
    if !within {
        return Ok(Freshness::OutOfWindow);
    }
    tx.client()
        .execute("delete from trigger_replay where expires_at < now()", &[])
        .await?;
    let inserted = tx
        .client()
        .execute(
            "insert into trigger_replay (signature_hash, expires_at)
             values ($1, to_timestamp($2::bigint) + $3::bigint * interval '1 second')
             on conflict (signature_hash) do nothing",
            &[&signature_hash.as_slice(), &signed_at, &tolerance],
        )
        .await?;
    Ok(if inserted == 1 {
        Freshness::Fresh
    } else {
        Freshness::Replayed
    })
}
