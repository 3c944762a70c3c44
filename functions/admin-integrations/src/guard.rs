use domain::OrgId;
use store::Tx;
use web::ApiError;

use crate::AdminState;

/// Whether the request changes something (MFA may be required) or only reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Write,
}

/// Opens the caller's RLS transaction and checks, in code, that they administer `org`. Non-members
/// learn nothing about the org (404); members without the role get 403. RLS enforces the same rule
/// again inside the transaction.
pub async fn org_admin_tx(
    state: &AdminState,
    user: &auth::VerifiedUser,
    org: OrgId,
    intent: Intent,
) -> Result<Tx, ApiError> {
    let tx = state.core.db.as_user(&user.claims).await?;
    let access = store::access::access(&tx, user.user_id, org).await?;
    if !access.is_member() {
        return Err(ApiError::NotFound("organization"));
    }
    if !access.is_admin() {
        return Err(ApiError::Forbidden {
            code: "org_admin_required",
            message: "only org admins can manage this organisation".into(),
        });
    }
    require_mfa(state, user, intent)?;
    Ok(tx)
}

/// Like [`org_admin_tx`] for what only platform admins may do: everyone else gets 403 (org admins
/// included) and learns nothing about the org; a platform admin gets 404 for an unknown org.
pub async fn platform_admin_tx(
    state: &AdminState,
    user: &auth::VerifiedUser,
    org: OrgId,
    intent: Intent,
) -> Result<Tx, ApiError> {
    let tx = state.core.db.as_user(&user.claims).await?;
    if !store::profiles::is_platform_admin(&tx, user.user_id).await? {
        return Err(ApiError::Forbidden {
            code: "platform_admin_required",
            message: "only platform admins can do this".into(),
        });
    }
    if store::orgs::get_org(&tx, org).await?.is_none() {
        return Err(ApiError::NotFound("organization"));
    }
    require_mfa(state, user, intent)?;
    Ok(tx)
}

fn require_mfa(
    state: &AdminState,
    user: &auth::VerifiedUser,
    intent: Intent,
) -> Result<(), ApiError> {
    if intent == Intent::Write && state.require_mfa_for_admin && !user.is_aal2() {
        return Err(ApiError::Forbidden {
            code: "mfa_required",
            message: "sign in with multi-factor authentication to change organisation settings"
                .into(),
        });
    }
    Ok(())
}
