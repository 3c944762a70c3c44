use actions::sync::{self, SyncAsked};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{OrgId, SyncKind};
use serde::Deserialize;
use sync_engine::StartedReply;
use utoipa::{IntoParams, ToSchema};
use web::{ApiError, ApiJson, ApiPath, Caller, WriteErrors};

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
    let asked = SyncAsked {
        kind: path.kind,
        org: body.org_id,
        start_date: body.start_date.as_deref(),
        end_date: body.end_date.as_deref(),
    };
    let jobs = sync::start(&state.syncs, caller, &asked).await?;
    Ok((StatusCode::ACCEPTED, Json(StartedReply::of(&jobs))))
}
