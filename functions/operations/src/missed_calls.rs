//! The missed-call worklist: `GET /api/mightycall/missed-calls` (members) and
//! `POST /api/mightycall/missed-calls/{id}/resolve` (managers and admins; audited). What an item is
//! lives in [`store::missed_calls`].

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::missed_calls::{self, MissedCall, MissedStatus};
use store::page::TimeKey;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use web::paging::{decode_cursor, next_cursor, page_limit};
use web::params::{Dates, org, org_terms};
use web::{
    ApiError, ApiJson, ApiPath, ApiQuery, Caller, Need, OrgScope, ReadErrors, UserScope,
    WriteErrors,
};

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

/// A cursor answers the status it was issued for only.
fn cursor_scope(status: MissedStatus) -> String {
    format!("missed-calls-{}", status.as_str())
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
    let status = query.status.unwrap_or(MissedStatus::Open);
    let dates = Dates::check(query.start_date.as_deref(), query.end_date.as_deref())?;
    let limit = page_limit(query.limit.as_deref(), domain::PageLimit::DEFAULT)?;
    let scope_name = cursor_scope(status);
    let after: Option<TimeKey> = decode_cursor(&scope_name, query.cursor.as_deref())?;
    let org = org(query.org_id.as_deref())?;
    let scope = OrgScope::open(&state.core, caller, org, Need::Member).await?;
    let terms = org_terms(&scope).await?;
    let window = terms.zone.window(dates.in_zone(terms.zone)?);
    let page =
        missed_calls::list(scope.tx(), scope.org, &terms, window, status, after, limit).await?;
    let next_cursor = next_cursor(&scope_name, &page);
    Ok(Json(MissedCallsReply {
        missed_calls: page.rows,
        next_cursor,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MissedPath {
    /// An item's id (any of its misses' ids is accepted).
    id: Uuid,
}

/// Longest note.
const MAX_NOTE_CHARS: usize = 500;

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

impl ResolveRequest {
    fn note(&self) -> Result<Option<&str>, ApiError> {
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let printable = |n: &str| {
            n.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        };
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS || !printable(n)) {
            return Err(ApiError::BadRequest {
                code: "invalid_note",
                message: format!("note must be at most {MAX_NOTE_CHARS} printable characters"),
            });
        }
        Ok(note)
    }
}

#[derive(Serialize, ToSchema)]
pub struct MissedCallReply {
    missed_call: MissedCall,
}

fn no_such_item() -> ApiError {
    ApiError::NotFound("missed_call")
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
    let note = body.note()?;
    let user = UserScope::open(&state.core, caller).await?;
    // The call's org as RLS shows it: the ids of other orgs' calls are not found, like unknown ones.
    let org = missed_calls::org_of_call(user.tx(), path.id)
        .await?
        .ok_or_else(no_such_item)?;
    let scope = user.into_org(Some(org), Need::Manager).await?;
    let terms = org_terms(&scope).await?;
    let item = missed_calls::item_of(scope.tx(), scope.org, &terms, path.id)
        .await?
        .ok_or_else(no_such_item)?;
    match item.status {
        MissedStatus::Resolved => return Ok(Json(MissedCallReply { missed_call: item })),
        MissedStatus::Returned => {
            return Err(ApiError::Conflict {
                code: "already_returned",
                message: "the org already called this number back".into(),
            });
        }
        MissedStatus::Open => {}
    }
    missed_calls::resolve(
        scope.tx(),
        scope.org,
        &item,
        scope.user_id().as_uuid(),
        note,
    )
    .await?;
    scope
        .audit(
            "missed_call.resolved",
            Some(&item.id.to_string()),
            json!({ "caller_number": item.caller_number, "attempts": item.attempts, "note": note.is_some() }),
        )
        .await?;
    let missed_call = missed_calls::item_of(scope.tx(), scope.org, &terms, path.id)
        .await?
        .ok_or_else(no_such_item)?;
    scope.commit().await?;
    Ok(Json(MissedCallReply { missed_call }))
}
