use axum::Json;
use axum::http::StatusCode;
use domain::{Provider, WebhookToken};
use serde::Serialize;
use serde_json::json;
use store::webhooks;
use utoipa::ToSchema;
use web::{ApiError, WriteErrors};

use crate::admin_scope::OrgAdmin;
use crate::paths::OrgPath;

#[derive(Serialize, ToSchema)]
pub struct WebhookTokenReply {
    /// Shown this once; only its SHA-256 is stored.
    webhook_token: String,
    /// The path to enter in MightyCall's webhook settings.
    webhook_path: String,
}

/// A new webhook token and the webhook path to enter in MightyCall, shown this once. A new token
/// replaces the old one, which stops working at once.
#[utoipa::path(post, path = "/api/admin/orgs/{org_id}/integrations/mightycall/webhook-token", operation_id = "generate_webhook_token",
    tag = "admin", params(OrgPath),
    responses((status = 201, body = WebhookTokenReply), WriteErrors))]
pub async fn generate(
    OrgAdmin(scope): OrgAdmin,
) -> Result<(StatusCode, Json<WebhookTokenReply>), ApiError> {
    let provider = Provider::MightyCall;
    let token = WebhookToken::generate();
    if !webhooks::set_token_hash(scope.tx(), scope.org, provider.as_str(), &token.hash()).await? {
        return Err(ApiError::NotFound("integration"));
    }
    scope
        .audit(
            "integration.webhook_token_generated",
            Some(provider.as_str()),
            json!({ "provider": provider }),
        )
        .await?;
    let org = scope.org;
    scope.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookTokenReply {
            webhook_path: format!("/api/webhooks/mightycall/{org}/{}", token.expose()),
            webhook_token: token.expose().to_owned(),
        }),
    ))
}
