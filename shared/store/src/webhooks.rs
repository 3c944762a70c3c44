//! Inbound MightyCall webhooks (service path): the org's webhook token hash and the events,
//! de-duplicated by their Guid.

use chrono::{DateTime, Utc};
use domain::OrgId;
use serde_json::Value;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::row::{FromRow, get, optional};
use crate::{ServiceTx, StoreError, Tx};

/// What the receiver needs of the org's integration: the token hash to check the URL against,
/// whether it syncs at all, and the sealed credentials to check the payload's `ApiKey` against.
pub struct WebhookTarget {
    pub token_hash: Option<Vec<u8>>,
    pub enabled: bool,
    pub credentials_ciphertext: String,
}

impl FromRow for WebhookTarget {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            token_hash: get(row, "webhook_token_hash")?,
            enabled: get(row, "enabled")?,
            credentials_ciphertext: get(row, "credentials_ciphertext")?,
        })
    }
}

pub async fn target(
    tx: &ServiceTx,
    org: OrgId,
    provider: &str,
) -> Result<Option<WebhookTarget>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select webhook_token_hash, enabled, credentials_ciphertext from org_integrations
             where org_id = $1 and provider = $2",
            &[&org.as_uuid(), &provider],
        )
        .await?;
    optional(row)
}

/// Sets (or replaces) the org's webhook token hash; `false` when the org has no such integration or
/// the caller does not administer it. Runs in an org admin's transaction, the write as
/// `service_role` (V12: users may not write integrations).
pub async fn set_token_hash(
    tx: &Tx,
    org: OrgId,
    provider: &str,
    hash: &[u8; 32],
) -> Result<bool, StoreError> {
    if !crate::integrations::caller_administers(tx, org).await? {
        return Ok(false);
    }
    let changed = tx
        .as_service_role(async {
            Ok(tx
                .client()
                .execute(
                    "update org_integrations set webhook_token_hash = $3 where org_id = $1 and provider = $2",
                    &[&org.as_uuid(), &provider, &hash.as_slice()],
                )
                .await?)
        })
        .await?;
    Ok(changed > 0)
}

/// One received event.
pub struct NewEvent<'a> {
    pub org: OrgId,
    pub provider: &'a str,
    pub guid: &'a str,
    pub event_type: &'a str,
    pub call_id: Option<&'a str>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub payload: &'a Value,
}

/// Stores the event; `None` when its Guid was already stored for the org (a redelivery).
pub async fn insert_event(tx: &ServiceTx, e: &NewEvent<'_>) -> Result<Option<Uuid>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "insert into webhook_events (org_id, provider, event_guid, event_type, call_id, occurred_at, payload)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (org_id, provider, event_guid) do nothing returning id",
            &[
                &e.org.as_uuid(),
                &e.provider,
                &e.guid,
                &e.event_type,
                &e.call_id,
                &e.occurred_at,
                e.payload,
            ],
        )
        .await?;
    row.map(|r| get(&r, "id")).transpose()
}

/// Whether a processed event of the same kind (`event_types`) for the same call is at least as
/// recent as `occurred_at`: then the call's newest state has already been acted on.
pub async fn superseded(
    tx: &ServiceTx,
    org: OrgId,
    call_id: &str,
    event_types: &[&str],
    occurred_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let row = tx
        .client()
        .query_one(
            "select exists (select 1 from webhook_events
               where org_id = $1 and call_id = $2 and event_type = any($3)
                 and processed_at is not null and occurred_at >= $4) as superseded",
            &[&org.as_uuid(), &call_id, &event_types, &occurred_at],
        )
        .await?;
    get(&row, "superseded")
}

pub async fn mark_processed(tx: &ServiceTx, id: Uuid) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update webhook_events set processed_at = now() where id = $1",
            &[&id],
        )
        .await?;
    Ok(())
}
