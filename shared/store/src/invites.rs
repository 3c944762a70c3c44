use chrono::{DateTime, Utc};
use domain::{OrgId, OrgRole, UserId};
use serde::Serialize;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::row::{FromRow, get, optional, parse};
use crate::{ServiceTx, StoreError, Tx};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Invite {
    pub id: Uuid,
    pub org_id: OrgId,
    pub email: String,
    pub role: OrgRole,
    pub expires_at: DateTime<Utc>,
    #[serde(skip)]
    pub acceptance: Option<Acceptance>,
}

/// An invite that has been used. It stays used for good: `by` is `None` once the acceptor's
/// account is deleted, and that must not reopen it.
#[derive(Clone, Copy, Debug)]
pub struct Acceptance {
    pub by: Option<UserId>,
}

impl FromRow for Invite {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let by = get::<Option<Uuid>>(row, "accepted_by")?.map(UserId::new);
        Ok(Self {
            id: get(row, "id")?,
            org_id: OrgId::new(get(row, "org_id")?),
            email: get(row, "email")?,
            role: parse(row, "role")?,
            expires_at: get(row, "expires_at")?,
            acceptance: get::<bool>(row, "accepted")?.then_some(Acceptance { by }),
        })
    }
}

pub struct NewInvite<'a> {
    pub org: OrgId,
    pub email: &'a str,
    pub role: OrgRole,
    /// SHA-256 of the token; the token itself is shown once and never stored.
    pub token_hash: &'a [u8],
    pub invited_by: UserId,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_invite(tx: &Tx, new: &NewInvite<'_>) -> Result<Invite, StoreError> {
    let row = tx
        .client()
        .query_one(
            "insert into org_invites (org_id, email, role, token_hash, invited_by, expires_at)
             values ($1, $2, $3, $4, $5, $6) returning id",
            &[
                &new.org.as_uuid(),
                &new.email,
                &new.role.as_str(),
                &new.token_hash,
                &new.invited_by.as_uuid(),
                &new.expires_at,
            ],
        )
        .await?;
    Ok(Invite {
        id: get(&row, "id")?,
        org_id: new.org,
        email: new.email.to_owned(),
        role: new.role,
        expires_at: new.expires_at,
        acceptance: None,
    })
}

/// The invite with this token hash, locked until the transaction ends so that two requests with
/// the same token cannot both accept it. Service path: the invitee is not a member yet.
pub async fn lock_invite(tx: &ServiceTx, token_hash: &[u8]) -> Result<Option<Invite>, StoreError> {
    let row = tx
        .client()
        .query_opt(
            "select id, org_id, email, role, expires_at, accepted_at is not null as accepted, accepted_by
             from org_invites
             where token_hash = $1 for update",
            &[&token_hash],
        )
        .await?;
    optional(row)
}

/// Marks an open invite accepted; `false` when it was already used (the row lock from
/// [`lock_invite`] makes that a bug, not a race, but the update never reopens or re-dates one).
pub async fn mark_accepted(tx: &ServiceTx, invite: Uuid, user: UserId) -> Result<bool, StoreError> {
    let changed = tx
        .client()
        .execute(
            "update org_invites set accepted_at = now(), accepted_by = $2
             where id = $1 and accepted_at is null",
            &[&invite, &user.as_uuid()],
        )
        .await?;
    Ok(changed == 1)
}
