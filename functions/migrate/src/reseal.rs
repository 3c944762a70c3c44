use store::Db;
use store::integrations::{lock_all_sealed, replace_sealed};

use crate::OpsError;

pub struct ResealReport {
    pub resealed: usize,
    pub unchanged: usize,
}

/// Moves every integration's ciphertexts to the active key in one transaction: either every row
/// is re-encrypted or, if one cannot be opened (its key already removed), none is.
pub async fn reseal_all(db: &Db, keyring: &crypto::Keyring) -> Result<ResealReport, OpsError> {
    let vault = vault::Vault::new(keyring);
    let tx = db.as_service().await?;
    let mut report = ResealReport {
        resealed: 0,
        unchanged: 0,
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
        match resealed {
            Some((credentials, token)) => {
                replace_sealed(
                    &tx,
                    row.id,
                    &credentials,
                    vault.active_key_id(),
                    token.as_deref(),
                )
                .await?;
                report.resealed += 1;
            }
            None => report.unchanged += 1,
        }
    }
    tx.commit().await?;
    tracing::info!(
        resealed = report.resealed,
        unchanged = report.unchanged,
        "credentials re-encrypted"
    );
    Ok(report)
}
