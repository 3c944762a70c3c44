use axum::Json;
use domain::PageLimit;
use serde::{Deserialize, Serialize};
use store::audit::{self, AuditRow};
use utoipa::{IntoParams, ToSchema};
use web::paging::{decode_cursor, next_cursor, page_limit};
use web::{ApiError, ApiQuery, ReadErrors};

use crate::admin_scope::OrgAdmin;
use crate::paths::OrgPath;

/// The scope of audit-log cursors.
const SCOPE: &str = "audit";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditReply {
    audit: Vec<AuditRow>,
    next_cursor: Option<String>,
}

/// The org's audit log, newest first.
#[utoipa::path(get, path = "/api/admin/orgs/{org_id}/audit", operation_id = "list_audit_log", tag = "admin",
    params(OrgPath, AuditQuery), responses((status = 200, body = AuditReply), ReadErrors))]
pub async fn list(
    OrgAdmin(scope): OrgAdmin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditReply>, ApiError> {
    let limit = page_limit(query.limit.as_deref(), PageLimit::DEFAULT)?;
    let before = decode_cursor(SCOPE, query.cursor.as_deref())?;
    let page = audit::list(scope.tx(), scope.org, limit, before).await?;
    Ok(Json(AuditReply {
        next_cursor: next_cursor(SCOPE, &page),
        audit: page.rows,
    }))
}
