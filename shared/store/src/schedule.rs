use domain::OrgId;

use crate::row::get;
use crate::{ServiceTx, StoreError};

/// Claims the organisations whose enabled integration is due (never scheduled, or its interval has
/// passed since the last tick) by stamping `last_scheduled_at` in the same statement, so two ticks
/// running at once never both schedule an org. Service path.
pub async fn claim_due_orgs(tx: &ServiceTx) -> Result<Vec<OrgId>, StoreError> {
    let rows = tx
        .client()
        .query(
            "update org_integrations set last_scheduled_at = now()
             where provider = 'mightycall' and enabled
               and (last_scheduled_at is null
                    or last_scheduled_at <= now() - make_interval(mins => sync_interval_minutes))
             returning org_id",
            &[],
        )
        .await?;
    let mut orgs = rows
        .iter()
        .map(|r| get(r, "org_id").map(OrgId::new))
        .collect::<Result<Vec<_>, _>>()?;
    orgs.sort();
    Ok(orgs)
}
