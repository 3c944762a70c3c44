//! Reports are in the org's local days (issue 11): New York's 25- and 23-hour days hold exactly
//! their own calls, half- and three-quarter-hour zones split at their own midnight, call times
//! carry the zone's offset, a new time zone applies at once, and the default range ends at the
//! org's local today.

use chrono::{NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use integration_tests::World;
use integration_tests::call_gen::{
    self, Call, Naive, Settings, agent_names, assert_rows, utc, waits,
};
use serde_json::Value;

use crate::kpis::report;
use crate::support::DataCalls;

/// An answered inbound call of agent 101 at `at`.
fn call(id: &str, at: &str) -> Call {
    let mut c = Call::new(id, utc(at), "incoming");
    c.status = Some("connected");
    c.duration_ms = Some(60_000);
    c.agent_extension = Some("101".into());
    c.caller_number = Some("+15550109999".into());
    c
}

/// A world whose org A holds exactly `calls` in its reports' ranges, in zone `tz`.
async fn org_with(calls: &[Call], tz: Tz) -> World {
    let w = World::new().await;
    let admin = w.db.admin().await;
    zone(&w, tz).await;
    call_gen::upsert_calls(&admin, w.t.org_a, calls).await;
    w
}

async fn zone(w: &World, tz: Tz) {
    Settings {
        tz,
        ..Settings::new_york()
    }
    .store(&w.db.admin().await, w.t.org_a)
    .await;
}

/// The daily report of `start..=end`, checked against the naive figures in `tz`, as (day, total).
async fn days(w: &World, calls: &[Call], tz: Tz, start: &str, end: &str) -> Vec<(String, i64)> {
    let range = format!("startDate={start}&endDate={end}");
    let rows = report(w, w.t.manager_a, w.t.org_a, "daily", &range).await;
    let universe: Vec<&Call> = calls.iter().collect();
    let settings = Settings {
        tz,
        ..Settings::new_york()
    };
    let naive = Naive::new(
        &universe,
        &universe,
        &waits(&[]),
        settings,
        agent_names(calls),
    );
    assert_rows(&format!("daily in {tz}"), &rows, &naive.daily(start, end));
    let hourly = report(w, w.t.manager_a, w.t.org_a, "hourly", &range).await;
    assert_rows(
        &format!("hourly in {tz}"),
        &hourly,
        &naive.hourly(start, end),
    );
    rows.iter()
        .map(|r| {
            (
                r["day"].as_str().unwrap_or_default().to_owned(),
                r["total"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn expect_days(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect()
}

const NEW_YORK: Tz = chrono_tz::America::New_York;

/// Calls at local 00:30 and 23:30 around both switches, the repeated 01:30, and the last second
/// before the skipped hour with the first after it.
fn dst_calls() -> Vec<Call> {
    [
        ("fall-1030-2330-edt", "2026-10-31T03:30:00Z"),
        ("fall-1031-0030-edt", "2026-10-31T04:30:00Z"),
        ("fall-1031-2330-edt", "2026-11-01T03:30:00Z"),
        ("fall-1101-0030-edt", "2026-11-01T04:30:00Z"),
        ("fall-1101-0130-edt", "2026-11-01T05:30:00Z"),
        ("fall-1101-0130-est", "2026-11-01T06:30:00Z"),
        ("fall-1101-2330-est", "2026-11-02T04:30:00Z"),
        ("fall-1102-0030-est", "2026-11-02T05:30:00Z"),
        ("spring-0307-2330-est", "2026-03-08T04:30:00Z"),
        ("spring-0308-0030-est", "2026-03-08T05:30:00Z"),
        ("spring-0308-0159-est", "2026-03-08T06:59:59Z"),
        ("spring-0308-0300-edt", "2026-03-08T07:00:00Z"),
        ("spring-0308-2330-edt", "2026-03-09T03:30:00Z"),
        ("spring-0309-0030-edt", "2026-03-09T04:30:00Z"),
    ]
    .iter()
    .map(|(id, at)| call(id, at))
    .collect()
}

#[tokio::test]
async fn the_25_and_23_hour_days_hold_exactly_their_local_calls() {
    let calls = dst_calls();
    let w = org_with(&calls, NEW_YORK).await;
    assert_eq!(
        days(&w, &calls, NEW_YORK, "2026-10-30", "2026-11-03").await,
        expect_days(&[
            ("2026-10-30", 1),
            ("2026-10-31", 2),
            ("2026-11-01", 4),
            ("2026-11-02", 1),
            ("2026-11-03", 0),
        ])
    );
    assert_eq!(
        days(&w, &calls, NEW_YORK, "2026-03-07", "2026-03-09").await,
        expect_days(&[("2026-03-07", 1), ("2026-03-08", 4), ("2026-03-09", 1)])
    );
}

#[tokio::test]
async fn every_local_day_of_a_range_is_one_row() {
    let calls = dst_calls();
    let w = org_with(&calls, NEW_YORK).await;
    for (start, end, n) in [
        ("2026-10-01", "2026-11-30", 61),
        ("2026-03-01", "2026-03-31", 31),
    ] {
        let range = format!("startDate={start}&endDate={end}&limit=7");
        let rows = report(&w, w.t.agent_a, w.t.org_a, "daily", &range).await;
        let got: Vec<&str> = rows.iter().filter_map(|r| r["day"].as_str()).collect();
        let first: NaiveDate = start.parse().unwrap();
        let want: Vec<String> = (0..n)
            .map(|i| (first + TimeDelta::days(i)).to_string())
            .collect();
        assert_eq!(got, want);
        let path = format!(
            "/api/dashboard/metrics?orgId={}&startDate={start}&endDate={end}",
            w.t.org_a
        );
        let series = w.get(&path, w.t.agent_a).await.body["series"].clone();
        let got: Vec<&str> = series
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["day"].as_str())
            .collect();
        assert_eq!(got, want, "dashboard series");
    }
}

/// `type=calls` of `start..=end`: (external id, started_at as served).
async fn listed(w: &World, start: &str, end: &str) -> Vec<(String, String)> {
    let range = format!("startDate={start}&endDate={end}");
    let mut rows: Vec<(String, String)> = report(w, w.t.agent_a, w.t.org_a, "calls", &range)
        .await
        .iter()
        .map(|r| {
            let text = |f: &str| r[f].as_str().unwrap_or_default().to_owned();
            (text("external_id"), text("started_at"))
        })
        .collect();
    rows.sort();
    rows
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn call_times_carry_the_zone_offset_of_their_instant() {
    let calls = dst_calls();
    let w = org_with(&calls, NEW_YORK).await;
    assert_eq!(
        listed(&w, "2026-11-01", "2026-11-01").await,
        pairs(&[
            ("fall-1101-0030-edt", "2026-11-01T00:30:00-04:00"),
            ("fall-1101-0130-edt", "2026-11-01T01:30:00-04:00"),
            ("fall-1101-0130-est", "2026-11-01T01:30:00-05:00"),
            ("fall-1101-2330-est", "2026-11-01T23:30:00-05:00"),
        ])
    );
    assert_eq!(
        listed(&w, "2026-03-08", "2026-03-08").await,
        pairs(&[
            ("spring-0308-0030-est", "2026-03-08T00:30:00-05:00"),
            ("spring-0308-0159-est", "2026-03-08T01:59:59-05:00"),
            ("spring-0308-0300-edt", "2026-03-08T03:00:00-04:00"),
            ("spring-0308-2330-edt", "2026-03-08T23:30:00-04:00"),
        ])
    );
}

/// Calls on both sides of midnight in Kolkata (+05:30, 18:30Z) and Kathmandu (+05:45, 18:15Z).
fn odd_offset_calls() -> Vec<Call> {
    [
        ("a-1814", "2026-06-14T18:14:59Z"),
        ("b-1815", "2026-06-14T18:15:00Z"),
        ("c-1829", "2026-06-14T18:29:59Z"),
        ("d-1830", "2026-06-14T18:30:00Z"),
    ]
    .iter()
    .map(|(id, at)| call(id, at))
    .collect()
}

#[tokio::test]
async fn half_and_three_quarter_hour_zones_split_days_at_their_own_midnight() {
    let calls = odd_offset_calls();
    let kolkata = chrono_tz::Asia::Kolkata;
    let kathmandu = chrono_tz::Asia::Kathmandu;
    let w = org_with(&calls, kolkata).await;
    assert_eq!(
        days(&w, &calls, kolkata, "2026-06-14", "2026-06-15").await,
        expect_days(&[("2026-06-14", 3), ("2026-06-15", 1)])
    );
    assert_eq!(
        listed(&w, "2026-06-15", "2026-06-15").await,
        pairs(&[("d-1830", "2026-06-15T00:00:00+05:30")])
    );
    zone(&w, kathmandu).await;
    assert_eq!(
        days(&w, &calls, kathmandu, "2026-06-14", "2026-06-15").await,
        expect_days(&[("2026-06-14", 1), ("2026-06-15", 3)])
    );
    assert_eq!(
        listed(&w, "2026-06-14", "2026-06-14").await,
        pairs(&[("a-1814", "2026-06-14T23:59:59+05:45")])
    );
}

#[tokio::test]
async fn a_new_time_zone_moves_calls_to_their_new_local_days_at_once() {
    let calls: Vec<Call> = [
        ("ny-1400", "2026-11-01T19:00:00Z"),
        ("ny-1800", "2026-11-01T23:00:00Z"),
        ("ny-2200", "2026-11-02T03:00:00Z"),
    ]
    .iter()
    .map(|(id, at)| call(id, at))
    .collect();
    let w = org_with(&calls, NEW_YORK).await;
    for (tz, on_first, on_second) in [
        (NEW_YORK, 3, 0),
        (chrono_tz::UTC, 2, 1),
        (chrono_tz::Asia::Kolkata, 0, 3),
        (NEW_YORK, 3, 0),
    ] {
        zone(&w, tz).await;
        assert_eq!(
            days(&w, &calls, tz, "2026-11-01", "2026-11-02").await,
            expect_days(&[("2026-11-01", on_first), ("2026-11-02", on_second)]),
            "{tz}"
        );
        let path = format!(
            "/api/dashboard/metrics?orgId={}&startDate=2026-11-01&endDate=2026-11-02",
            w.t.org_a
        );
        let body = w.get(&path, w.t.agent_a).await.body;
        assert_eq!(body["time_zone"], tz.name());
        assert_eq!(body["series"][0]["total"], on_first, "{tz}");
        assert_eq!(body["series"][1]["total"], on_second, "{tz}");
    }
}

#[tokio::test]
async fn the_default_range_is_the_30_local_days_up_to_the_orgs_local_today() {
    let w = World::new().await;
    // The fixtures' call, stored at the seeding instant.
    let seeded: chrono::DateTime<Utc> =
        w.db.admin()
            .await
            .query_one(
                "select started_at from calls where org_id = $1",
                &[&w.t.org_a],
            )
            .await
            .unwrap()
            .get(0);
    // At any instant one of these is not on the UTC date.
    let zones = [
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Pacific::Pago_Pago,
        chrono_tz::UTC,
    ];
    let today = |tz: Tz| Utc::now().with_timezone(&tz).date_naive();
    assert!(zones.iter().any(|tz| today(*tz) != today(chrono_tz::UTC)));
    for tz in zones {
        zone(&w, tz).await;
        let before = today(tz);
        let rows = report(&w, w.t.agent_a, w.t.org_a, "daily", "limit=9").await;
        let path = format!("/api/dashboard/metrics?orgId={}", w.t.org_a);
        let body = w.get(&path, w.t.agent_a).await.body;
        let after = today(tz);
        let last = rows
            .last()
            .and_then(|r| r["day"].as_str())
            .unwrap_or_default();
        assert!(
            [before.to_string(), after.to_string()].contains(&last.to_owned()),
            "{tz}: last day {last}, local today {before}"
        );
        assert_eq!(rows.len(), 30, "{tz}");
        let end: NaiveDate = body["end_date"].as_str().unwrap().parse().unwrap();
        assert!(end == before || end == after, "{tz}: {end}");
        assert_eq!(body["start_date"], (end - TimeDelta::days(29)).to_string());
        let day = seeded.with_timezone(&tz).date_naive().to_string();
        let totals: Vec<(Value, Value)> = rows
            .iter()
            .filter(|r| r["total"] != 0)
            .map(|r| (r["day"].clone(), r["total"].clone()))
            .collect();
        assert_eq!(totals, vec![(Value::from(day), Value::from(1))], "{tz}");
    }
}
