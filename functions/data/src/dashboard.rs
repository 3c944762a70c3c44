use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::{OrgId, TimeZone};
use serde::Serialize;
use store::reports::{self, CallFilter, CallStats, DailyRow};
use utoipa::ToSchema;
use web::{ApiError, ApiQuery, Caller, Core, Need, OrgScope, ReadErrors};

use crate::params::{RangeQuery, org_terms};

#[derive(Serialize, ToSchema)]
pub struct MetricsReply {
    org_id: OrgId,
    /// The zone whose local days the range and the series count.
    time_zone: TimeZone,
    start_date: NaiveDate,
    end_date: NaiveDate,
    /// The whole range's figures, for the tiles.
    totals: CallStats,
    /// One entry per local day of the range (days without calls included), for the chart.
    series: Vec<DailyRow>,
}

/// The range's figures (default: the org's last 30 local days) and its daily series.
#[utoipa::path(get, path = "/api/dashboard/metrics", tag = "data", params(RangeQuery),
    responses((status = 200, body = MetricsReply), ReadErrors))]
pub async fn metrics(
    State(core): State<Core>,
    caller: Caller,
    ApiQuery(query): ApiQuery<RangeQuery>,
) -> Result<Json<MetricsReply>, ApiError> {
    // Bad dates are refused before the org is looked at; its zone resolves them.
    let dates = query.dates()?;
    let scope = OrgScope::open(&core, caller, query.org()?, Need::Member).await?;
    let terms = org_terms(&scope).await?;
    let (tx, org) = (scope.tx(), scope.org);
    let range = dates.in_zone(terms.zone)?;
    let filter = CallFilter::all(range);
    let (series, totals) = reports::dashboard(tx, org, &terms, &filter).await?;
    Ok(Json(MetricsReply {
        org_id: org,
        time_zone: terms.zone,
        start_date: range.start(),
        end_date: range.end(),
        totals,
        series,
    }))
}
