//! Binding an org to the platform's own MightyCall account: platform admins only, audited. Only a
//! bound org syncs with the platform account (and only where the deployment allows it at all).

use actions::platform;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use store::platform_account::Binding;
use utoipa::ToSchema;
use web::{ApiError, ApiPath, Caller, Need, OrgScope, WriteErrors};

use crate::AdminState;
use crate::paths::OrgPath;

async fn platform_admin(
    state: &AdminState,
    caller: Caller,
    path: &OrgPath,
) -> Result<OrgScope, ApiError> {
    let need = Need::PlatformAdmin { write: true };
    OrgScope::open(&state.core, caller, Some(path.org_id), need).await
}

#[derive(Serialize, ToSchema)]
pub struct BindingReply {
    platform_account: Binding,
}

/// Binds the org to the platform's MightyCall account: 201 when bound now, 200 when it already was.
#[utoipa::path(put, path = "/api/admin/orgs/{org_id}/platform-account", operation_id = "bind_platform_account", tag = "platform",
    params(OrgPath),
    responses((status = 201, body = BindingReply), (status = 200, body = BindingReply), WriteErrors))]
pub async fn bind(
    State(state): State<AdminState>,
    caller: Caller,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<(StatusCode, Json<BindingReply>), ApiError> {
    let scope = platform_admin(&state, caller, &path).await?;
    let (created, binding) = platform::bind(scope).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(BindingReply {
            platform_account: binding,
        }),
    ))
}

/// Unbinds the org: 204, or 404 when it was not bound.
#[utoipa::path(delete, path = "/api/admin/orgs/{org_id}/platform-account", operation_id = "unbind_platform_account", tag = "platform",
    params(OrgPath), responses((status = 204, description = "Unbound"), WriteErrors))]
pub async fn unbind(
    State(state): State<AdminState>,
    caller: Caller,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<StatusCode, ApiError> {
    let scope = platform_admin(&state, caller, &path).await?;
    platform::unbind(scope).await?;
    Ok(StatusCode::NO_CONTENT)
}
