use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{OrgId, SyncKind, SyncTrigger};
use serde::Deserialize;
use serde_json::json;
use store::integrations;
use sync_engine::{StartRequest, StartedReply};
use utoipa::{IntoParams, ToSchema};
use web::{ApiError, ApiJson, ApiPath, Caller, Need, UserScope, WriteErrors};

use crate::SyncState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct KindPath {
    #[param(inline)]
    kind: SyncKind,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SyncRequest {
    /// The org to sync; without it the caller's only org, or for `phone-numbers` every org with
    /// an integration (platform admins only).
    org_id: Option<OrgId>,
    /// A re-sync range, `YYYY-MM-DD`, both or neither.
    #[schema(format = Date)]
    start_date: Option<String>,
    #[schema(format = Date)]
    end_date: Option<String>,
}

/// Starts a sync: 202 with the job (or the org's already active job).
#[utoipa::path(post, path = "/api/mightycall/sync/{kind}", operation_id = "start_sync", tag = "sync", params(KindPath),
    request_body = SyncRequest, responses((status = 202, body = StartedReply), WriteErrors))]
pub async fn start(
    State(state): State<SyncState>,
    caller: Caller,
    ApiPath(path): ApiPath<KindPath>,
    ApiJson(body): ApiJson<SyncRequest>,
) -> Result<(StatusCode, Json<StartedReply>), ApiError> {
    let window = domain::resync_window(
        body.start_date.as_deref(),
        body.end_date.as_deref(),
        state.max_range_days,
        chrono::Utc::now(),
    )?;
    let scope = UserScope::open(&state.core, caller).await?;
    let orgs = match body.org_id {
        // The whole platform's numbers: every org with an integration, platform admins only.
        None if path.kind == SyncKind::PhoneNumbers => {
            scope.require_platform_admin().await?;
            integrations::integrated_orgs(scope.tx()).await?
        }
        org => vec![scope.check(org, Need::Sync).await?],
    };
    let resources = path.kind.resources();
    let jobs = sync_engine::queue_jobs(
        scope.tx(),
        &StartRequest {
            orgs: &orgs,
            resources: &resources,
            trigger: SyncTrigger::User,
            requested_by: Some(scope.user_id()),
            window,
        },
    )
    .await?;
    for &org in &orgs {
        scope
            .audit(
                org,
                "sync.requested",
                None,
                json!({ "resources": resources, "window": window }),
            )
            .await?;
    }
    scope.commit().await?;
    sync_engine::dispatch_new(&state.core.db, &state.dispatcher, &jobs)
        .await
        .map_err(|_| ApiError::Unavailable("the sync service"))?;
    Ok((StatusCode::ACCEPTED, Json(StartedReply::of(&jobs))))
}
