use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use store::reports::{self, CallStats};
use web::{ApiError, ApiQuery, Core, CurrentUser};

use crate::guard::member_tx;
use crate::params::DataQuery;

/// `GET /api/dashboard/metrics?orgId&startDate&endDate` → the range's call totals for the tiles and
/// one entry per UTC day (days without calls included) for the chart.
pub async fn metrics(
    State(core): State<Core>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<DataQuery>,
) -> Result<Json<Value>, ApiError> {
    query.allow(&["orgId", "startDate", "endDate"])?;
    let range = query.range()?;
    let (tx, org) = member_tx(&core, &user, query.org()?).await?;
    let series = reports::daily_series(&tx, org, range).await?;
    let totals = series
        .iter()
        .fold(CallStats::default(), |sum, day| sum + day.stats);
    Ok(Json(json!({
        "org_id": org,
        "start_date": range.start(),
        "end_date": range.end(),
        "totals": totals,
        "series": series,
    })))
}
