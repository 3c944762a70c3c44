use chrono::{DateTime, Utc};
use domain::{OrgId, SyncInterval, UserId};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{ServiceTx, StoreError, Tx};

/// An integration as org admins see it: never the credentials or the token, only a hint.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IntegrationView {
    pub provider: String,
    pub enabled: bool,
    pub label: Option<String>,
    pub host: Option<String>,
    pub api_key_hint: Option<String>,
    pub sync_interval_minutes: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_sync: Option<LastSync>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LastSync {
    pub job_id: Uuid,
    pub resource: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error_code: Option<String>,
}

/// Only columns `authenticated` may read, so this works inside a user's RLS transaction.
const VIEW_SQL: &str =
    "select i.provider, i.enabled, i.metadata ->> 'label', i.metadata ->> 'host', i.api_key_hint,
        i.sync_interval_minutes, i.created_at, i.updated_at,
        j.id, j.resource, j.status, j.created_at, j.finished_at, j.error_code
     from org_integrations i
     left join lateral (
       select id, resource, status, created_at, finished_at, error_code from integration_sync_jobs
       where org_id = i.org_id and provider = i.provider order by created_at desc, id desc limit 1
     ) j on true
     where i.org_id = $1";

fn view(row: &tokio_postgres::Row) -> IntegrationView {
    IntegrationView {
        provider: row.get(0),
        enabled: row.get(1),
        label: row.get(2),
        host: row.get(3),
        api_key_hint: row.get(4),
        sync_interval_minutes: row.get(5),
        created_at: row.get(6),
        updated_at: row.get(7),
        last_sync: row.get::<_, Option<Uuid>>(8).map(|job_id| LastSync {
            job_id,
            resource: row.get(9),
            status: row.get(10),
            created_at: row.get(11),
            finished_at: row.get(12),
            error_code: row.get(13),
        }),
    }
}

/// Every org with an integration that the transaction's role can see, in id order.
pub async fn orgs_with_integration(tx: &Tx) -> Result<Vec<OrgId>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select distinct org_id from org_integrations order by org_id",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| Ok(OrgId::new(r.try_get("org_id")?)))
        .collect()
}

pub async fn list_integrations(tx: &Tx, org: OrgId) -> Result<Vec<IntegrationView>, StoreError> {
    let sql = format!("{VIEW_SQL} order by i.provider");
    Ok(tx
        .client()
        .query(&sql, &[&org.as_uuid()])
        .await?
        .iter()
        .map(view)
        .collect())
}

pub async fn get_integration(
    tx: &Tx,
    org: OrgId,
    provider: &str,
) -> Result<Option<IntegrationView>, StoreError> {
    let sql = format!("{VIEW_SQL} and i.provider = $2");
    Ok(tx
        .client()
        .query_opt(&sql, &[&org.as_uuid(), &provider])
        .await?
        .as_ref()
        .map(view))
}

/// What saving an integration writes; the ciphertexts come from the crypto crate.
pub struct IntegrationWrite<'a> {
    pub org: OrgId,
    pub provider: &'a str,
    pub credentials_ciphertext: &'a str,
    pub credentials_key_id: &'a str,
    pub api_key_hint: &'a str,
    pub metadata: Value,
    pub token_cache_ciphertext: Option<&'a str>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
}

/// Whether the transaction's caller, by its verified claims rather than an argument, administers
/// `org`: the rule the `org_integrations` write policies held before V12. The writes below run as
/// `service_role` (users may not write the table), so they check it first: a call that skipped the
/// route's check still changes nothing in another org.
pub(crate) async fn caller_administers(tx: &Tx, org: OrgId) -> Result<bool, StoreError> {
    let row = tx
        .client()
        .query_one(
            "select $1::uuid in (select private.user_org_ids_with_role(array['org_admin']))
               or (select private.is_platform_admin())",
            &[&org.as_uuid()],
        )
        .await?;
    Ok(row.get(0))
}

/// Inserts or replaces the org's integration for the provider; `true` when it was new.
/// [`StoreError::Denied`] unless the caller administers the org.
pub async fn save_integration(tx: &Tx, w: &IntegrationWrite<'_>) -> Result<bool, StoreError> {
    if !caller_administers(tx, w.org).await? {
        return Err(StoreError::Denied);
    }
    tx.as_service_role(async {
        let updated = tx
            .client()
            .execute(
                "update org_integrations set credentials_ciphertext = $3, credentials_key_id = $4, api_key_hint = $5,
                   metadata = $6, token_cache_ciphertext = $7, token_expires_at = $8
                 where org_id = $1 and provider = $2",
                &[
                    &w.org.as_uuid(),
                    &w.provider,
                    &w.credentials_ciphertext,
                    &w.credentials_key_id,
                    &w.api_key_hint,
                    &w.metadata,
                    &w.token_cache_ciphertext,
                    &w.token_expires_at,
                ],
            )
            .await?;
        if updated > 0 {
            return Ok(false);
        }
        tx.client()
            .execute(
                "insert into org_integrations (org_id, provider, credentials_ciphertext, credentials_key_id, api_key_hint,
                   metadata, token_cache_ciphertext, token_expires_at, created_by)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &w.org.as_uuid(),
                    &w.provider,
                    &w.credentials_ciphertext,
                    &w.credentials_key_id,
                    &w.api_key_hint,
                    &w.metadata,
                    &w.token_cache_ciphertext,
                    &w.token_expires_at,
                    &w.created_by.as_uuid(),
                ],
            )
            .await?;
        Ok(true)
    })
    .await
}

/// Scheduled-sync settings; `false` when the org has no such integration or the caller does not
/// administer it.
pub async fn update_schedule(
    tx: &Tx,
    org: OrgId,
    provider: &str,
    enabled: Option<bool>,
    interval: Option<SyncInterval>,
) -> Result<bool, StoreError> {
    if !caller_administers(tx, org).await? {
        return Ok(false);
    }
    let changed = tx
        .as_service_role(async {
            Ok(tx
                .client()
                .execute(
                    "update org_integrations set enabled = coalesce($3, enabled),
                       sync_interval_minutes = coalesce($4, sync_interval_minutes)
                     where org_id = $1 and provider = $2",
                    &[
                        &org.as_uuid(),
                        &provider,
                        &enabled,
                        &interval.map(SyncInterval::as_minutes),
                    ],
                )
                .await?)
        })
        .await?;
    Ok(changed > 0)
}

/// `false` when the org has no such integration or the caller does not administer it.
pub async fn delete_integration(tx: &Tx, org: OrgId, provider: &str) -> Result<bool, StoreError> {
    if !caller_administers(tx, org).await? {
        return Ok(false);
    }
    let deleted = tx
        .as_service_role(async {
            Ok(tx
                .client()
                .execute(
                    "delete from org_integrations where org_id = $1 and provider = $2",
                    &[&org.as_uuid(), &provider],
                )
                .await?)
        })
        .await?;
    Ok(deleted > 0)
}

/// A sealed value and the org it belongs to, for re-encryption under a new key.
pub struct SealedRow {
    pub id: Uuid,
    pub org: OrgId,
    pub provider: String,
    pub credentials_ciphertext: String,
    pub token_cache_ciphertext: Option<String>,
}

/// Every integration row, locked, for key rotation (service path).
pub async fn lock_all_sealed(tx: &ServiceTx) -> Result<Vec<SealedRow>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select id, org_id, provider, credentials_ciphertext, token_cache_ciphertext
             from org_integrations order by id for update",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| SealedRow {
            id: r.get(0),
            org: OrgId::new(r.get(1)),
            provider: r.get(2),
            credentials_ciphertext: r.get(3),
            token_cache_ciphertext: r.get(4),
        })
        .collect())
}

pub async fn replace_sealed(
    tx: &ServiceTx,
    id: Uuid,
    credentials_ciphertext: &str,
    credentials_key_id: &str,
    token_cache_ciphertext: Option<&str>,
) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update org_integrations set credentials_ciphertext = $2, credentials_key_id = $3,
               token_cache_ciphertext = $4,
               token_expires_at = case when $4::text is null then null else token_expires_at end
             where id = $1",
            &[
                &id,
                &credentials_ciphertext,
                &credentials_key_id,
                &token_cache_ciphertext,
            ],
        )
        .await?;
    Ok(())
}

/// What the sync engine needs of an org's integration (service path).
pub struct SealedIntegration {
    pub credentials_ciphertext: String,
    pub token_cache_ciphertext: Option<String>,
    pub host: Option<String>,
    pub enabled: bool,
}

pub async fn load_sealed(
    tx: &ServiceTx,
    org: OrgId,
    provider: &str,
) -> Result<Option<SealedIntegration>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select credentials_ciphertext, token_cache_ciphertext, metadata ->> 'host', enabled
             from org_integrations where org_id = $1 and provider = $2",
            &[&org.as_uuid(), &provider],
        )
        .await?;
    Ok(row.map(|r| SealedIntegration {
        credentials_ciphertext: r.get(0),
        token_cache_ciphertext: r.get(1),
        host: r.get(2),
        enabled: r.get(3),
    }))
}

/// Keeps the MightyCall token a sync obtained, so the next run does not spend a request on one.
pub async fn save_token(
    tx: &ServiceTx,
    org: OrgId,
    provider: &str,
    sealed: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.client()
        .execute(
            "update org_integrations set token_cache_ciphertext = $3, token_expires_at = $4
             where org_id = $1 and provider = $2",
            &[&org.as_uuid(), &provider, &sealed, &expires_at],
        )
        .await?;
    Ok(())
}
