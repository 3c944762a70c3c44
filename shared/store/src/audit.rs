use chrono::{DateTime, Utc};
use domain::{OrgId, PageLimit, UserId};
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Row;

use crate::page::Page;
use crate::row::{FromRow, all, get};
use crate::{StoreError, Tx};

/// Who did something.
#[derive(Clone, Copy, Debug)]
pub enum Actor {
    User(UserId),
    Service,
    System,
    Webhook,
}

impl Actor {
    fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Service => "service",
            Self::System => "system",
            Self::Webhook => "webhook",
        }
    }

    fn user(&self) -> Option<uuid::Uuid> {
        match self {
            Self::User(id) => Some(id.as_uuid()),
            _ => None,
        }
    }
}

/// One audit record. `details` must never hold a secret: callers put names, ids and flags there.
pub struct AuditEvent<'a> {
    pub org: Option<OrgId>,
    pub actor: Actor,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub details: Value,
    pub request_id: Option<&'a str>,
}

const INSERT: &str = "insert into audit_log
    (org_id, actor_kind, actor_user_id, action, target, details, request_id)
    values ($1, $2, $3, $4, $5, $6, $7)";

/// Writes the entry in `tx`, so it stands or falls with the change it describes. `authenticated`
/// may not insert audit rows (through PostgREST anyone could forge them), so the insert alone runs
/// as `service_role`; the actor is the one the caller verified.
pub async fn record(tx: &Tx, event: &AuditEvent<'_>) -> Result<(), StoreError> {
    tx.as_service_role(async {
        tx.client()
            .execute(
                INSERT,
                &[
                    &event.org.map(|o| o.as_uuid()),
                    &event.actor.kind(),
                    &event.actor.user(),
                    &event.action,
                    &event.target,
                    &event.details,
                    &event.request_id,
                ],
            )
            .await?;
        Ok(())
    })
    .await
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub actor_kind: String,
    pub actor_user_id: Option<UserId>,
    pub action: String,
    pub target: Option<String>,
    pub details: Value,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl FromRow for AuditRow {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: get(row, "id")?,
            actor_kind: get(row, "actor_kind")?,
            actor_user_id: get::<Option<uuid::Uuid>>(row, "actor_user_id")?.map(UserId::new),
            action: get(row, "action")?,
            target: get(row, "target")?,
            details: get(row, "details")?,
            request_id: get(row, "request_id")?,
            created_at: get(row, "created_at")?,
        })
    }
}

/// Which entries of an org's log to list: of one action, and/or written within `[from, until)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Newest first; `before` is the id of the last row of the previous page (ids only grow).
pub async fn list(
    tx: &Tx,
    org: OrgId,
    filter: &AuditFilter<'_>,
    limit: PageLimit,
    before: Option<i64>,
) -> Result<Page<AuditRow, i64>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select id, actor_kind, actor_user_id, action, target, details, request_id, created_at
             from audit_log where org_id = $1 and ($2::bigint is null or id < $2)
               and ($4::text is null or action = $4)
               and ($5::timestamptz is null or created_at >= $5)
               and ($6::timestamptz is null or created_at < $6)
             order by id desc limit $3",
            &[
                &org.as_uuid(),
                &before,
                &(limit.get() + 1),
                &filter.action,
                &filter.from,
                &filter.until,
            ],
        )
        .await?;
    Ok(Page::from_overfetch(
        all(&rows)?,
        limit.get(),
        |r: &AuditRow| r.id,
    ))
}

/// The actions the org's log holds, for a filter to choose from.
pub async fn actions(tx: &Tx, org: OrgId) -> Result<Vec<String>, StoreError> {
    let rows = tx
        .client()
        .query(
            "select distinct action from audit_log where org_id = $1 order by action",
            &[&org.as_uuid()],
        )
        .await?;
    rows.iter().map(|r| get(r, "action")).collect()
}
