//! Query parameters of the data routes. Each kind of route has its own struct naming exactly the
//! parameters it takes (the OpenAPI document lists them; anything else is `invalid_query`). Values
//! are kept as sent and parsed into domain types by the functions here, once for every struct, so
//! each error keeps its own code. Dates are checked and resolved by [`web::params`].

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use domain::{CallDirection, CallStatus, E164Number, Extension, OrgId, PageLimit};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use web::ApiError;
use web::paging::page_limit;
use web::params::org;
pub use web::params::{Dates, ReportType, org_terms};

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
    /// Only the calls of this agent extension (1 to 10 digits).
    #[param(pattern = "^[0-9]{1,10}$")]
    agent: Option<String>,
    /// Only the calls of this business number (E.164).
    #[param(pattern = "^\\+[1-9][0-9]{1,14}$")]
    number: Option<String>,
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

    pub fn agent(&self) -> Result<Option<Extension>, ApiError> {
        web::params::agent(self.agent.as_deref())
    }

    pub fn number(&self) -> Result<Option<E164Number>, ApiError> {
        web::params::business_number(self.number.as_deref())
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

/// Longest accepted search text.
const MAX_SEARCH_CHARS: usize = 100;

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
