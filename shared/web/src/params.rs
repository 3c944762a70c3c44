//! Query parameters shared by the functions' routes: the org a request names and the local days it
//! asks for. Values are kept as sent and parsed here, once, so each error keeps its own code.
//!
//! Dates are local days of the org's time zone, which is known only once the scope is open: the
//! dates are checked first (bad input is a 400 before any lookup) and resolved in the zone after
//! ([`Dates::in_zone`], [`org_terms`]).

use chrono::NaiveDate;
use domain::{DateRange, E164Number, Extension, OrgId, ParseError, TimeZone, api_date};
use serde::Deserialize;
use store::reports::ReportTerms;
use utoipa::ToSchema;

use crate::{ApiError, OrgScope};

/// A 400 with `code` and the parse error's message.
pub fn bad(code: &'static str) -> impl Fn(ParseError) -> ApiError {
    move |e| ApiError::BadRequest { code, message: e.0 }
}

/// `orgId` as sent: absent (the caller's only org), or a valid id.
pub fn org(raw: Option<&str>) -> Result<Option<OrgId>, ApiError> {
    raw.map(str::parse)
        .transpose()
        .map_err(bad("invalid_org_id"))
}

/// `agent` as sent: absent (every agent), or an extension of 1 to 10 digits.
pub fn agent(raw: Option<&str>) -> Result<Option<Extension>, ApiError> {
    raw.map(|a| {
        Extension::parse(a).map_err(|_| ApiError::BadRequest {
            code: "invalid_agent",
            message: "agent must be an extension of 1 to 10 digits".into(),
        })
    })
    .transpose()
}

/// `number` as sent: absent (every number), or a business number in E.164 form.
pub fn business_number(raw: Option<&str>) -> Result<Option<E164Number>, ApiError> {
    raw.map(|n| E164Number::parse(n).map_err(bad("invalid_number")))
        .transpose()
}

/// `startDate` / `endDate` as sent, with everything checked that does not depend on today.
#[derive(Clone, Copy, Debug)]
pub struct Dates<'a> {
    start: Option<&'a str>,
    end: Option<&'a str>,
}

impl<'a> Dates<'a> {
    pub fn check(start: Option<&'a str>, end: Option<&'a str>) -> Result<Self, ApiError> {
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

/// The audit log's filters as sent: `action` (an action's name, e.g. `member.role_changed`) and
/// `startDate` / `endDate` (local days of the org's zone; without either, every day).
#[derive(Clone, Copy, Debug)]
pub struct AuditFilters<'a> {
    action: Option<&'a str>,
    dates: Option<Dates<'a>>,
}

impl<'a> AuditFilters<'a> {
    pub fn check(
        action: Option<&'a str>,
        start: Option<&'a str>,
        end: Option<&'a str>,
    ) -> Result<Self, ApiError> {
        let named = |a: &&str| {
            (1..=64).contains(&a.len())
                && a.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.')
        };
        if let Some(a) = action
            && !named(&a)
        {
            return Err(ApiError::BadRequest {
                code: "invalid_action",
                message: "action must be an action's name, e.g. member.role_changed".into(),
            });
        }
        let dates = (start.is_some() || end.is_some())
            .then(|| Dates::check(start, end))
            .transpose()?;
        Ok(Self { action, dates })
    }

    /// The filter in the org's `zone`.
    pub fn in_zone(self, zone: TimeZone) -> Result<store::audit::AuditFilter<'a>, ApiError> {
        let window = self
            .dates
            .map(|d| d.in_zone(zone).map(|range| zone.window(range)))
            .transpose()?;
        Ok(store::audit::AuditFilter {
            action: self.action,
            from: window.map(|w| w.0),
            until: window.map(|w| w.1),
        })
    }
}

/// A report of calls: the calls themselves, or figures per local day, agent, business number or
/// local hour of the week.
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

/// The org's terms: the zone its dates name and its times are shown in, its service-level target,
/// and what the caller may see of its calls.
pub async fn org_terms(scope: &OrgScope) -> Result<ReportTerms, ApiError> {
    store::reports::terms(scope.tx(), scope.org)
        .await?
        // The open scope has just found the org under the same RLS.
        .ok_or(ApiError::NotFound("organization"))
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
