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
    if intent == Intent::Write && state.require_mfa_for_admin && !user.is_aal2() {
        return Err(ApiError::Forbidden {
            code: "mfa_required",
            message: "sign in with multi-factor authentication to change organisation settings"
                .into(),
        });
    }
    Ok(tx)
}
