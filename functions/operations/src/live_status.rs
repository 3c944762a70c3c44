//! `GET /api/live-status`: who of the org is ringing, on a call or free right now
//! (`actions::live_status`, which the dashboard's Live page reads too).

use actions::live_status::{self, LiveStatusReply};
use axum::Json;
use axum::extract::State;
use domain::OrgId;
use serde::Deserialize;
use utoipa::IntoParams;
use web::{ApiError, ApiQuery, Caller, Need, OrgScope, ReadErrors};

use crate::OperationsState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LiveStatusQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
}

impl LiveStatusQuery {
    fn org(&self) -> Result<Option<OrgId>, ApiError> {
        self.org_id
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: domain::ParseError| ApiError::BadRequest {
                code: "invalid_org_id",
                message: e.0,
            })
    }
}

/// The org's extensions now: each one's state since when, its current call, and counts per state
/// (members; with agent scoping an agent sees their own extension only). Times in the org's zone.
#[utoipa::path(get, path = "/api/live-status", operation_id = "live_status", tag = "operations",
    params(LiveStatusQuery), responses((status = 200, body = LiveStatusReply), ReadErrors))]
pub async fn live_status(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<LiveStatusQuery>,
) -> Result<Json<LiveStatusReply>, ApiError> {
    let scope = OrgScope::open(&state.core, caller, query.org()?, Need::Member).await?;
    Ok(Json(live_status::read(&scope).await?))
}
