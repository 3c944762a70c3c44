use store::Db;
use store::integrations::{lock_all_sealed, replace_sealed};

use crate::OpsError;

pub struct ResealReport {
    pub resealed: usize,
    pub unchanged: usize,
    /// Cached MightyCall tokens that no longer opened and were dropped (the next sync gets a new one).
    pub tokens_dropped: usize,
}

/// Moves every integration's ciphertexts to the active key in one transaction: either every row
/// is re-encrypted or, if one row's credentials cannot be opened (their key already removed), none
/// is. Before committing it reads the rows again and refuses to finish while any is left under
/// another key, so "done" means the old keys can be removed.
pub async fn reseal_all(db: &Db, keyring: &crypto::Keyring) -> Result<ResealReport, OpsError> {
    let vault = vault::Vault::new(keyring);
    let tx = db.as_service().await?;
    let mut report = ResealReport {
        resealed: 0,
        unchanged: 0,
        tokens_dropped: 0,
    };
    for row in lock_all_sealed(&tx).await? {
        let resealed = vault
            .reseal(
                row.org,
                &row.provider,
                &row.credentials_ciphertext,
                row.token_cache_ciphertext.as_deref(),
            )
            .map_err(|e| OpsError::Reseal {
                row: row.id.to_string(),
                reason: e.to_string(),
            })?;
        let Some(resealed) = resealed else {
            report.unchanged += 1;
            continue;
        };
        if resealed.token_dropped {
            tracing::warn!(integration = %row.id, "cached token did not open; dropped");
            report.tokens_dropped += 1;
        }
        replace_sealed(
            &tx,
            row.id,
            &resealed.credentials,
            vault.active_key_id(),
            resealed.token.as_deref(),
        )
        .await?;
        report.resealed += 1;
    }
    let left = lock_all_sealed(&tx)
        .await?
        .into_iter()
        .filter(|row| {
            !vault.is_current(
                &row.credentials_ciphertext,
                row.token_cache_ciphertext.as_deref(),
            )
        })
        .count();
    if left > 0 {
        return Err(OpsError::Reseal {
            row: format!("{left} rows"),
            reason: "still under another key after re-encryption".into(),
        });
    }
    tx.commit().await?;
    tracing::info!(
        resealed = report.resealed,
        unchanged = report.unchanged,
        tokens_dropped = report.tokens_dropped,
        left_under_old_keys = left,
        "credentials re-encrypted"
    );
    Ok(report)
}
