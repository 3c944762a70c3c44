//! Query parameters of the data routes. Each kind of route has its own struct naming exactly the
//! parameters it takes (the OpenAPI document lists them; anything else is `invalid_query`). Values
//! are kept as sent and parsed into domain types by the functions here, once for every struct, so
//! each error keeps its own code.
//!
//! Dates are local days of the org's time zone, which is known only once the scope is open: the
//! dates are checked first (bad input is a 400 before any lookup) and resolved in the zone after
//! ([`Dates::in_zone`], [`org_terms`]).

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use chrono::NaiveDate;
use domain::{
    CallDirection, CallStatus, DateRange, OrgId, PageLimit, ParseError, TimeZone, api_date,
};
use serde::Deserialize;
use store::reports::ReportTerms;
use utoipa::{IntoParams, ToSchema};
use web::paging::page_limit;
use web::{ApiError, OrgScope};

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
    /// First local day of the org's time zone (default: 29 days before `endDate`); at most 366
    /// days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last local day, included (default: the org's today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
}

impl RangeQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }

    /// The dates asked for, checked; [`Dates::in_zone`] resolves them.
    pub fn dates(&self) -> Result<Dates<'_>, ApiError> {
        Dates::check(self.start_date.as_deref(), self.end_date.as_deref())
    }
}

/// The synced lists (recordings, voicemails, SMS messages, contacts), as JSON pages or CSV.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
    /// First local day of the org's time zone (default: 29 days before `endDate`, or no bound
    /// where the list is not dated by default); at most 366 days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last local day, included (default: the org's today, or no bound where the list is not
    /// dated by default).
    #[param(value_type = Option<chrono::NaiveDate>)]
    end_date: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page; JSON only (a CSV export is the whole range).
    cursor: Option<String>,
    /// `csv` or `json`; without it, `Accept: text/csv` asks for CSV.
    #[param(inline)]
    format: Option<FormatParam>,
    /// CSV only: `true` starts the file with a UTF-8 byte order mark, which some spreadsheet tools
    /// need to read non-ASCII text (default `false`).
    #[param(value_type = Option<bool>)]
    bom: Option<String>,
}

impl ListQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }

    /// The dates asked for, checked; without any, the last 30 days when `dated_by_default`, else
    /// no range.
    pub fn dates(&self, dated_by_default: bool) -> Result<Option<Dates<'_>>, ApiError> {
        if !dated_by_default && self.start_date.is_none() && self.end_date.is_none() {
            return Ok(None);
        }
        Dates::check(self.start_date.as_deref(), self.end_date.as_deref()).map(Some)
    }

    pub fn limit(&self) -> Result<PageLimit, ApiError> {
        page_limit(self.limit.as_deref(), PageLimit::DEFAULT)
    }

    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    pub fn format(&self, headers: &HeaderMap) -> Result<Format, ApiError> {
        format(self.format, self.bom.as_deref(), headers)
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
    /// First local day of the org's time zone (default: 29 days before `endDate`); at most 366
    /// days in all.
    #[param(value_type = Option<chrono::NaiveDate>)]
    start_date: Option<String>,
    /// Last local day, included (default: the org's today).
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
    /// `next_cursor` of the previous page of the same report type; JSON only (a CSV export is the
    /// whole range).
    cursor: Option<String>,
    /// `csv` or `json`; without it, `Accept: text/csv` asks for CSV.
    #[param(inline)]
    format: Option<FormatParam>,
    /// CSV only: `true` starts the file with a UTF-8 byte order mark, which some spreadsheet tools
    /// need to read non-ASCII text (default `false`).
    #[param(value_type = Option<bool>)]
    bom: Option<String>,
}

impl ReportQuery {
    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        org(self.org_id.as_deref())
    }

    pub fn kind(&self) -> ReportType {
        self.kind.unwrap_or_default()
    }

    /// The dates asked for, checked; [`Dates::in_zone`] resolves them.
    pub fn dates(&self) -> Result<Dates<'_>, ApiError> {
        Dates::check(self.start_date.as_deref(), self.end_date.as_deref())
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

    pub fn format(&self, headers: &HeaderMap) -> Result<Format, ApiError> {
        format(self.format, self.bom.as_deref(), headers)
    }
}

/// `startDate` / `endDate` as sent, with everything checked that does not depend on today.
#[derive(Clone, Copy, Debug)]
pub struct Dates<'a> {
    start: Option<&'a str>,
    end: Option<&'a str>,
}

impl<'a> Dates<'a> {
    fn check(start: Option<&'a str>, end: Option<&'a str>) -> Result<Self, ApiError> {
        // Anchored on `startDate` (or any day), "today" cannot fail the check: only the dates'
        // shape and, when both are given, their order and span can.
        let anchor = start.and_then(api_date).unwrap_or(NaiveDate::MIN);
        DateRange::parse(start, end, anchor).map_err(bad("invalid_date_range"))?;
        Ok(Self { start, end })
    }

    /// The local days asked for; a missing end is the org's today in `zone`.
    pub fn in_zone(self, zone: TimeZone) -> Result<DateRange, ApiError> {
        DateRange::parse(self.start, self.end, zone.today()).map_err(bad("invalid_date_range"))
    }
}

/// The org's terms: the zone its dates name and its times are shown in, its service-level target,
/// and what the caller may see of its calls.
pub async fn org_terms(scope: &OrgScope) -> Result<ReportTerms, ApiError> {
    store::reports::terms(scope.tx(), scope.org)
        .await?
        // The open scope has just found the org under the same RLS.
        .ok_or(ApiError::NotFound("organization"))
}

/// How a list or report is answered: a page of JSON, or the whole range as a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv { bom: bool },
}

// The `format` parameter as sent (`bom` joins it in [`Format`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormatParam {
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

/// `format=csv`, or `Accept: text/csv` when no format is given; JSON otherwise. `bom` is `true`
/// or `false` whatever the format.
fn format(
    asked: Option<FormatParam>,
    bom: Option<&str>,
    headers: &HeaderMap,
) -> Result<Format, ApiError> {
    let bom = match bom {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::BadRequest {
                code: "invalid_bom",
                message: "bom must be true or false".into(),
            });
        }
    };
    let csv = match asked {
        Some(asked) => asked == FormatParam::Csv,
        None => headers
            .get_all(ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("text/csv")),
    };
    Ok(if csv {
        Format::Csv { bom }
    } else {
        Format::Json
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn dates_are_checked_before_the_zone_is_known_and_resolved_in_it() {
        // Shape, order and span fail first, whatever today is.
        assert!(Dates::check(Some("2026-02-30"), None).is_err());
        assert!(Dates::check(None, Some("2026-1-1")).is_err());
        assert!(Dates::check(Some("2026-01-31"), Some("2026-01-01")).is_err());
        assert!(Dates::check(Some("2025-01-01"), Some("2026-01-02")).is_err());
        // A start after the org's today fails only once the zone gives today.
        let future = Dates::check(Some("2099-12-31"), None).unwrap();
        assert!(future.in_zone(TimeZone::UTC).is_err());
        let kolkata = TimeZone::parse("Asia/Kolkata").unwrap();
        let default = Dates::check(None, None).unwrap().in_zone(kolkata).unwrap();
        assert_eq!(default.end(), kolkata.today());
        assert_eq!((default.end() - default.start()).num_days(), 29);
    }
}
