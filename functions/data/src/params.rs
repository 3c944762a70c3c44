//! Query parameters of the data routes, parsed into domain types at the edge.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use chrono::Utc;
use domain::{DateRange, OrgId, PageLimit, ParseError};
use serde::Deserialize;
use store::reports::{CallStatus, Direction};
use web::ApiError;

/// Everything any data route takes; each route says which of these it accepts ([`Self::allow`]),
/// so a misspelt or misplaced parameter is a 400 rather than silently ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DataQuery {
    org_id: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
    pub format: Option<Format>,
    #[serde(rename = "type")]
    pub kind: Option<ReportType>,
    pub direction: Option<Direction>,
    pub status: Option<CallStatus>,
    q: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportType {
    #[default]
    Calls,
    Daily,
    Agents,
    Numbers,
}

impl ReportType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calls => "calls",
            Self::Daily => "daily",
            Self::Agents => "agents",
            Self::Numbers => "numbers",
        }
    }
}

/// Longest accepted search text.
const MAX_SEARCH_CHARS: usize = 100;

fn bad(code: &'static str) -> impl Fn(ParseError) -> ApiError {
    move |e| ApiError::BadRequest { code, message: e.0 }
}

impl DataQuery {
    /// Refuses parameters the route does not take.
    pub fn allow(&self, allowed: &[&str]) -> Result<(), ApiError> {
        let given = [
            ("orgId", self.org_id.is_some()),
            ("startDate", self.start_date.is_some()),
            ("endDate", self.end_date.is_some()),
            ("limit", self.limit.is_some()),
            ("cursor", self.cursor.is_some()),
            ("format", self.format.is_some()),
            ("type", self.kind.is_some()),
            ("direction", self.direction.is_some()),
            ("status", self.status.is_some()),
            ("q", self.q.is_some()),
        ];
        match given
            .iter()
            .find(|(name, present)| *present && !allowed.contains(name))
        {
            Some((name, _)) => Err(ApiError::BadRequest {
                code: "invalid_query",
                message: format!("this route does not take the parameter {name}"),
            }),
            None => Ok(()),
        }
    }

    pub fn org(&self) -> Result<Option<OrgId>, ApiError> {
        self.org_id
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(bad("invalid_org_id"))
    }

    /// The dates asked for, or the last 30 UTC days up to today.
    pub fn range(&self) -> Result<DateRange, ApiError> {
        DateRange::parse(
            self.start_date.as_deref(),
            self.end_date.as_deref(),
            Utc::now().date_naive(),
        )
        .map_err(bad("invalid_date_range"))
    }

    /// Like [`Self::range`], but `None` when neither date was given (no date filter).
    pub fn optional_range(&self) -> Result<Option<DateRange>, ApiError> {
        if self.start_date.is_none() && self.end_date.is_none() {
            return Ok(None);
        }
        self.range().map(Some)
    }

    pub fn limit(&self) -> Result<PageLimit, ApiError> {
        PageLimit::parse(self.limit.as_deref()).map_err(bad("invalid_limit"))
    }

    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    pub fn search(&self) -> Result<Option<&str>, ApiError> {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if q.is_some_and(|q| {
            q.chars().count() > MAX_SEARCH_CHARS || q.chars().any(char::is_control)
        }) {
            return Err(ApiError::BadRequest {
                code: "invalid_q",
                message: format!("q must be at most {MAX_SEARCH_CHARS} printable characters"),
            });
        }
        Ok(q)
    }

    /// `format=csv`, or `Accept: text/csv` when no format is given; JSON otherwise.
    pub fn format(&self, headers: &HeaderMap) -> Format {
        self.format.unwrap_or_else(|| {
            let wants_csv = headers
                .get_all(ACCEPT)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("text/csv"));
            if wants_csv { Format::Csv } else { Format::Json }
        })
    }
}
