use axum::Json;
use domain::PageLimit;
use serde::{Deserialize, Serialize};
use store::audit::{self, AuditRow};
use utoipa::{IntoParams, ToSchema};
use web::paging::{decode_cursor, next_cursor, page_limit};
use web::params::{AuditFilters, org_terms};
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
    /// `next_cursor` of the previous page (of the same filters).
    cursor: Option<String>,
    /// Only entries of this action, e.g. `member.role_changed`.
    #[param(pattern = "^[a-z_.]{1,64}$")]
    action: Option<String>,
    /// Only entries from this local day of the org's time zone on (with `endDate` alone: the 29
    /// days before it); at most 366 days in all.
    #[serde(rename = "startDate")]
    #[param(rename = "startDate", value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Only entries up to this local day, included (with `startDate` alone: the org's today).
    #[serde(rename = "endDate")]
    #[param(rename = "endDate", value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditReply {
    audit: Vec<AuditRow>,
    next_cursor: Option<String>,
}

/// The org's audit log, newest first; optionally of one action and/or within local days.
#[utoipa::path(get, path = "/api/admin/orgs/{org_id}/audit", operation_id = "list_audit_log", tag = "admin",
    params(OrgPath, AuditQuery), responses((status = 200, body = AuditReply), ReadErrors))]
pub async fn list(
    OrgAdmin(scope): OrgAdmin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditReply>, ApiError> {
    let limit = page_limit(query.limit.as_deref(), PageLimit::DEFAULT)?;
    let before = decode_cursor(SCOPE, query.cursor.as_deref())?;
    let filters = AuditFilters::check(
        query.action.as_deref(),
        query.start_date.as_deref(),
        query.end_date.as_deref(),
    )?;
    let filter = filters.in_zone(org_terms(&scope).await?.zone)?;
    let page = audit::list(scope.tx(), scope.org, &filter, limit, before).await?;
    Ok(Json(AuditReply {
        next_cursor: next_cursor(SCOPE, &page),
        audit: page.rows,
    }))
}
