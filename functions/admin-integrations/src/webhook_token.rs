use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use domain::WebhookToken;
use serde_json::{Value, json};
use store::webhooks;
use web::{ApiError, ApiPath, CurrentUser, RequestId};

use crate::AdminState;
use crate::audit_log::record;
use crate::guard::{Intent, org_admin_tx};
use crate::integrations::OrgPath;

/// `POST /api/admin/orgs/{orgId}/integrations/mightycall/webhook-token` → 201 with a new token and
/// the webhook path to enter in MightyCall, shown this once. Only its SHA-256 is stored; a new
/// token replaces the old one, which stops working at once.
pub async fn generate(
    State(state): State<AdminState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<OrgPath>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let org = path.org_id();
    let tx = org_admin_tx(&state, &user, org, Intent::Write).await?;
    let token = WebhookToken::generate();
    if !webhooks::set_token_hash(&tx, org, "mightycall", &token.hash()).await? {
        return Err(ApiError::NotFound("integration"));
    }
    record(
        &tx,
        org,
        user.user_id,
        "integration.webhook_token_generated",
        "mightycall",
        json!({ "provider": "mightycall" }),
        &request_id,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "webhook_token": token.expose(),
            "webhook_path": format!("/api/webhooks/mightycall/{org}/{}", token.expose()),
        })),
    ))
}
