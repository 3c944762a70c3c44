//! The missed-call worklist — reading a page of it (members; a scoped agent their own calls) and
//! resolving an item (managers and admins; audited) — for the API's routes and the dashboard's
//! Missed calls page alike. What an item is lives in [`store::missed_calls`].

use domain::{OrgId, PageLimit};
use serde_json::json;
use store::missed_calls::{self, MissedCall, MissedStatus};
use store::page::TimeKey;
use uuid::Uuid;
use web::paging::{decode_cursor, next_cursor, page_limit};
use web::params::{Dates, org_terms};
use web::{ApiError, Caller, Core, Need, OrgScope, UserScope};

/// Longest note.
pub const MAX_NOTE_CHARS: usize = 500;

/// One page of the worklist as asked for, every value checked.
pub struct Worklist<'a> {
    pub status: MissedStatus,
    dates: Dates<'a>,
    limit: PageLimit,
    after: Option<TimeKey>,
}

/// The items of a page, and the cursor of the next one.
pub struct WorklistPage {
    pub rows: Vec<MissedCall>,
    pub next_cursor: Option<String>,
}

/// A cursor answers the status it was issued for only.
fn cursor_scope(status: MissedStatus) -> String {
    format!("missed-calls-{}", status.as_str())
}

impl<'a> Worklist<'a> {
    /// `status` (default open), the local days `start`..`end`, `limit` (default 100) and the
    /// `cursor` of the previous page of the same status, as sent (400 on a bad one).
    pub fn check(
        status: Option<MissedStatus>,
        start: Option<&'a str>,
        end: Option<&'a str>,
        limit: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, ApiError> {
        let status = status.unwrap_or(MissedStatus::Open);
        Ok(Self {
            status,
            dates: Dates::check(start, end)?,
            limit: page_limit(limit, PageLimit::DEFAULT)?,
            after: decode_cursor(&cursor_scope(status), cursor)?,
        })
    }

    /// The page in the scope's org, as its caller may see it.
    pub async fn read(&self, scope: &OrgScope) -> Result<WorklistPage, ApiError> {
        let terms = org_terms(scope).await?;
        let window = terms.zone.window(self.dates.in_zone(terms.zone)?);
        let page = missed_calls::list(
            scope.tx(),
            scope.org,
            &terms,
            window,
            self.status,
            self.after,
            self.limit,
        )
        .await?;
        Ok(WorklistPage {
            next_cursor: next_cursor(&cursor_scope(self.status), &page),
            rows: page.rows,
        })
    }
}

/// A resolution's note: trimmed, none when blank; at most [`MAX_NOTE_CHARS`] characters, no
/// control characters but tabs and line breaks (400 `invalid_note`).
pub fn note(raw: Option<&str>) -> Result<Option<&str>, ApiError> {
    let note = raw.map(str::trim).filter(|n| !n.is_empty());
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

fn no_such_item() -> ApiError {
    ApiError::NotFound("missed_call")
}

/// Marks a caller handled otherwise (managers and admins): the item `id` (any of its misses' ids)
/// and the caller's earlier open misses leave the open list; a later miss opens a new one. Audited
/// as `missed_call.resolved`. Resolving a resolved item changes nothing; a returned one is 409
/// `already_returned`. With `org`, an item of another org is not found, like an unknown one.
pub async fn resolve(
    core: &Core,
    caller: Caller,
    org: Option<OrgId>,
    id: Uuid,
    note: Option<&str>,
) -> Result<MissedCall, ApiError> {
    let user = UserScope::open(core, caller).await?;
    // The call's org as RLS shows it: the ids of other orgs' calls are not found, like unknown ones.
    let found = missed_calls::org_of_call(user.tx(), id)
        .await?
        .filter(|found| org.is_none_or(|org| org == *found))
        .ok_or_else(no_such_item)?;
    let scope = user.into_org(Some(found), Need::Manager).await?;
    let terms = org_terms(&scope).await?;
    let item = missed_calls::item_of(scope.tx(), scope.org, &terms, id)
        .await?
        .ok_or_else(no_such_item)?;
    match item.status {
        MissedStatus::Resolved => return Ok(item),
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
    let resolved = missed_calls::item_of(scope.tx(), scope.org, &terms, id)
        .await?
        .ok_or_else(no_such_item)?;
    scope.commit().await?;
    Ok(resolved)
}
