use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::OrgId;
use serde::Serialize;
use store::reports::{self, CallStats, DailyRow};
use utoipa::ToSchema;
use web::{ApiError, ApiQuery, Caller, Core, Need, OrgScope, ReadErrors};

use crate::params::RangeQuery;

#[derive(Serialize, ToSchema)]
pub struct MetricsReply {
    org_id: OrgId,
    start_date: NaiveDate,
    end_date: NaiveDate,
    /// The whole range's calls, for the tiles.
    totals: CallStats,
    /// One entry per UTC day of the range (days without calls included), for the chart.
    series: Vec<DailyRow>,
}

/// The range's call totals (default: the last 30 days) and its daily series.
#[utoipa::path(get, path = "/api/dashboard/metrics", tag = "data", params(RangeQuery),
    responses((status = 200, body = MetricsReply), ReadErrors))]
pub async fn metrics(
    State(core): State<Core>,
    caller: Caller,
    ApiQuery(query): ApiQuery<RangeQuery>,
) -> Result<Json<MetricsReply>, ApiError> {
    let range = query.range()?;
    let scope = OrgScope::open(&core, caller, query.org()?, Need::Member).await?;
    let series = reports::daily_series(scope.tx(), scope.org, range).await?;
    let totals = series
        .iter()
        .fold(CallStats::default(), |sum, day| sum + day.stats);
    Ok(Json(MetricsReply {
        org_id: scope.org,
        start_date: range.start(),
        end_date: range.end(),
        totals,
        series,
    }))
}
