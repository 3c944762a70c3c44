//! The one authorised scope of a user request: who calls, for which org, with what right, inside
//! which RLS transaction. Handlers open it first and never check access themselves.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use domain::{OrgId, UserId};
use serde_json::Value;
use store::audit::{self, Actor, AuditEvent};
use store::{Tx, UserTx};

use crate::{ApiError, AuthContext, Core, CurrentUser, RequestId};

/// The verified caller of a request and the request's id (for the audit log).
#[derive(Clone)]
pub struct Caller {
    pub user: auth::VerifiedUser,
    pub request_id: RequestId,
}

impl<S> FromRequestParts<S> for Caller
where
    AuthContext: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let request_id = RequestId::from_request_parts(parts, state).await?;
        Ok(Self { user, request_id })
    }
}

impl Caller {
    /// Records the caller's change in `org`'s audit log inside `tx` (a user's or, for onboarding,
    /// the service's transaction). `details` carries names and flags, never a secret.
    pub async fn audit(
        &self,
        tx: &Tx,
        org: OrgId,
        action: &str,
        target: Option<&str>,
        details: Value,
    ) -> Result<(), ApiError> {
        audit::record(
            tx,
            &AuditEvent {
                org: Some(org),
                actor: Actor::User(self.user.user_id),
                action,
                target,
                details,
                request_id: Some(self.request_id.as_str()),
            },
        )
        .await?;
        Ok(())
    }
}

/// What a route needs of the caller in the org it acts on. Platform admins pass every org need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any member reads.
    Member,
    /// Org admins and managers start syncs.
    Sync,
    /// Org admins and managers work the org's calls and messages (resolve missed calls, send SMS).
    Manager,
    /// Org admins; `write` applies the MFA policy.
    Admin { write: bool },
    /// Platform admins only, whatever their membership; `write` applies the MFA policy.
    PlatformAdmin { write: bool },
}

impl Need {
    fn is_write(self) -> bool {
        matches!(
            self,
            Self::Admin { write: true } | Self::PlatformAdmin { write: true }
        )
    }
}

/// Deployment-wide rules for what a caller needs beyond their role.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessPolicy {
    /// `REQUIRE_MFA_FOR_ADMIN`: admin writes need a token with `aal` = `aal2`.
    pub require_mfa_for_admin: bool,
}

/// A caller inside their own RLS transaction, not yet tied to one org: lists across the orgs RLS
/// shows them, and requests that decide their org later.
pub struct UserScope {
    pub caller: Caller,
    tx: UserTx,
    policy: AccessPolicy,
}

impl UserScope {
    pub async fn open(core: &Core, caller: Caller) -> Result<Self, ApiError> {
        let tx = core.db.as_user(&caller.user.claims).await?;
        Ok(Self {
            caller,
            tx,
            policy: core.policy,
        })
    }

    pub fn tx(&self) -> &UserTx {
        &self.tx
    }

    pub fn user_id(&self) -> UserId {
        self.caller.user.user_id
    }

    /// 403 unless the caller is a platform admin.
    pub async fn require_platform_admin(&self) -> Result<(), ApiError> {
        if store::profiles::is_platform_admin(&self.tx, self.user_id()).await? {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                code: "platform_admin_required",
                message: "only platform admins can do this".into(),
            })
        }
    }

    /// The caller's only org, for requests that may leave `orgId` out. Memberships only: a platform
    /// admin sees every org and must always say which one.
    pub async fn only_org(&self) -> Result<OrgId, ApiError> {
        let orgs = store::orgs::orgs_for_user(&self.tx, self.user_id(), false).await?;
        match orgs.as_slice() {
            [only] => Ok(only.id),
            _ => Err(ApiError::BadRequest {
                code: "org_required",
                message: "pass orgId: you belong to more than one organisation, or to none".into(),
            }),
        }
    }

    /// Narrows the scope to `org` (the caller's only org when `None`) after [`Self::check`].
    pub async fn into_org(self, org: Option<OrgId>, need: Need) -> Result<OrgScope, ApiError> {
        let org = self.check(org, need).await?;
        Ok(OrgScope { org, scope: self })
    }

    /// The org a request acts on (the caller's only org when `None`) once the caller may do what
    /// `need` says there: non-members learn nothing about the org (404), members without the right
    /// get 403. RLS applies the same rules again to every statement of the transaction.
    pub async fn check(&self, org: Option<OrgId>, need: Need) -> Result<OrgId, ApiError> {
        let org = match org {
            Some(org) => org,
            None => self.only_org().await?,
        };
        if let Need::PlatformAdmin { .. } = need {
            self.require_platform_admin().await?;
            if store::orgs::get_org(&self.tx, org).await?.is_none() {
                return Err(ApiError::NotFound("organization"));
            }
        } else {
            let access = store::access::access(&self.tx, self.user_id(), org).await?;
            if !access.is_member() {
                return Err(ApiError::NotFound("organization"));
            }
            match need {
                Need::Sync if !access.can_sync() => {
                    return Err(ApiError::Forbidden {
                        code: "sync_not_allowed",
                        message: "only org admins and managers can start a sync".into(),
                    });
                }
                Need::Manager if !access.manages() => {
                    return Err(ApiError::Forbidden {
                        code: "manager_required",
                        message: "only org admins and managers can do this".into(),
                    });
                }
                Need::Admin { .. } if !access.is_admin() => {
                    return Err(ApiError::Forbidden {
                        code: "org_admin_required",
                        message: "only org admins can manage this organisation".into(),
                    });
                }
                _ => {}
            }
        }
        self.require_mfa(need)?;
        Ok(org)
    }

    /// `need` for a platform route that acts on no one org (listing or creating orgs): 403 unless
    /// the caller is a platform admin, and the MFA policy for writes.
    pub async fn require_platform(&self, need: Need) -> Result<(), ApiError> {
        self.require_platform_admin().await?;
        self.require_mfa(need)
    }

    fn require_mfa(&self, need: Need) -> Result<(), ApiError> {
        if need.is_write() && self.policy.require_mfa_for_admin && !self.caller.user.is_aal2() {
            return Err(ApiError::Forbidden {
                code: "mfa_required",
                message: "sign in with multi-factor authentication to change organisation settings"
                    .into(),
            });
        }
        Ok(())
    }

    /// Records the caller's change in `org`'s audit log, in this transaction.
    pub async fn audit(
        &self,
        org: OrgId,
        action: &str,
        target: Option<&str>,
        details: Value,
    ) -> Result<(), ApiError> {
        self.caller
            .audit(&self.tx, org, action, target, details)
            .await
    }

    pub async fn commit(self) -> Result<(), ApiError> {
        Ok(self.tx.commit().await?)
    }
}

/// A caller authorised for one org: see [`OrgScope::open`].
pub struct OrgScope {
    pub org: OrgId,
    scope: UserScope,
}

impl OrgScope {
    /// The caller's RLS transaction for `org` (their only org when `None`) after checking `need`.
    pub async fn open(
        core: &Core,
        caller: Caller,
        org: Option<OrgId>,
        need: Need,
    ) -> Result<Self, ApiError> {
        UserScope::open(core, caller)
            .await?
            .into_org(org, need)
            .await
    }

    pub fn tx(&self) -> &UserTx {
        self.scope.tx()
    }

    pub fn user_id(&self) -> UserId {
        self.scope.user_id()
    }

    pub fn caller(&self) -> &Caller {
        &self.scope.caller
    }

    /// Records the caller's change in this org's audit log, in this transaction.
    pub async fn audit(
        &self,
        action: &str,
        target: Option<&str>,
        details: Value,
    ) -> Result<(), ApiError> {
        self.scope.audit(self.org, action, target, details).await
    }

    pub async fn commit(self) -> Result<(), ApiError> {
        self.scope.commit().await
    }
}
