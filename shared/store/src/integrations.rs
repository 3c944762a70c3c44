use chrono::{DateTime, Utc};
use domain::{OrgId, OrgRole, SyncInterval, UserId};
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::row::{FromRow, all, get, optional};
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
    "select i.provider, i.enabled, i.metadata ->> 'label' as label, i.metadata ->> 'host' as host,
        i.api_key_hint, i.sync_interval_minutes, i.created_at, i.updated_at,
        j.id as job_id, j.resource as job_resource, j.status as job_status,
        j.created_at as job_created_at, j.finished_at as job_finished_at, j.error_code as job_error_code
     from org_integrations i
     left join lateral (
       select id, resource, status, created_at, finished_at, error_code from integration_sync_jobs
       where org_id = i.org_id and provider = i.provider order by created_at desc, id desc limit 1
     ) j on true
     where i.org_id = $1";

impl FromRow for IntegrationView {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            provider: get(row, "provider")?,
            enabled: get(row, "enabled")?,
            label: get(row, "label")?,
            host: get(row, "host")?,
            api_key_hint: get(row, "api_key_hint")?,
            sync_interval_minutes: get(row, "sync_interval_minutes")?,
            created_at: get(row, "created_at")?,
            updated_at: get(row, "updated_at")?,
            last_sync: Option::<LastSync>::from_row(row)?,
        })
    }
}

/// The `job_…` columns of [`VIEW_SQL`]; `None` when the integration never synced.
impl FromRow for Option<LastSync> {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let Some(job_id) = get::<Option<Uuid>>(row, "job_id")? else {
            return Ok(None);
        };
        Ok(Some(LastSync {
            job_id,
            resource: get(row, "job_resource")?,
            status: get(row, "job_status")?,
            created_at: get(row, "job_created_at")?,
            finished_at: get(row, "job_finished_at")?,
            error_code: get(row, "job_error_code")?,
        }))
    }
}

pub async fn list_integrations(tx: &Tx, org: OrgId) -> Result<Vec<IntegrationView>, StoreError> {
    let sql = format!("{VIEW_SQL} order by i.provider");
    all(&tx.client().query(&sql, &[&org.as_uuid()]).await?)
}

pub async fn get_integration(
    tx: &Tx,
    org: OrgId,
    provider: &str,
) -> Result<Option<IntegrationView>, StoreError> {
    let sql = format!("{VIEW_SQL} and i.provider = $2");
    optional(
        tx.client()
            .query_opt(&sql, &[&org.as_uuid(), &provider])
            .await?,
    )
}

/// Every org with an integration that the caller may see (all of them for a platform admin), by id.
pub async fn integrated_orgs(tx: &Tx) -> Result<Vec<OrgId>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select distinct org_id from org_integrations order by org_id",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| get(r, "org_id").map(OrgId::new))
        .collect()
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
    crate::access::caller_holds(tx, org, &[OrgRole::OrgAdmin]).await
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

impl FromRow for SealedRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "id")?,
            org: OrgId::new(get(row, "org_id")?),
            provider: get(row, "provider")?,
            credentials_ciphertext: get(row, "credentials_ciphertext")?,
            token_cache_ciphertext: get(row, "token_cache_ciphertext")?,
        })
    }
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
    all(&rows)
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

impl FromRow for SealedIntegration {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            credentials_ciphertext: get(row, "credentials_ciphertext")?,
            token_cache_ciphertext: get(row, "token_cache_ciphertext")?,
            host: get(row, "host")?,
            enabled: get(row, "enabled")?,
        })
    }
}

pub async fn load_sealed(
    tx: &ServiceTx,
    org: OrgId,
    provider: &str,
) -> Result<Option<SealedIntegration>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select credentials_ciphertext, token_cache_ciphertext, metadata ->> 'host' as host, enabled
             from org_integrations where org_id = $1 and provider = $2",
            &[&org.as_uuid(), &provider],
        )
        .await?;
    optional(row)
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
