//! Query parameters of the data routes. Each kind of route has its own struct naming exactly the
//! parameters it takes (the OpenAPI document lists them; anything else is `invalid_query`). Values
//! are kept as sent and parsed into domain types by the functions here, once for every struct, so
//! each error keeps its own code.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use chrono::{NaiveDate, Utc};
use domain::{CallDirection, CallStatus, DateRange, OrgId, PageLimit, ParseError};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use web::ApiError;
use web::paging::page_limit;

/// `GET /api/mightycall/phone-numbers`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
}

impl OrgQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }
}

/// `GET /api/dashboard/metrics`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
    /// First UTC day (default: 29 days before `endDate`); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last UTC day, included (default: today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
}

impl RangeQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }

    /// The local days asked for; `today` (the org's) ends the default range.
    pub fn range(&self, today: NaiveDate) -> Result<DateRange, ApiError> {
        range(self.start_date.as_deref(), self.end_date.as_deref(), today)
    }
}

/// The synced lists without CSV (voicemails, contacts).
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
    /// First UTC day (default: 29 days before `endDate`, or no bound where the list is not dated
    /// by default); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last UTC day, included (default: today, or no bound where the list is not dated by
    /// default).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

impl ListQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }

    /// The dates asked for; without any, the last 30 days when `dated_by_default`, else no range.
    pub fn range(&self, dated_by_default: bool) -> Result<Option<DateRange>, ApiError> {
        if !dated_by_default && self.start_date.is_none() && self.end_date.is_none() {
            return Ok(None);
        }
        range(
            self.start_date.as_deref(),
            self.end_date.as_deref(),
            Utc::now().date_naive(),
        )
        .map(Some)
    }

    pub fn limit(&self) -> Result<PageLimit, ApiError> {
        page_limit(self.limit.as_deref(), PageLimit::DEFAULT)
    }

    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

/// The synced lists that offer CSV (recordings, SMS messages): [`ListQuery`] and `format`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CsvListQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
    /// First UTC day (default: 29 days before `endDate`); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last UTC day, included (default: today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page (with CSV: the `x-next-cursor` header).
    cursor: Option<String>,
    /// `csv` or `json`; without it, `Accept: text/csv` asks for CSV.
    #[param(inline)]
    format: Option<Format>,
}

impl CsvListQuery {
    /// The list parameters, parsed like any list's, and the format asked for.
    pub fn split(self, headers: &HeaderMap) -> (ListQuery, Format) {
        let format = format(self.format, headers);
        let list = ListQuery {
            org_id: self.org_id,
            start_date: self.start_date,
            end_date: self.end_date,
            limit: self.limit,
            cursor: self.cursor,
        };
        (list, format)
    }
}

/// `GET /api/mightycall/reports`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
    /// The report (default `calls`).
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    kind: Option<ReportType>,
    /// First UTC day (default: 29 days before `endDate`); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last UTC day, included (default: today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
    /// Only calls in this direction.
    #[param(inline)]
    direction: Option<CallDirection>,
    /// Only calls with this outcome.
    #[param(inline)]
    status: Option<CallStatus>,
    /// Text searched (case-insensitively) in numbers, names and extensions; at most 100 characters.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page of the same report type (with CSV: the `x-next-cursor`
    /// header).
    cursor: Option<String>,
    /// `csv` or `json`; without it, `Accept: text/csv` asks for CSV.
    #[param(inline)]
    format: Option<Format>,
}

impl ReportQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }

    pub fn kind(&self) -> ReportType {
        self.kind.unwrap_or_default()
    }

    /// The local days asked for; `today` (the org's) ends the default range.
    pub fn range(&self, today: NaiveDate) -> Result<DateRange, ApiError> {
        range(self.start_date.as_deref(), self.end_date.as_deref(), today)
    }

    pub fn direction(&self) -> Option<CallDirection> {
        self.direction
    }

    pub fn status(&self) -> Option<CallStatus> {
        self.status
    }

    pub fn search(&self) -> Result<Option<&str>, ApiError> {
        search(self.q.as_deref())
    }

    pub fn limit(&self) -> Result<PageLimit, ApiError> {
        page_limit(self.limit.as_deref(), PageLimit::DEFAULT)
    }

    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    pub fn format(&self, headers: &HeaderMap) -> Format {
        format(self.format, headers)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportType {
    #[default]
    Calls,
    Daily,
    Agents,
    Numbers,
    Hourly,
}

impl ReportType {
    /// Also the scope of the report's cursors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calls => "calls",
            Self::Daily => "daily",
            Self::Agents => "agents",
            Self::Numbers => "numbers",
            Self::Hourly => "hourly",
        }
    }
}

/// Longest accepted search text.
const MAX_SEARCH_CHARS: usize = 100;

fn bad(code: &'static str) -> impl Fn(ParseError) -> ApiError {
    move |e| ApiError::BadRequest { code, message: e.0 }
}

fn org(raw: Option<&str>) -> Result<Option<OrgId>, ApiError> {
    raw.map(str::parse)
        .transpose()
        .map_err(bad("invalid_org_id"))
}

/// The dates asked for, or the 30 days up to `today`.
fn range(start: Option<&str>, end: Option<&str>, today: NaiveDate) -> Result<DateRange, ApiError> {
    DateRange::parse(start, end, today).map_err(bad("invalid_date_range"))
}

fn search(raw: Option<&str>) -> Result<Option<&str>, ApiError> {
    let q = raw.map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS || q.chars().any(char::is_control)) {
        return Err(ApiError::BadRequest {
            code: "invalid_q",
            message: format!("q must be at most {MAX_SEARCH_CHARS} printable characters"),
        });
    }
    Ok(q)
}

/// `format=csv`, or `Accept: text/csv` when no format is given; JSON otherwise.
fn format(asked: Option<Format>, headers: &HeaderMap) -> Format {
    asked.unwrap_or_else(|| {
        let wants_csv = headers
            .get_all(ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("text/csv"));
        if wants_csv { Format::Csv } else { Format::Json }
    })
}
