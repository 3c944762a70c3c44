//! The KPIs of issue 11 (`notes/kpis.md`): every field of every row of the grouped reports and the
//! dashboard equals the naive computation of `call_gen` over 1,000+ seeded calls around New York's
//! DST changes, with the default and changed thresholds, filters and search, webhooks before and
//! after their calls, and re-synced calls.

use axum::http::Method;
use integration_tests::World;
use integration_tests::call_gen::{
    self, Call, Event, FALL, Generated, Naive, SPRING, Settings, Waits, agent_names, assert_rows,
    differences, utc, waits,
};
use serde_json::Value;
use uuid::Uuid;

use crate::reports::all_pages;
use crate::support::DataCalls;

/// Both spans and everything between them (under the 366-day limit).
pub const WHOLE: (&str, &str) = ("2026-03-01", "2026-11-10");
pub const RANGES: [(&str, &str); 3] = [FALL, SPRING, WHOLE];

/// Org A with the generated calls under New York's terms; org B with other timelines under the
/// same call ids (they must not reach A's waits) and UTC.
pub async fn seeded() -> (World, Generated) {
    let w = World::new().await;
    let admin = w.db.admin().await;
    Settings::new_york().store(&admin, w.t.org_a).await;
    let g = call_gen::generate(11);
    call_gen::insert(&admin, w.t.org_a, &g).await;
    call_gen::insert(&admin, w.t.org_b, &call_gen::generate(12)).await;
    (w, g)
}

/// The naive figures of the calls `keep` leaves (any date), linked to any of the org's calls,
/// with the org's webhooks and names.
pub fn naive<'a>(
    calls: &'a [Call],
    events: &[Event],
    settings: Settings,
    keep: impl Fn(&Call) -> bool,
) -> Naive<'a> {
    let members: Vec<&Call> = calls.iter().filter(|c| keep(c)).collect();
    let all: Vec<&Call> = calls.iter().collect();
    Naive::new(&members, &all, &waits(events), settings, agent_names(calls))
}

/// Every grouped report (with `query` appended) and, without a query, the dashboard, for each of
/// [`RANGES`], as `user`; returns every difference from `naive`.
pub async fn compare(
    w: &World,
    org: Uuid,
    user: Uuid,
    query: &str,
    naive: &Naive<'_>,
    settings: Settings,
) -> Vec<String> {
    let mut diffs = Vec::new();
    for (start, end) in RANGES {
        let range = format!("orgId={org}&startDate={start}&endDate={end}");
        for kind in ["daily", "agents", "numbers", "hourly"] {
            let path = format!("/api/mightycall/reports?type={kind}&{range}&limit=500{query}");
            let rows = all_pages(w, &path, "reports", user).await;
            let expected = match kind {
                "daily" => naive.daily(start, end),
                "agents" => naive.agents(start, end),
                "numbers" => naive.numbers(start, end),
                _ => naive.hourly(start, end),
            };
            diffs.extend(differences(
                &format!("{kind} {start}..{end}{query}"),
                &rows,
                &expected,
            ));
        }
        if query.is_empty() {
            diffs.extend(dashboard(w, org, user, (start, end), naive, settings).await);
        }
    }
    diffs
}

async fn dashboard(
    w: &World,
    org: Uuid,
    user: Uuid,
    (start, end): (&str, &str),
    naive: &Naive<'_>,
    settings: Settings,
) -> Vec<String> {
    let path = format!("/api/dashboard/metrics?orgId={org}&startDate={start}&endDate={end}");
    let reply = w.get(&path, user).await;
    assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    let body = &reply.body;
    let mut diffs = Vec::new();
    for (field, want) in [
        ("org_id", org.to_string()),
        ("time_zone", settings.tz.name().to_owned()),
        ("start_date", start.to_owned()),
        ("end_date", end.to_owned()),
    ] {
        if body[field] != want.as_str() {
            diffs.push(format!(
                "dashboard {field}: expected {want}, got {}",
                body[field]
            ));
        }
    }
    let what = format!("dashboard {start}..{end}");
    diffs.extend(differences(
        &format!("{what} totals"),
        std::slice::from_ref(&body["totals"]),
        &[naive.totals(start, end)],
    ));
    let series = body["series"].as_array().cloned().unwrap_or_default();
    diffs.extend(differences(
        &format!("{what} series"),
        &series,
        &naive.daily(start, end),
    ));
    diffs
}

pub fn assert_none(diffs: &[String]) {
    assert!(
        diffs.is_empty(),
        "{} differences from the naive figures:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[tokio::test]
async fn every_report_and_the_dashboard_equal_the_naive_kpis() {
    let (w, g) = seeded().await;
    let s = Settings::new_york();
    let events = g.events();
    let n = naive(&g.calls, &events, s, |_| true);
    assert!(g.calls.len() >= 1_000, "{} calls", g.calls.len());
    // The data holds what the figures are about, or this test proves little.
    let all = n.totals(WHOLE.0, WHOLE.1);
    for field in [
        "abandoned",
        "short_abandoned",
        "measured_calls",
        "repeat_callers",
        "callbacks",
        "voicemail",
    ] {
        assert!(all[field].as_i64().unwrap() > 0, "{field}: {all}");
    }
    let p90 = all["callback_p90_ms"].as_i64().unwrap();
    assert!(p90 > 3_600_000, "callbacks after hours and days: {all}");
    assert_none(&compare(&w, w.t.org_a, w.t.manager_a, "", &n, s).await);
}

#[tokio::test]
async fn changed_thresholds_change_every_figure_as_the_naive_kpis_say() {
    let (w, g) = seeded().await;
    let events = g.events();
    let before = naive(&g.calls, &events, Settings::new_york(), |_| true);
    let s = Settings {
        sla_target_seconds: 30,
        short_abandon_seconds: 10,
        sla_target_percent: 90,
        ..Settings::new_york()
    };
    let after = naive(&g.calls, &events, s, |_| true);
    // The new thresholds must matter for this data, SLA verdicts included.
    let (old, new) = (before.totals(FALL.0, FALL.1), after.totals(FALL.0, FALL.1));
    for field in ["short_abandoned", "abandoned", "service_level"] {
        assert_ne!(old[field], new[field], "{field}");
    }
    let verdicts = |n: &Naive| -> Vec<Value> {
        n.hourly(FALL.0, FALL.1)
            .iter()
            .map(|r| r["sla_met"].clone())
            .collect()
    };
    assert_ne!(verdicts(&before), verdicts(&after));
    s.store(&w.db.admin().await, w.t.org_a).await;
    assert_none(&compare(&w, w.t.org_a, w.t.agent_a, "", &after, s).await);
}

#[tokio::test]
async fn terms_changed_by_an_org_admin_through_the_settings_api_apply_at_once() {
    // Synced while the org was on UTC and the default thresholds; then its admin (under RLS)
    // moves it to New York with other thresholds in one request.
    let w = World::new().await;
    let g = call_gen::generate(11);
    call_gen::insert(&w.db.admin().await, w.t.org_a, &g).await;
    let s = Settings {
        sla_target_seconds: 30,
        short_abandon_seconds: 10,
        sla_target_percent: 90,
        ..Settings::new_york()
    };
    let body = serde_json::json!({
        "time_zone": s.tz.name(),
        "sla_target_seconds": s.sla_target_seconds,
        "short_abandon_seconds": s.short_abandon_seconds,
        "sla_target_percent": s.sla_target_percent,
    });
    let path = format!("/api/orgs/{}/settings", w.t.org_a);
    let reply = w
        .call(&w.user(), Method::PATCH, &path, w.t.admin_a, Some(body))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let events = g.events();
    let n = naive(&g.calls, &events, s, |_| true);
    assert_none(&compare(&w, w.t.org_a, w.t.agent_a, "", &n, s).await);
}

#[tokio::test]
async fn filters_and_search_give_the_naive_kpis_of_their_subset() {
    let (w, g) = seeded().await;
    let s = Settings::new_york();
    let events = g.events();
    type Keep = fn(&Call) -> bool;
    let cases: [(&str, Keep); 6] = [
        ("&direction=incoming", |c| c.direction == "incoming"),
        // No repeat callers or callbacks: those are inbound facts.
        ("&direction=outgoing", |c| c.direction == "outgoing"),
        ("&status=missed", |c| c.status == Some("missed")),
        ("&direction=incoming&status=connected", |c| {
            c.direction == "incoming" && c.status == Some("connected")
        }),
        // Agent and caller names.
        ("&q=ANN", |c| c.matches("ann")),
        // A business number (also the caller number of outbound calls).
        ("&q=%2B1312", |c| c.matches("+1312")),
    ];
    let mut diffs = Vec::new();
    for (query, keep) in cases {
        let n = naive(&g.calls, &events, s, keep);
        diffs.extend(compare(&w, w.t.org_a, w.t.manager_a, query, &n, s).await);
    }
    // One agent's calls, one business number's calls (exact, unlike the search).
    let agent = g
        .calls
        .iter()
        .find_map(|c| c.agent_extension.clone())
        .unwrap();
    let n = naive(&g.calls, &events, s, |c| {
        c.agent_extension.as_deref() == Some(agent.as_str())
    });
    let own = g
        .calls
        .iter()
        .filter(|c| c.agent_extension.as_deref() == Some(agent.as_str()));
    assert!((1..g.calls.len()).contains(&own.count()), "a proper subset");
    let query = format!("&agent={agent}");
    diffs.extend(compare(&w, w.t.org_a, w.t.manager_a, &query, &n, s).await);
    let number = g
        .calls
        .iter()
        .find_map(|c| c.business_number.clone())
        .unwrap();
    let n = naive(&g.calls, &events, s, |c| {
        c.business_number.as_deref() == Some(number.as_str())
    });
    let query = format!("&number={}", number.replace('+', "%2B"));
    diffs.extend(compare(&w, w.t.org_a, w.t.manager_a, &query, &n, s).await);
    assert_none(&diffs);
}

#[tokio::test]
async fn small_pages_walk_every_report_without_gaps_or_repeats() {
    let (w, g) = seeded().await;
    let s = Settings::new_york();
    let events = g.events();
    let keep: fn(&Call) -> bool = |c| c.direction == "incoming";
    let n = naive(&g.calls, &events, s, keep);
    let (start, end) = FALL;
    let query = format!("startDate={start}&endDate={end}&direction=incoming");
    let mut diffs = Vec::new();
    for (kind, limit, expected) in [
        ("daily", 3, n.daily(start, end)),
        ("agents", 2, n.agents(start, end)),
        ("numbers", 1, n.numbers(start, end)),
        ("hourly", 5, n.hourly(start, end)),
    ] {
        let rows = report(
            &w,
            w.t.agent_a,
            w.t.org_a,
            kind,
            &format!("{query}&limit={limit}"),
        )
        .await;
        diffs.extend(differences(&format!("{kind} by {limit}"), &rows, &expected));
    }
    assert_none(&diffs);
}

/// Each call's stored waits, read past RLS.
async fn stored_waits(w: &World, org: Uuid) -> Vec<(String, Waits)> {
    w.db.admin()
        .await
        .query(
            "select external_id, wait_to_answer_ms::bigint, wait_to_end_ms::bigint from calls
             where org_id = $1 order by external_id",
            &[&org],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let waits = Waits {
                to_answer_ms: r.get(1),
                to_end_ms: r.get(2),
            };
            (r.get(0), waits)
        })
        .collect()
}

#[tokio::test]
async fn webhooks_before_and_after_their_call_both_set_its_waits() {
    let (w, g) = seeded().await;
    let expected = waits(&g.events());
    let stored = stored_waits(&w, w.t.org_a).await;
    let wrong: Vec<String> = stored
        .iter()
        .filter(|(id, _)| id.starts_with("call-"))
        .filter_map(|(id, got)| {
            let want = expected.get(id).copied().unwrap_or_default();
            (*got != want).then(|| format!("{id}: expected {want:?}, got {got:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} calls:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let known = stored.iter().filter(|(_, w)| w.to_end_ms.is_some()).count();
    assert!(known > 500, "{known} calls with a known wait");

    // One call step by step: answered before it is synced, completed after, then a late copy
    // of an earlier offer moves both waits.
    let admin = w.db.admin().await;
    let org = w.t.org_a;
    let event = |guid: &str, event_type, at: &str| Event {
        guid: guid.into(),
        event_type,
        call_id: "step-1".into(),
        occurred_at: Some(utc(at)),
    };
    call_gen::insert_events(
        &admin,
        org,
        &[
            event("s1", "IncomingCall", "2026-11-03T15:00:02Z"),
            event("s2", "IncomingCallConnected", "2026-11-03T15:00:14.500Z"),
        ],
    )
    .await;
    let mut call = Call::new("step-1", utc("2026-11-03T15:00:00Z"), "incoming");
    call.status = Some("connected");
    call.duration_ms = Some(60_000);
    call_gen::upsert_calls(&admin, org, std::slice::from_ref(&call)).await;
    let step = |to_answer_ms, to_end_ms| Waits {
        to_answer_ms,
        to_end_ms,
    };
    let waits_of = async |id: &str| {
        stored_waits(&w, org)
            .await
            .into_iter()
            .find(|(i, _)| i == id)
            .map(|(_, w)| w)
            .unwrap()
    };
    assert_eq!(waits_of("step-1").await, step(Some(12_500), None));
    call_gen::insert_events(
        &admin,
        org,
        &[event(
            "s3",
            "IncomingCallCompleted",
            "2026-11-03T15:01:14.500Z",
        )],
    )
    .await;
    assert_eq!(waits_of("step-1").await, step(Some(12_500), Some(72_500)));
    call_gen::insert_events(
        &admin,
        org,
        &[event("s4", "IncomingCall", "2026-11-03T15:00:01Z")],
    )
    .await;
    assert_eq!(waits_of("step-1").await, step(Some(13_500), Some(73_500)));
    // Re-syncing the call keeps them.
    call.duration_ms = Some(61_000);
    call_gen::upsert_calls(&admin, org, std::slice::from_ref(&call)).await;
    assert_eq!(waits_of("step-1").await, step(Some(13_500), Some(73_500)));

    // The figures follow: the new call counts, with its wait, in its local day.
    let mut calls = g.calls.clone();
    calls.push(call);
    let mut events = g.events();
    events.extend([
        event("s1", "IncomingCall", "2026-11-03T15:00:02Z"),
        event("s2", "IncomingCallConnected", "2026-11-03T15:00:14.500Z"),
        event("s3", "IncomingCallCompleted", "2026-11-03T15:01:14.500Z"),
        event("s4", "IncomingCall", "2026-11-03T15:00:01Z"),
    ]);
    let s = Settings::new_york();
    let n = naive(&calls, &events, s, |_| true);
    assert_none(&compare(&w, org, w.t.manager_a, "", &n, s).await);
}

#[tokio::test]
async fn resynced_calls_keep_every_figure_exact() {
    let (w, g) = seeded().await;
    let admin = w.db.admin().await;
    let mut calls = g.calls.clone();
    // Calls in progress finish, some change outcome, agent or day; every call of the batch that
    // names agent 101 gives the new name (one name per agent in a batch: the contract orders
    // batches, not the rows of one).
    let mut changed: Vec<Call> = Vec::new();
    for (i, c) in calls.iter_mut().enumerate() {
        let before = c.clone();
        if c.status.is_none() {
            c.status = Some("connected");
            c.duration_ms = Some(30_000 + i as i64);
        } else if i % 17 == 0 {
            c.status = Some("dropped");
        } else if i % 23 == 0 {
            // Another agent's call now, with that agent's name.
            c.agent_extension = Some("102".into());
            if c.direction == "outgoing" {
                c.caller_extension = Some("102".into());
            }
            rename(c, "Bob Jones");
        } else if i % 29 == 0 {
            c.started_at += chrono::TimeDelta::hours(5);
        }
        if names_agent(c, "101") && (i % 5 == 0 || *c != before) {
            rename(c, "Ann Smith-Jones");
        }
        if *c != before {
            changed.push(c.clone());
        }
    }
    assert!(changed.len() > 50, "{} changed", changed.len());
    call_gen::upsert_calls(&admin, w.t.org_a, &changed).await;
    // The same batch again changes nothing.
    call_gen::upsert_calls(&admin, w.t.org_a, &changed).await;
    let s = Settings::new_york();
    let events = g.events();
    let universe: Vec<&Call> = calls.iter().collect();
    let mut names = agent_names(&calls);
    names.insert("101".into(), "Ann Smith-Jones".into());
    let n = Naive::new(&universe, &universe, &waits(&events), s, names);
    assert_none(&compare(&w, w.t.org_a, w.t.manager_a, "", &n, s).await);
}

#[tokio::test]
async fn a_resync_that_moves_calls_relinks_repeats_and_callbacks() {
    let w = World::new().await;
    let admin = w.db.admin().await;
    let s = Settings::new_york();
    s.store(&admin, w.t.org_a).await;
    let at = |id: &str, when: &str, direction, number: &str| {
        let mut c = Call::new(id, utc(when), direction);
        c.status = Some(if direction == "incoming" && id.starts_with('m') {
            "missed"
        } else {
            "connected"
        });
        c.duration_ms = Some(60_000);
        if direction == "incoming" {
            c.caller_number = Some(number.into());
        } else {
            c.called_number = Some(number.into());
        }
        c
    };
    let mut calls = vec![
        // Called back after 30 minutes; then the callback moves 8 days on.
        at("m-1", "2026-11-03T15:00:00Z", "incoming", "+15550400001"),
        at("cb-1", "2026-11-03T15:30:00Z", "outgoing", "+15550400001"),
        // Called again after an hour; then the second call moves 2 days on.
        at("r-1", "2026-11-03T16:00:00Z", "incoming", "+15550400002"),
        at("r-2", "2026-11-03T17:00:00Z", "incoming", "+15550400002"),
        // Called back after 9 days (no callback); then the callback moves to 10 minutes after.
        at("m-2", "2026-11-03T18:00:00Z", "incoming", "+15550400003"),
        at("cb-2", "2026-11-12T18:00:00Z", "outgoing", "+15550400003"),
    ];
    call_gen::upsert_calls(&admin, w.t.org_a, &calls).await;
    let range = "startDate=2026-11-01&endDate=2026-11-14";
    let check = async |calls: &[Call], when: &str| {
        let rows = report(&w, w.t.manager_a, w.t.org_a, "daily", range).await;
        let n = naive(calls, &[], s, |_| true);
        assert_rows(when, &rows, &n.daily("2026-11-01", "2026-11-14"));
    };
    check(&calls, "as first synced").await;
    calls[1].started_at = utc("2026-11-11T15:30:00Z");
    calls[3].started_at = utc("2026-11-05T17:00:00Z");
    calls[5].started_at = utc("2026-11-03T18:10:00Z");
    call_gen::upsert_calls(&admin, w.t.org_a, &calls).await;
    check(&calls, "after the re-sync moved them").await;
}

/// Whether the call carries a name for agent `ext` (inbound: the called name, outbound: the caller
/// name), which the agents' names are taken from.
fn names_agent(c: &Call, ext: &str) -> bool {
    match c.direction {
        "incoming" => c.agent_extension.as_deref() == Some(ext) && c.called_name.is_some(),
        "outgoing" => c.caller_extension.as_deref() == Some(ext) && c.caller_name.is_some(),
        _ => false,
    }
}

/// Changes the agent name the call carries, if it carries one.
fn rename(c: &mut Call, name: &str) {
    let slot = match c.direction {
        "incoming" => &mut c.called_name,
        "outgoing" => &mut c.caller_name,
        _ => return,
    };
    if slot.is_some() {
        *slot = Some(name.to_owned());
    }
}

/// Every page of a report (`query`: its other parameters), for tests comparing it by hand.
pub async fn report(w: &World, user: Uuid, org: Uuid, kind: &str, query: &str) -> Vec<Value> {
    let path = format!("/api/mightycall/reports?type={kind}&orgId={org}&{query}");
    all_pages(w, &path, "reports", user).await
}

#[tokio::test]
async fn agents_carry_the_latest_name_their_calls_gave() {
    let (w, g) = seeded().await;
    let range = format!("startDate={}&endDate={}", FALL.0, FALL.1);
    let names = async || -> Vec<(Value, Value)> {
        report(&w, w.t.manager_a, w.t.org_a, "agents", &range)
            .await
            .iter()
            .map(|r| (r["agent_extension"].clone(), r["agent_name"].clone()))
            .collect()
    };
    let mut expected = vec![
        (Value::Null, Value::Null),
        ("101".into(), "Ann Smith".into()),
        ("102".into(), "Bob Jones".into()),
        ("103".into(), "Chen Li".into()),
        ("104".into(), Value::Null),
    ];
    assert_eq!(names().await, expected);
    // A later batch: an outgoing call names 102 anew, an incoming one without a name keeps 103's.
    let at = utc("2026-11-04T15:00:00Z");
    let mut renamed = Call::new("rename-1", at, "outgoing");
    renamed.agent_extension = Some("102".into());
    renamed.caller_extension = Some("102".into());
    renamed.caller_name = Some("Robert Jones".into());
    let mut unnamed = Call::new("rename-2", at, "incoming");
    unnamed.agent_extension = Some("103".into());
    call_gen::upsert_calls(&w.db.admin().await, w.t.org_a, &[renamed, unnamed]).await;
    expected[2].1 = "Robert Jones".into();
    assert_eq!(names().await, expected);
    assert_eq!(
        agent_names(&g.calls).get("102").map(String::as_str),
        Some("Bob Jones"),
        "the naive names agree on the first batch"
    );
}

/// Agent `ext`'s name in the agents report over [`WHOLE`].
async fn agent_name(w: &World, ext: &str) -> Value {
    let range = format!("startDate={}&endDate={}", WHOLE.0, WHOLE.1);
    report(w, w.t.manager_a, w.t.org_a, "agents", &range)
        .await
        .into_iter()
        .find(|r| r["agent_extension"] == ext)
        .map(|r| r["agent_name"].clone())
        .unwrap_or_default()
}

/// Names agent `ext` anew through a synced batch of one outgoing call.
async fn rename_agent(w: &World, ext: &str, name: &str) {
    let mut call = Call::new(
        &format!("rename-{ext}"),
        utc("2026-11-04T15:00:00Z"),
        "outgoing",
    );
    call.agent_extension = Some(ext.into());
    call.caller_extension = Some(ext.into());
    call.caller_name = Some(name.into());
    call_gen::upsert_calls(&w.db.admin().await, w.t.org_a, &[call]).await;
    assert_eq!(agent_name(w, ext).await, name);
}

/// An earlier inbound call that named agent `ext` (with a caller, and a known offer time).
fn older_named<'a>(g: &'a Generated, ext: &str) -> &'a Call {
    let known = waits(&g.events());
    g.calls
        .iter()
        .find(|c| {
            c.direction == "incoming"
                && c.agent_extension.as_deref() == Some(ext)
                && c.called_name.is_some()
                && c.caller_number.is_some()
                && known
                    .get(&c.external_id)
                    .is_some_and(|w| w.to_end_ms.is_some())
        })
        .unwrap()
}

#[tokio::test]
async fn a_late_webhook_of_an_older_call_does_not_rename_its_agent() {
    // The webhook updates the older call's wait: that is no synced batch naming the agent.
    let (w, g) = seeded().await;
    rename_agent(&w, "102", "Robert Jones").await;
    let older = older_named(&g, "102");
    let late = Event {
        guid: "late-1".into(),
        event_type: "IncomingCallCompleted",
        call_id: older.external_id.clone(),
        occurred_at: Some(older.started_at + chrono::TimeDelta::hours(2)),
    };
    call_gen::insert_events(&w.db.admin().await, w.t.org_a, &[late]).await;
    assert_eq!(agent_name(&w, "102").await, "Robert Jones");
}

#[tokio::test]
async fn a_repeat_call_linking_an_older_call_does_not_rename_its_agent() {
    // The new call (no agent) makes the older one a repeat: that is no synced batch naming its agent.
    let (w, g) = seeded().await;
    rename_agent(&w, "101", "Ann Smith-Jones").await;
    let older = older_named(&g, "101");
    let mut again = Call::new(
        "repeat-1",
        older.started_at + chrono::TimeDelta::seconds(1),
        "incoming",
    );
    again.caller_number = older.caller_number.clone();
    call_gen::upsert_calls(&w.db.admin().await, w.t.org_a, &[again]).await;
    assert_eq!(agent_name(&w, "101").await, "Ann Smith-Jones");
}
