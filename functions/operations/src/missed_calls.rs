//! The missed-call worklist: `GET /api/mightycall/missed-calls` (members) and
//! `POST /api/mightycall/missed-calls/{id}/resolve` (managers and admins; audited), over
//! `actions::missed_calls` (which the dashboard's Missed calls page uses too).

use actions::missed_calls::{self, Worklist};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use store::missed_calls::{MissedCall, MissedStatus};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use web::params::org;
use web::{ApiError, ApiJson, ApiPath, ApiQuery, Caller, Need, OrgScope, ReadErrors, WriteErrors};

use crate::OperationsState;

/// `GET /api/mightycall/missed-calls`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MissedQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
    /// Which items (default `open`).
    #[param(inline)]
    status: Option<MissedStatus>,
    /// First local day of the org's time zone (default: 29 days before `endDate`); at most 366
    /// days in all. An item lists the misses of the range.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last local day, included (default: the org's today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
    /// Items per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page of the same status.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MissedCallsReply {
    missed_calls: Vec<MissedCall>,
    next_cursor: Option<String>,
}

/// Callers who missed the org and are waiting for a call back (or were called back, or resolved),
/// one item per caller number and return, newest last miss first.
#[utoipa::path(get, path = "/api/mightycall/missed-calls", operation_id = "list_missed_calls", tag = "operations",
    params(MissedQuery), responses((status = 200, body = MissedCallsReply), ReadErrors))]
pub async fn list(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<MissedQuery>,
) -> Result<Json<MissedCallsReply>, ApiError> {
    let list = Worklist::check(
        query.status,
        query.start_date.as_deref(),
        query.end_date.as_deref(),
        query.limit.as_deref(),
        query.cursor.as_deref(),
    )?;
    let org = org(query.org_id.as_deref())?;
    let scope = OrgScope::open(&state.core, caller, org, Need::Member).await?;
    let page = list.read(&scope).await?;
    Ok(Json(MissedCallsReply {
        missed_calls: page.rows,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MissedPath {
    /// An item's id (any of its misses' ids is accepted).
    id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// How the caller was handled: at most 500 characters, no control characters but tabs and
    /// line breaks.
    #[schema(
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MissedCallReply {
    missed_call: MissedCall,
}

/// Marks a caller handled otherwise (managers and admins): the item and the caller's earlier open
/// misses leave the open list; a later miss opens a new one. Audited as `missed_call.resolved`.
/// Resolving a resolved item changes nothing; a returned one is 409 `already_returned`.
#[utoipa::path(post, path = "/api/mightycall/missed-calls/{id}/resolve", operation_id = "resolve_missed_call", tag = "operations",
    params(MissedPath), request_body = ResolveRequest,
    responses((status = 200, body = MissedCallReply), WriteErrors))]
pub async fn resolve(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiPath(path): ApiPath<MissedPath>,
    ApiJson(body): ApiJson<ResolveRequest>,
) -> Result<Json<MissedCallReply>, ApiError> {
    let note = missed_calls::note(body.note.as_deref())?;
    let missed_call = missed_calls::resolve(&state.core, caller, None, path.id, note).await?;
    Ok(Json(MissedCallReply { missed_call }))
}
