//! Binding an org to the platform's own MightyCall account: platform admins only, audited. Only a
//! bound org syncs with the platform account (and only where the deployment allows it at all).

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use store::platform_account;
use web::{ApiError, ApiPath, CurrentUser, RequestId};

use crate::AdminState;
use crate::audit_log::record;
use crate::guard::{Intent, platform_admin_tx};
use crate::integrations::OrgPath;

const TARGET: &str = "mightycall";

/// `PUT /api/admin/orgs/{orgId}/platform-account`: 201 when bound now, 200 when it already was.
pub async fn bind(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let org = path.org_id();
    let tx = platform_admin_tx(&state, &user, org, Intent::Write).await?;
    let created = platform_account::bind(&tx, org, user.user_id).await?;
    if created {
        record(
            &tx,
            org,
            user.user_id,
            "platform_account.bound",
            TARGET,
            json!({}),
            &request_id,
        )
        .await?;
    }
    let binding = platform_account::binding(&tx, org)
        .await?
        .ok_or_else(|| ApiError::internal("binding missing right after it was made"))?;
    tx.commit().await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "platform_account": binding }))))
}

/// `DELETE /api/admin/orgs/{orgId}/platform-account`: 204, or 404 when the org was not bound.
pub async fn unbind(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<StatusCode, ApiError> {
    let org = path.org_id();
    let tx = platform_admin_tx(&state, &user, org, Intent::Write).await?;
    if !platform_account::unbind(&tx, org).await? {
        return Err(ApiError::NotFound("platform account binding"));
    }
    record(
        &tx,
        org,
        user.user_id,
        "platform_account.unbound",
        TARGET,
        json!({}),
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
