use domain::{OrgId, OrgRole, UserId};

use crate::row::get;
use crate::{StoreError, Tx};

/// What the caller may do in one organisation. The code checks it before touching data; RLS checks
/// the same facts again inside the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub role: Option<OrgRole>,
    pub platform_admin: bool,
}

impl Access {
    pub fn is_member(&self) -> bool {
        self.role.is_some() || self.platform_admin
    }

    pub fn is_admin(&self) -> bool {
        self.role == Some(OrgRole::OrgAdmin) || self.platform_admin
    }

    /// Org admins and managers (and platform admins).
    pub fn manages(&self) -> bool {
        matches!(self.role, Some(OrgRole::OrgAdmin | OrgRole::OrgManager)) || self.platform_admin
    }

    pub fn can_sync(&self) -> bool {
        self.manages()
    }
}

pub async fn access(tx: &Tx, user: UserId, org: OrgId) -> Result<Access, StoreError> {
    let row = tx
        .client()
        .query_one(
            "select (select role from org_users where org_id = $1 and user_id = $2) as role,
                    exists (select 1 from profiles where id = $2 and global_role = 'platform_admin')
                      as platform_admin",
            &[&org.as_uuid(), &user.as_uuid()],
        )
        .await?;
    let role: Option<&str> = get(&row, "role")?;
    Ok(Access {
        role: role.and_then(|r| r.parse().ok()),
        platform_admin: get(&row, "platform_admin")?,
    })
}

/// Whether the caller holds one of `roles` in `org` or is a platform admin, asked under the
/// caller's RLS: for writes the store runs as `service_role` after the check, so a call that
/// skipped the route's own check still changes nothing in another org.
pub(crate) async fn caller_holds(
    tx: &Tx,
    org: OrgId,
    roles: &[OrgRole],
) -> Result<bool, StoreError> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let row = tx
        .client()
        .query_one(
            "select $1::uuid in (select private.user_org_ids_with_role($2))
               or (select private.is_platform_admin()) as holds",
            &[&org.as_uuid(), &roles],
        )
        .await?;
    get(&row, "holds")
}
