use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use store::reports::{self, CallFilter, CallRow, CallStats, DailyRow, GroupBy, GroupKey, GroupRow};
use web::{ApiError, ApiQuery, Core, CurrentUser};

use crate::cursor;
use crate::guard::member_tx;
use crate::params::{DataQuery, ReportType};
use crate::reply;

/// `GET /api/mightycall/reports?orgId&type=calls|daily|agents|numbers&startDate&endDate&direction
/// &status&q&limit&cursor&format` → `{"reports":[…],"next_cursor"}` (or CSV). `calls` lists calls
/// newest first; `daily` has one row per UTC day of the range (days without calls too), oldest
/// first; `agents` / `numbers` one row per agent extension / business number, ordered by it.
pub async fn reports(
    State(core): State<Core>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<DataQuery>,
) -> Result<Response, ApiError> {
    query.allow(&[
        "orgId",
        "type",
        "startDate",
        "endDate",
        "direction",
        "status",
        "q",
        "limit",
        "cursor",
        "format",
    ])?;
    let kind = query.kind.unwrap_or_default();
    let filter = CallFilter {
        range: query.range()?,
        direction: query.direction,
        status: query.status,
        search: query.search()?,
    };
    let limit = query.limit()?;
    let scope = kind.as_str();
    let after = query
        .cursor()
        .map(|c| cursor::decode(scope, c))
        .transpose()?;
    let format = query.format(&headers);
    let (tx, org) = member_tx(&core, &user, query.org()?).await?;
    match kind {
        ReportType::Calls => {
            let after = after.map(|key| cursor::parse_time_key(&key)).transpose()?;
            let page = reports::list_calls(&tx, org, &filter, after, limit).await?;
            let next = page
                .next
                .map(|key| cursor::encode(scope, &cursor::time_key(key)));
            reply::page("reports", &page.rows, next, format, &CallRow::default())
        }
        ReportType::Daily => {
            let after = after.map(|key| cursor::parse_day(&key)).transpose()?;
            let page = reports::daily(&tx, org, &filter, after, limit).await?;
            let next = page.next.map(|day| cursor::encode(scope, &day.to_string()));
            reply::page("reports", &page.rows, next, format, &DailyRow::default())
        }
        ReportType::Agents | ReportType::Numbers => {
            let (by, blank) = if kind == ReportType::Agents {
                (GroupBy::Agent, GroupKey::Agent(None))
            } else {
                (GroupBy::Number, GroupKey::Number(None))
            };
            let page = reports::grouped(&tx, org, by, &filter, after.as_deref(), limit).await?;
            let next = page.next.map(|key| cursor::encode(scope, &key));
            let blank = GroupRow {
                key: blank,
                stats: CallStats::default(),
            };
            reply::page("reports", &page.rows, next, format, &blank)
        }
    }
}
