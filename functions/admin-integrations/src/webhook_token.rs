use actions::integrations;
use axum::Json;
use axum::http::StatusCode;
use serde::Serialize;
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
    let org = scope.org;
    let token = integrations::generate_webhook_token(scope).await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookTokenReply {
            webhook_path: integrations::webhook_path(org, &token),
            webhook_token: token.expose().to_owned(),
        }),
    ))
}
