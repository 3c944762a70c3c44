use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use store::page::Page;
use store::reports::{self, AgentRow, CallFilter, CallRow, DailyRow, HourRow, NumberRow};
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};
use web::export::{self, EXPORT_TOO_LARGE, ReportFilter};
use web::openapi::ErrorReply;
use web::paging::{CursorKey, decode_cursor, next_cursor};
use web::{ApiError, ApiQuery, Caller, Core, Need, OrgScope, ReadErrors};

use crate::params::{Format, ReportQuery, ReportType, org_terms};
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
    Agents(Vec<AgentRow>),
    Numbers(Vec<NumberRow>),
    Hourly(Vec<HourRow>),
}

// Written out as `anyOf`: an empty page is every shape at once, which `oneOf` (utoipa's choice for
// an untagged enum) forbids.
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
                "`daily`: one row per local day of the range (days without calls too), oldest first.",
            ))
            .item(rows(
                &AgentRow::name(),
                "`agents`: one row per agent extension (with the agent's name), ordered by it.",
            ))
            .item(rows(
                &NumberRow::name(),
                "`numbers`: one row per business number, ordered by it.",
            ))
            .item(rows(
                &HourRow::name(),
                "`hourly`: the 168 local hours of the week, Monday 00:00 first.",
            ))
            .into()
    }
}

impl ToSchema for ReportRows {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((CallRow::name().into(), CallRow::schema()));
        schemas.push((DailyRow::name().into(), DailyRow::schema()));
        schemas.push((AgentRow::name().into(), AgentRow::schema()));
        schemas.push((NumberRow::name().into(), NumberRow::schema()));
        schemas.push((HourRow::name().into(), HourRow::schema()));
        CallRow::schemas(schemas);
        DailyRow::schemas(schemas);
        AgentRow::schemas(schemas);
        NumberRow::schemas(schemas);
        HourRow::schemas(schemas);
    }
}

/// Call reports of the range of local days (default: the org's last 30): the calls themselves, or
/// statistics per local day, agent, business number or local hour of the week.
#[utoipa::path(get, path = "/api/mightycall/reports", tag = "data", params(ReportQuery),
    responses(
        (status = 200, description = "A page as JSON, or with `format=csv` (or `Accept: text/csv`) \
            every row of the report as a CSV file (at most 100,000 rows, else 422 \
            `export_too_large`; gzipped when `Accept-Encoding` allows it)",
            content((ReportsReply = "application/json"), (String = "text/csv"))),
        (status = 422, description = EXPORT_TOO_LARGE, body = ErrorReply),
        ReadErrors))]
pub async fn reports(
    State(core): State<Core>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Paged<ReportsReply>, ApiError> {
    if let Format::Csv { bom } = query.format(&headers)? {
        return export(&core, caller, &query, &headers, bom)
            .await
            .map(Paged::Csv);
    }
    let kind = query.kind();
    // Bad dates are refused before the org is looked at; its zone resolves them.
    let dates = query.dates()?;
    let search = query.search()?;
    let (agent, number) = (query.agent()?, query.number()?);
    let limit = query.limit()?;
    // The cursor's key type depends on the report: each arm decodes it.
    let (name, cursor) = (kind.as_str(), query.cursor());
    let scope = OrgScope::open(&core, caller, query.org()?, Need::Member).await?;
    let terms = org_terms(&scope).await?;
    let filter = CallFilter {
        range: dates.in_zone(terms.zone)?,
        direction: query.direction(),
        status: query.status(),
        search,
        agent: agent.as_ref(),
        number: number.as_ref(),
    };
    let (tx, org) = (scope.tx(), scope.org);
    match kind {
        ReportType::Calls => {
            let after = decode_cursor(name, cursor)?;
            let page = reports::list_calls(tx, org, &terms, &filter, after, limit).await?;
            paged(name, page, ReportRows::Calls)
        }
        ReportType::Daily => {
            let after = decode_cursor(name, cursor)?;
            let page = reports::daily(tx, org, &terms, &filter, after, limit).await?;
            paged(name, page, ReportRows::Daily)
        }
        ReportType::Agents => {
            let after: Option<String> = decode_cursor(name, cursor)?;
            let page = reports::agents(tx, org, &terms, &filter, after.as_deref(), limit).await?;
            paged(name, page, ReportRows::Agents)
        }
        ReportType::Numbers => {
            let after: Option<String> = decode_cursor(name, cursor)?;
            let page = reports::numbers(tx, org, &terms, &filter, after.as_deref(), limit).await?;
            paged(name, page, ReportRows::Numbers)
        }
        ReportType::Hourly => {
            let after: Option<String> = decode_cursor(name, cursor)?;
            let page = reports::hourly(tx, org, &terms, &filter, after.as_deref(), limit).await?;
            paged(name, page, ReportRows::Hourly)
        }
    }
}

/// A page of one report as JSON, its rows `wrap`ped.
fn paged<T, K: CursorKey>(
    name: &str,
    page: Page<T, K>,
    wrap: fn(Vec<T>) -> ReportRows,
) -> Result<Paged<ReportsReply>, ApiError> {
    let next_cursor = next_cursor(name, &page);
    Ok(Paged::Json(ReportsReply {
        reports: wrap(page.rows),
        next_cursor,
    }))
}

/// `format=csv`: every row of the report in the filtered range.
async fn export(
    core: &Core,
    caller: Caller,
    query: &ReportQuery,
    headers: &HeaderMap,
    bom: bool,
) -> Result<Response, ApiError> {
    export::refuse_cursor(query.cursor())?;
    // Checked like any report's, but unused: the file is the whole range.
    query.limit()?;
    let dates = query.dates()?;
    let search = query.search()?.map(str::to_owned);
    let (agent, number) = (query.agent()?, query.number()?);
    let scope = OrgScope::open(core, caller, query.org()?, Need::Member).await?;
    let terms = org_terms(&scope).await?;
    let filter = ReportFilter {
        range: dates.in_zone(terms.zone)?,
        terms,
        direction: query.direction(),
        status: query.status(),
        search,
        agent,
        number,
    };
    export::report(scope, query.kind(), filter, bom, headers).await
}
