use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::{OrgId, TimeZone};
use serde::Serialize;
use store::reports::{self, CallFilter, CallStats, DailyRow};
use utoipa::ToSchema;
use web::{ApiError, ApiQuery, Caller, Core, Need, OrgScope, ReadErrors};

use crate::params::RangeQuery;

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
    // Bad dates are refused before the org is looked at; the default range needs its zone.
    query.range(chrono::Utc::now().date_naive())?;
    let scope = OrgScope::open(&core, caller, query.org()?, Need::Member).await?;
    let (tx, org) = (scope.tx(), scope.org);
    let terms = reports::terms(tx, org)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    let range = query.range(terms.zone.today())?;
    let filter = CallFilter::all(range);
    let series = reports::daily_series(tx, org, &terms, &filter).await?;
    let totals = reports::totals(tx, org, &terms, &filter).await?;
    Ok(Json(MetricsReply {
        org_id: org,
        time_zone: terms.zone,
        start_date: range.start(),
        end_date: range.end(),
        totals,
        series,
    }))
}
