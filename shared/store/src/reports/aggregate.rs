//! Statistics per local day, agent, business number and local hour of the week, and for a whole
//! range. Two queries per report: the sums and longest waits (from `call_rollups`, or from the calls
//! themselves when the report filters by outcome, direction or text, or the reader is an agent
//! scoped to their own calls), and the two measures that are not sums — distinct repeat callers and
//! callback-time percentiles — read from the narrow indexes of the calls they concern.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use domain::{OrgId, PageLimit};
use serde::Serialize;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::stats::{InboundFacts, Sums};
use super::{CallFilter, CallStats, CallView, ReportTerms, search_clause};
use crate::page::Page;
use crate::row::{FromRow, get};
use crate::{StoreError, Tx};

/// How calls are grouped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Day,
    Hour,
    Agent,
    Number,
    Total,
}

impl Group {
    /// The rollup grain holding this group's sums.
    /// Whether the rollups also hold this group's sums per local month.
    fn has_months(self) -> bool {
        matches!(self, Self::Hour | Self::Agent | Self::Number)
    }

    fn grain(self) -> &'static str {
        match self {
            Self::Day | Self::Total => "day",
            Self::Hour => "hour",
            Self::Agent => "agent",
            Self::Number => "number",
        }
    }
}

/// Sums over a source of rollup-shaped rows.
const SUMS: &str = "sum(calls)::bigint as total, sum(answered)::bigint as answered,
    sum(missed)::bigint as missed, sum(voicemail)::bigint as voicemail, sum(talk_ms)::bigint as talk_ms,
    sum(inbound)::bigint as inbound, sum(outbound)::bigint as outbound,
    sum(abandoned)::bigint as abandoned, sum(short_abandoned)::bigint as short_abandoned,
    sum(measured)::bigint as measured, sum(measured_short)::bigint as measured_short,
    sum(in_sla)::bigint as in_sla, sum(answered_measured)::bigint as answered_measured,
    sum(answer_wait_ms)::bigint as answer_wait_ms,
    sum(unanswered_with_number)::bigint as unanswered_with_number, sum(callbacks)::bigint as callbacks,
    sum(callbacks_within_1h)::bigint as callbacks_within_1h, max(longest_wait_ms) as longest_wait_ms";

/// The measure columns of the rollups, in both sources.
const MEASURES: &str = "calls, answered, missed, voicemail, talk_ms, inbound, outbound, abandoned,
    short_abandoned, measured, measured_short, in_sla, answered_measured, answer_wait_ms,
    unanswered_with_number, callbacks, callbacks_within_1h, longest_wait_ms";

/// Parameters $1..$6 of every sums query: org, grain, first and last local day, cursor, limit; and
/// [`Spans`] as $7..$10: the grain's day rows from $3 to $7 and from $10 to $4, its month rows from
/// $8 to $9. Each span is an index range (a filter would read every day of a year), and one scan
/// reads all three, so that RLS checks the reader once.
fn from_rollups() -> String {
    format!(
        "select day, key, {MEASURES} from call_rollups
         where org_id = $1
           and ((grain = $2 and (day between $3 and $7 or day between $10 and $4))
                or (grain = $2::text || '_month' and day between $8 and $9))"
    )
}

/// Where a range's sums come from: the whole local months inside it from the month rows (for the
/// grains that have them), the days before and after those from the day rows.
struct Spans {
    head_last: NaiveDate,
    months: (NaiveDate, NaiveDate),
    tail_first: NaiveDate,
}

impl Spans {
    fn of(group: Group, first: NaiveDate, last: NaiveDate) -> Self {
        match whole_months(first, last).filter(|_| group.has_months()) {
            Some((start, end)) => Self {
                head_last: start.pred_opt().unwrap_or(start),
                months: (start, end),
                tail_first: end.succ_opt().unwrap_or(end),
            },
            // Every day from the day rows; the other two spans empty.
            None => Self {
                head_last: last,
                months: (last.succ_opt().unwrap_or(last), last),
                tail_first: last.succ_opt().unwrap_or(last),
            },
        }
    }
}

/// The first and last day of the whole months within `[first, last]`, if any.
fn whole_months(first: NaiveDate, last: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let start = match first.day() {
        1 => first,
        _ => first.checked_add_months(Months::new(1))?.with_day(1)?,
    };
    // The first day of the month after the last whole one.
    let end = last.succ_opt()?.with_day(1)?;
    (start < end).then(|| end.pred_opt().map(|last_day| (start, last_day)))?
}

/// The rows the rollups would hold, one per call the reader sees that matches the filters: adds
/// $7/$8 (the instant window), $9/$10 (direction, outcome), $11 (search pattern), $12/$13 (scope),
/// $14/$15 (agent extension, business number).
fn from_calls() -> String {
    format!(
        "select (c.started_at at time zone o.time_zone)::date as day,
                case $2::text when 'agent' then coalesce(c.agent_extension, '')
                              when 'number' then coalesce(c.business_number, '')
                              when 'hour' then private.hour_of_week(c.started_at at time zone o.time_zone)
                              else '' end as key,
                1 as calls, m.answered, m.missed, m.voicemail, m.talk_ms, m.inbound, m.outbound,
                m.abandoned, m.short_abandoned, m.measured, m.measured_short, m.in_sla,
                m.answered_measured, m.answer_wait_ms, m.unanswered_with_number, m.callbacks,
                m.callbacks_within_1h, m.wait_ms as longest_wait_ms
         from calls c
         join organizations o on o.id = c.org_id
         cross join lateral private.call_measures(c.direction, c.status, c.duration_ms,
           c.wait_to_answer_ms, c.wait_to_end_ms, c.caller_number, c.started_at, c.callback_at,
           o.sla_target_seconds * 1000::bigint, o.short_abandon_seconds * 1000::bigint) m
         where c.org_id = $1 and c.started_at >= $7 and c.started_at < $8
           and (c.started_at at time zone o.time_zone)::date between $3 and $4
           and ($9::text is null or c.direction = $9) and ($10::text is null or c.status = $10)
           and ($11::text is null or {search})
           and (not $12 or c.agent_extension = $13)
           and ($14::text is null or c.agent_extension = $14)
           and ($15::text is null or c.business_number = $15)",
        search = search_clause("$11")
    )
}

/// Whether the sums must come from the calls: the rollups hold neither call details nor agents'
/// own share of a day, and count outcomes and directions side by side.
fn from_calls_needed(terms: &ReportTerms, filter: &CallFilter<'_>) -> bool {
    filter.search.is_some()
        || filter.agent.is_some()
        || filter.number.is_some()
        || filter.direction.is_some()
        || filter.status.is_some()
        || terms.view != CallView::Org
}

/// One report's reader, org, terms and filter.
#[derive(Clone, Copy)]
struct Query<'a> {
    tx: &'a Tx,
    org: OrgId,
    terms: &'a ReportTerms,
    filter: &'a CallFilter<'a>,
}

/// Runs a sums `select` written over `src` (parameters as [`from_rollups`] and [`from_calls`]).
async fn sums_query(
    q: Query<'_>,
    group: Group,
    after: &(dyn ToSql + Sync),
    limit: i64,
    select: &str,
) -> Result<Vec<Row>, StoreError> {
    let Query {
        tx,
        org,
        terms,
        filter,
    } = q;
    let calls = from_calls_needed(terms, filter);
    let source = if calls { from_calls() } else { from_rollups() };
    let sql = format!("with src as ({source}) {select}");
    let org = org.as_uuid();
    let (start, end) = (filter.range.start(), filter.range.end());
    let grain = group.grain();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&org, &grain, &start, &end, after, &limit];
    let (from, to) = terms.window(filter);
    let (direction, status) = (filter.direction(), filter.status());
    let pattern = filter.pattern();
    let (scoped, extension) = terms.scope_params();
    let (agent, number) = (filter.agent(), filter.number());
    let spans = Spans::of(group, start, end);
    if calls {
        params.extend_from_slice(&[
            &from, &to, &direction, &status, &pattern, &scoped, &extension, &agent, &number,
        ]);
    } else {
        params.extend_from_slice(&[
            &spans.head_last,
            &spans.months.0,
            &spans.months.1,
            &spans.tail_first,
        ]);
    }
    // Cached per connection: a report runs the same few statements, planned once each.
    let statement = tx.prepare_cached(&sql).await?;
    Ok(tx.client().query(&statement, &params).await?)
}

/// How the facts query groups calls (`$9` the org's zone), and how a group shows as a key. A local
/// day groups as a date and is formatted once per group, not once per call.
fn facts_key(group: Group) -> (&'static str, &'static str) {
    match group {
        Group::Agent => ("coalesce(c.agent_extension, '') collate \"C\"", "g"),
        Group::Number => ("coalesce(c.business_number, '') collate \"C\"", "g"),
        Group::Total => ("''", "g"),
        Group::Day => (
            "(c.started_at at time zone $9::text)::date",
            "to_char(g, 'YYYY-MM-DD')",
        ),
        Group::Hour => (
            "private.hour_of_week(c.started_at at time zone $9::text)",
            "g",
        ),
    }
}

/// Distinct repeat callers and callback-time percentiles of each group of the filter's calls in
/// `[from, to)`, by group key. Each reads only the calls it concerns (V14's partial indexes).
/// With `and_total`, also the whole range's, under the key `""`.
async fn inbound_facts(
    q: Query<'_>,
    group: Group,
    (first, last): (NaiveDate, NaiveDate),
    and_total: bool,
) -> Result<HashMap<String, InboundFacts>, StoreError> {
    let Query {
        tx,
        org,
        terms,
        filter,
    } = q;
    let (group_sql, key_sql) = facts_key(group);
    let (from, to) = (
        terms.zone.day_start(first),
        terms.zone.day_start(last.succ_opt().unwrap_or(last)),
    );
    const MISSED: &str = "c.status in ('missed', 'dropped', 'voicemail')";
    let sql = format!(
        "with repeated as (
           select {group_sql} as g, count(distinct c.caller_number) as repeat_callers
           from calls c
           where c.org_id = $1 and c.direction = 'incoming' and c.next_inbound_at is not null
             and c.started_at >= $2 and c.started_at < $3 {filters}
           group by {grouping}),
         called_back as (
           select {group_sql} as g,
                  (extract(epoch from percentile_disc(0.5) within group (order by c.callback_at - c.started_at))
                    * 1000)::bigint as callback_p50_ms,
                  (extract(epoch from percentile_disc(0.9) within group (order by c.callback_at - c.started_at))
                    * 1000)::bigint as callback_p90_ms
           from calls c
           where c.org_id = $1 and c.direction = 'incoming' and c.callback_at is not null and {MISSED}
             and c.started_at >= $2 and c.started_at < $3 {filters}
           group by {grouping})
         select coalesce({key_sql}, '') as key, repeat_callers, callback_p50_ms, callback_p90_ms
         from (select coalesce(r.g, b.g) as g, coalesce(r.repeat_callers, 0) as repeat_callers,
                      b.callback_p50_ms, b.callback_p90_ms
               -- (the total's g is null on both sides)
               from repeated r full join called_back b on coalesce(b.g::text, '') = coalesce(r.g::text, '')) f",
        grouping = if and_total { "grouping sets ((1), ())" } else { "1" },
        // Every filter names only the indexes' columns, so that the cached (generic) plan stays an
        // index-only scan: the direction is known to be inbound here, and the search (over columns
        // the indexes do not hold) is in the statement only when there is one. $9, the zone, is
        // typed here for the keys that do not use it.
        filters = format!(
            "and ($4::text is null or $4 = 'incoming') and ($5::text is null or c.status = $5)
             and {search} and (not $7 or c.agent_extension = $8)
             and $9::text is not null
             and ($10::text is null or c.agent_extension = $10)
             and ($11::text is null or c.business_number = $11)",
            search = match filter.search {
                Some(_) => format!("({})", search_clause("$6")),
                None => "$6::text is null".to_owned(),
            }
        ),
    );
    let (scoped, extension) = terms.scope_params();
    let statement = tx.prepare_cached(&sql).await?;
    let rows = tx
        .client()
        .query(
            &statement,
            &[
                &org.as_uuid(),
                &from,
                &to,
                &filter.direction(),
                &filter.status(),
                &filter.pattern(),
                &scoped,
                &extension,
                &terms.zone.name(),
                &filter.agent(),
                &filter.number(),
            ],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let key: String = get(row, "key")?;
            Ok((key, InboundFacts::from_row(row)?))
        })
        .collect()
}

/// The stats of a sums row and the facts of its group.
fn stats(
    row: &Row,
    facts: &HashMap<String, InboundFacts>,
    key: &str,
    terms: &ReportTerms,
) -> Result<CallStats, StoreError> {
    Ok(CallStats::new(
        Sums::from_row(row)?,
        facts.get(key).copied().unwrap_or_default(),
        terms.sla_target_percent,
    ))
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct DailyRow {
    /// A local day of the org's time zone.
    pub day: NaiveDate,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// One row per local day of the range, days without calls included, oldest first.
pub async fn daily(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<NaiveDate>,
    limit: PageLimit,
) -> Result<Page<DailyRow, NaiveDate>, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    let rows = daily_rows(q, after, limit.get() + 1).await?;
    Ok(Page::from_overfetch(rows, limit.get(), |r: &DailyRow| {
        r.day
    }))
}

/// The sums of the local days of a page, and the facts of those days (with `and_total`, of the
/// whole span too, under `""`).
async fn day_sums(
    q: Query<'_>,
    after: Option<NaiveDate>,
    limit: i64,
    and_total: bool,
) -> Result<(Vec<(NaiveDate, Sums)>, HashMap<String, InboundFacts>), StoreError> {
    let select = format!(
        "select s.day::date as day, a.*
         from generate_series($3::date, $4::date, interval '1 day') s (day)
         left join (select day as d, {SUMS} from src group by day) a
           on a.d = s.day::date
         where $5::date is null or s.day::date > $5
         order by 1
         limit $6"
    );
    let rows = sums_query(q, Group::Day, &after, limit, &select).await?;
    let days = rows
        .iter()
        .map(|row| Ok((get::<NaiveDate>(row, "day")?, Sums::from_row(row)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let (Some((first, _)), Some((last, _))) = (days.first(), days.last()) else {
        return Ok((Vec::new(), HashMap::new()));
    };
    // The facts of this page's days only.
    let facts = inbound_facts(q, Group::Day, (*first, *last), and_total).await?;
    Ok((days, facts))
}

fn day_rows(
    days: &[(NaiveDate, Sums)],
    facts: &HashMap<String, InboundFacts>,
    terms: &ReportTerms,
) -> Vec<DailyRow> {
    days.iter()
        .map(|(day, sums)| DailyRow {
            day: *day,
            stats: CallStats::new(
                *sums,
                facts
                    .get(&day.format("%Y-%m-%d").to_string())
                    .copied()
                    .unwrap_or_default(),
                terms.sla_target_percent,
            ),
        })
        .collect()
}

async fn daily_rows(
    q: Query<'_>,
    after: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<DailyRow>, StoreError> {
    let (days, facts) = day_sums(q, after, limit, false).await?;
    Ok(day_rows(&days, &facts, q.terms))
}

/// The dashboard: every local day of `range` (at most 366) for its chart, and the whole range's
/// figures for its tiles, whose sums add up the days' and whose facts come with theirs.
pub async fn dashboard(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
) -> Result<(Vec<DailyRow>, CallStats), StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    let (days, facts) = day_sums(q, None, domain::DateRange::MAX_DAYS as i64, true).await?;
    let sums = days
        .iter()
        .fold(Sums::default(), |total, (_, day)| total.plus(day));
    let totals = CallStats::new(
        sums,
        facts.get("").copied().unwrap_or_default(),
        terms.sla_target_percent,
    );
    Ok((day_rows(&days, &facts, terms), totals))
}

/// How many calls the filter selects in its range (an export's size, checked before it starts):
/// the sums query alone, without the facts.
pub async fn call_count(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
) -> Result<i64, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    // One row: no cursor ($5) and a limit ($6) of one, named so that every parameter is typed.
    let select =
        "select coalesce(sum(calls), 0)::bigint as total from src where $5::text is null limit $6";
    let no_cursor: Option<String> = None;
    let rows = sums_query(q, Group::Total, &no_cursor, 1, select).await?;
    rows.first().map_or(Ok(0), |row| get(row, "total"))
}

/// One row per group key, ordered by it, with the facts of each; `keyed` builds the row.
async fn grouped<R>(
    q: Query<'_>,
    group: Group,
    (after, limit): (Option<&str>, PageLimit),
    select: &str,
    keyed: impl Fn(&Row, String, CallStats) -> Result<R, StoreError>,
    row_key: impl Fn(&R) -> String,
) -> Result<Page<R, String>, StoreError> {
    let rows = sums_query(q, group, &after, limit.get() + 1, select).await?;
    let range = q.filter.range;
    let facts = inbound_facts(q, group, (range.start(), range.end()), false).await?;
    let terms = q.terms;
    let rows = rows
        .iter()
        .map(|row| {
            let key: String = get(row, "key")?;
            let stats = stats(row, &facts, &key, terms)?;
            keyed(row, key, stats)
        })
        .collect::<Result<Vec<R>, StoreError>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), row_key))
}

/// A group key as the JSON shows it: `null` gathers the calls without one.
fn blank_is_none(key: String) -> Option<String> {
    Some(key).filter(|k| !k.is_empty())
}

const BY_KEY: &str = "select key, {SUMS} from src
    where $5::text is null or key > $5
    group by key order by key limit $6";

fn by_key() -> String {
    BY_KEY.replace("{SUMS}", SUMS)
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct AgentRow {
    pub agent_extension: Option<String>,
    /// The name MightyCall shows for the extension on its calls, when known.
    pub agent_name: Option<String>,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// One row per agent extension, ordered by it (calls without an agent first).
pub async fn agents(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<AgentRow, String>, StoreError> {
    let select = format!(
        "select g.*, a.name as agent_name from ({}) g
         left join mightycall_agents a on a.org_id = $1 and a.extension = g.key
         order by g.key",
        by_key()
    );
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    grouped(
        q,
        Group::Agent,
        (after, limit),
        &select,
        |row, key, stats| {
            Ok(AgentRow {
                agent_extension: blank_is_none(key),
                agent_name: get(row, "agent_name")?,
                stats,
            })
        },
        |r| r.agent_extension.clone().unwrap_or_default(),
    )
    .await
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct NumberRow {
    pub business_number: Option<String>,
    #[serde(flatten)]
    pub stats: CallStats,
}

/// One row per business number, ordered by it (calls without one first).
pub async fn numbers(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<NumberRow, String>, StoreError> {
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    grouped(
        q,
        Group::Number,
        (after, limit),
        &by_key(),
        |_, key, stats| {
            Ok(NumberRow {
                business_number: blank_is_none(key),
                stats,
            })
        },
        |r| r.business_number.clone().unwrap_or_default(),
    )
    .await
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct HourRow {
    /// ISO weekday of the org's local time: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Local hour, 0–23.
    pub hour: u8,
    #[serde(flatten)]
    pub stats: CallStats,
}

impl HourRow {
    fn key(&self) -> String {
        format!(
            "{:03}",
            (u16::from(self.weekday) - 1) * 24 + u16::from(self.hour)
        )
    }
}

/// The 168 hours of the local week (every one, with or without calls), Monday 00:00 first.
pub async fn hourly(
    tx: &Tx,
    org: OrgId,
    terms: &ReportTerms,
    filter: &CallFilter<'_>,
    after: Option<&str>,
    limit: PageLimit,
) -> Result<Page<HourRow, String>, StoreError> {
    let select = format!(
        "select k.key, a.*
         from generate_series(0, 167) s (n)
         cross join lateral (select lpad(s.n::text, 3, '0') as key) k
         left join (select key as g, {SUMS} from src group by key) a on a.g = k.key
         where $5::text is null or k.key > $5
         order by k.key
         limit $6"
    );
    let q = Query {
        tx,
        org,
        terms,
        filter,
    };
    grouped(
        q,
        Group::Hour,
        (after, limit),
        &select,
        |_, key, stats| {
            let n: u8 = key.parse().map_err(|_| StoreError::UnknownValue("key"))?;
            Ok(HourRow {
                weekday: n / 24 + 1,
                hour: n % 24,
                stats,
            })
        },
        HourRow::key,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(first: &str, last: &str) -> Option<(String, String)> {
        let day = |s: &str| s.parse::<NaiveDate>().ok();
        let (first, last) = (day(first)?, day(last)?);
        whole_months(first, last).map(|(a, b)| (a.to_string(), b.to_string()))
    }

    fn some(first: &str, last: &str) -> Option<(String, String)> {
        Some((first.to_owned(), last.to_owned()))
    }

    #[test]
    fn spans_read_whole_months_from_month_rows_and_the_rest_from_day_rows() {
        let day = |s: &str| s.parse::<NaiveDate>().ok();
        let (Some(first), Some(last)) = (day("2025-12-03"), day("2026-12-02")) else {
            panic!("dates")
        };
        let text =
            |s: Spans| [s.head_last, s.months.0, s.months.1, s.tail_first].map(|d| d.to_string());
        assert_eq!(
            text(Spans::of(Group::Agent, first, last)),
            ["2025-12-31", "2026-01-01", "2026-11-30", "2026-12-01"]
        );
        // Grains without month rows, and ranges without a whole month, read every day.
        let every_day = ["2026-12-02", "2026-12-03", "2026-12-02", "2026-12-03"];
        assert_eq!(text(Spans::of(Group::Day, first, last)), every_day);
        let (Some(first), Some(last)) = (day("2026-11-01"), day("2026-12-02")) else {
            panic!("dates")
        };
        assert_eq!(
            text(Spans::of(Group::Hour, first, last)),
            ["2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01"]
        );
        let Some(first) = day("2026-11-03") else {
            panic!("dates")
        };
        assert_eq!(text(Spans::of(Group::Number, first, last)), every_day);
    }

    #[test]
    fn whole_months_are_the_months_a_range_covers_entirely() {
        assert_eq!(
            months("2026-01-01", "2026-12-31"),
            some("2026-01-01", "2026-12-31")
        );
        assert_eq!(
            months("2025-12-03", "2026-12-02"),
            some("2026-01-01", "2026-11-30")
        );
        assert_eq!(
            months("2026-01-15", "2026-03-10"),
            some("2026-02-01", "2026-02-28")
        );
        assert_eq!(
            months("2028-02-01", "2028-02-29"),
            some("2028-02-01", "2028-02-29")
        );
        assert_eq!(months("2026-02-01", "2026-02-27"), None);
        assert_eq!(months("2026-01-15", "2026-02-10"), None);
        assert_eq!(months("2026-03-31", "2026-03-31"), None);
    }
}
