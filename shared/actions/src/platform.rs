//! What platform admins do across orgs: create an org for a client with its first admin's invite,
//! and bind an org to (or unbind it from) the platform's own MightyCall account. Audited, for the
//! API's routes and the platform page alike.

use domain::{OrgName, OrgRole, Provider};
use serde_json::json;
use store::orgs::{self, Org};
use store::platform_account::{self, Binding};
use web::{ApiError, Caller, Core, Need, OrgScope, UserScope};

use crate::members::{self, Invited};

/// Creates the org `name` with no members and an `org_admin` invite for `admin_email`, in one
/// transaction; audited `platform.org_created`. Platform admins only.
pub async fn create_org(
    core: &Core,
    caller: Caller,
    name: &str,
    admin_email: &str,
) -> Result<(Org, Invited), ApiError> {
    let scope = UserScope::open(core, caller).await?;
    scope
        .require_platform(Need::PlatformAdmin { write: true })
        .await?;
    let caller = scope.caller.clone();
    // Only read in; its connection goes back to the pool before the service one is taken.
    drop(scope);
    let name = OrgName::parse(name).map_err(|e| ApiError::Unprocessable {
        code: "invalid_org_name",
        message: e.0,
    })?;
    let email = members::parse_email(admin_email)?;
    // Service path, as onboarding: no policy lets anyone insert an org, and the new org has no
    // member whose rights could allow the invite. The caller was checked above.
    let tx = core.db.as_service().await?;
    let org = orgs::insert_org(&tx, caller.user.user_id, name.as_str()).await?;
    caller
        .audit(
            &tx,
            org.id,
            "platform.org_created",
            Some(&org.id.to_string()),
            json!({ "name": org.name, "admin_email": email }),
        )
        .await?;
    let invite = members::create_invite(&tx, &caller, org.id, &email, OrgRole::OrgAdmin).await?;
    tx.commit().await?;
    Ok((org, invite))
}

/// Binds the scope's org (opened with `Need::PlatformAdmin { write: true }`) to the platform's
/// MightyCall account; `true` when bound now, `false` when it already was.
pub async fn bind(scope: OrgScope) -> Result<(bool, Binding), ApiError> {
    let created = platform_account::bind(scope.tx(), scope.org, scope.user_id()).await?;
    if created {
        scope
            .audit(
                "platform_account.bound",
                Some(Provider::MightyCall.as_str()),
                json!({}),
            )
            .await?;
    }
    let binding = platform_account::binding(scope.tx(), scope.org)
        .await?
        .ok_or_else(|| ApiError::internal("binding missing right after it was made"))?;
    scope.commit().await?;
    Ok((created, binding))
}

/// Unbinds the scope's org; 404 when it was not bound.
pub async fn unbind(scope: OrgScope) -> Result<(), ApiError> {
    if !platform_account::unbind(scope.tx(), scope.org).await? {
        return Err(ApiError::NotFound("platform account binding"));
    }
    scope
        .audit(
            "platform_account.unbound",
            Some(Provider::MightyCall.as_str()),
            json!({}),
        )
        .await?;
    scope.commit().await
}
