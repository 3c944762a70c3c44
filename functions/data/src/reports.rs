use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use store::page::Page;
use store::reports::{self, CallFilter, CallRow, CallStats, DailyRow, GroupBy, GroupKey, GroupRow};
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};
use web::paging::{CursorKey, decode_cursor, next_cursor};
use web::{ApiError, ApiQuery, Caller, Core, Need, OrgScope, ReadErrors};

use crate::params::{Format, ReportQuery, ReportType};
use crate::reply::Paged;

#[derive(Serialize, ToSchema)]
pub struct ReportsReply {
    reports: ReportRows,
    /// Pass as `cursor` (with the same `type`) for the next page; `null` on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// The rows of the report `type` asked for.
#[derive(Serialize)]
#[serde(untagged)]
pub enum ReportRows {
    Calls(Vec<CallRow>),
    Daily(Vec<DailyRow>),
    Grouped(Vec<GroupRow>),
}

// Written out as `anyOf`: an empty page is all three shapes at once, which `oneOf` (utoipa's
// choice for an untagged enum) forbids.
impl utoipa::PartialSchema for ReportRows {
    fn schema() -> RefOr<Schema> {
        let rows = |name: &str, description: &str| {
            ArrayBuilder::new()
                .items(Ref::from_schema_name(name))
                .description(Some(description))
        };
        AnyOfBuilder::new()
            .item(rows(&CallRow::name(), "`calls`: calls, newest first."))
            .item(rows(
                &DailyRow::name(),
                "`daily`: one row per UTC day of the range (days without calls too), oldest first.",
            ))
            .item(rows(
                &GroupRow::name(),
                "`agents` / `numbers`: one row per agent extension / business number, ordered by it.",
            ))
            .into()
    }
}

impl ToSchema for ReportRows {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((CallRow::name().into(), CallRow::schema()));
        schemas.push((DailyRow::name().into(), DailyRow::schema()));
        schemas.push((GroupRow::name().into(), GroupRow::schema()));
        CallRow::schemas(schemas);
        DailyRow::schemas(schemas);
        GroupRow::schemas(schemas);
    }
}

/// Call reports of the range (default: the last 30 days): the calls themselves, or statistics per
/// day, agent or business number.
#[utoipa::path(get, path = "/api/mightycall/reports", tag = "data", params(ReportQuery),
    responses(
        (status = 200, description = "A page as JSON, or as CSV (`format=csv` or `Accept: text/csv`) \
            with the next page's cursor in `x-next-cursor`",
            content((ReportsReply = "application/json"), (String = "text/csv")),
            headers(("x-next-cursor" = String, description = "CSV only: the next page's cursor"))),
        ReadErrors))]
pub async fn reports(
    State(core): State<Core>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Paged<ReportsReply>, ApiError> {
    let kind = query.kind();
    let filter = CallFilter {
        range: query.range()?,
        direction: query.direction(),
        status: query.status(),
        search: query.search()?,
    };
    let limit = query.limit()?;
    let format = query.format(&headers);
    // The cursor's key type depends on the report: each arm decodes it, then opens the scope.
    let (name, cursor) = (kind.as_str(), query.cursor());
    let open = |org| OrgScope::open(&core, caller, org, Need::Member);
    match kind {
        ReportType::Calls => {
            let after = decode_cursor(name, cursor)?;
            let scope = open(query.org()?).await?;
            let page = reports::list_calls(scope.tx(), scope.org, &filter, after, limit).await?;
            paged(name, format, page, &CallRow::default(), ReportRows::Calls)
        }
        ReportType::Daily => {
            let after = decode_cursor(name, cursor)?;
            let scope = open(query.org()?).await?;
            let page = reports::daily(scope.tx(), scope.org, &filter, after, limit).await?;
            paged(name, format, page, &DailyRow::default(), ReportRows::Daily)
        }
        ReportType::Agents | ReportType::Numbers => {
            let (by, blank) = if kind == ReportType::Agents {
                (GroupBy::Agent, GroupKey::Agent(None))
            } else {
                (GroupBy::Number, GroupKey::Number(None))
            };
            let after: Option<String> = decode_cursor(name, cursor)?;
            let scope = open(query.org()?).await?;
            let page =
                reports::grouped(scope.tx(), scope.org, by, &filter, after.as_deref(), limit)
                    .await?;
            let blank = GroupRow {
                key: blank,
                stats: CallStats::default(),
            };
            paged(name, format, page, &blank, ReportRows::Grouped)
        }
    }
}

/// The CSV file's name, whatever the report.
const FILE: &str = "reports";

/// A page of one report as JSON (its rows `wrap`ped) or CSV (`blank` names the columns).
fn paged<T: Serialize, K: CursorKey>(
    name: &str,
    format: Format,
    page: Page<T, K>,
    blank: &T,
    wrap: fn(Vec<T>) -> ReportRows,
) -> Result<Paged<ReportsReply>, ApiError> {
    let next = next_cursor(name, &page);
    Paged::new(format, FILE, page.rows, next, blank, |rows, next_cursor| {
        ReportsReply {
            reports: wrap(rows),
            next_cursor,
        }
    })
}
