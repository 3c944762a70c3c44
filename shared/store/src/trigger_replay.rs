//! Signatures the `trigger` function has already accepted (service path, table `trigger_replay`).

use chrono::{DateTime, Utc};

use crate::{StoreError, Tx};

/// Remembers a signature until `expires_at`; `false` when it was already seen (a replay). Expired
/// entries are cleared on the way, which keeps the table as small as five minutes of traffic.
pub async fn remember(
    tx: &Tx,
    signature_hash: &[u8; 32],
    expires_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    tx.client()
        .execute("delete from trigger_replay where expires_at < now()", &[])
        .await?;
    let inserted = tx
        .client()
        .execute(
            "insert into trigger_replay (signature_hash, expires_at) values ($1, $2)
             on conflict (signature_hash) do nothing",
            &[&signature_hash.as_slice(), &expires_at],
        )
        .await?;
    Ok(inserted == 1)
}
