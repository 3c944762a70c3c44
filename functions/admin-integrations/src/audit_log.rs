use axum::Json;
use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{OrgId, UserId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Tx;
use store::audit::{self, Actor, AuditEvent};
use web::{ApiError, ApiPath, ApiQuery, CurrentUser, RequestId};

use crate::AdminState;
use crate::guard::{Intent, org_admin_tx};
use crate::integrations::OrgPath;

/// Records an org admin's change. `details` carries names and flags, never a secret.
pub async fn record(
    tx: &Tx,
    org: OrgId,
    actor: UserId,
    action: &str,
    target: &str,
    details: Value,
    request_id: &RequestId,
) -> Result<(), ApiError> {
    audit::record(
        tx,
        &AuditEvent {
            org: Some(org),
            actor: Actor::User(actor),
            action,
            target: Some(target),
            details,
            request_id: Some(request_id.as_str()),
        },
    )
    .await
    .map_err(ApiError::from)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The cursor is opaque to clients: the last row's id, base64url-encoded.
fn decode_cursor(cursor: &str) -> Result<i64, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("a:").and_then(|id| id.parse().ok()))
        .ok_or(ApiError::BadRequest {
            code: "invalid_cursor",
            message: "cursor is not one this API returned".into(),
        })
}

/// `GET /api/admin/orgs/{orgId}/audit?limit&cursor` → `{"audit":[…],"next_cursor"}`, newest first.
pub async fn list(
    State(state): State<AdminState>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "invalid_limit",
            message: "limit must be between 1 and 500".into(),
        });
    }
    let before = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let tx = org_admin_tx(&state, &user, path.org_id(), Intent::Read).await?;
    let rows = audit::list(&tx, path.org_id(), limit + 1, before).await?;
    let more = rows.len() as i64 > limit;
    let page: Vec<_> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = match page.last() {
        Some(last) if more => Some(URL_SAFE_NO_PAD.encode(format!("a:{}", last.id))),
        _ => None,
    };
    Ok(Json(json!({ "audit": page, "next_cursor": next_cursor })))
}
