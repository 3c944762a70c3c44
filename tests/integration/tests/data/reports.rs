//! Report figures equal a naive GROUP BY over `calls`, with and without filters and search, across
//! pages; the dashboard's totals equal the sum of its days.

use serde_json::{Value, json};

use integration_tests::World;

use crate::support::{DataCalls, RANGE, naive_stats, world};

/// Walks every page of `path` (which must not end in a cursor) and returns all rows.
pub async fn all_pages(w: &World, path: &str, key: &str, as_user: uuid::Uuid) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let reply = w.get(&url, as_user).await;
        assert_eq!(reply.status, 200, "{url}: {:?}", reply.body);
        rows.extend(reply.body[key].as_array().unwrap().iter().cloned());
        match reply.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return rows,
        }
    }
    panic!("pagination did not end");
}

/// The API's grouped rows reduced to the naive query's shape (derived fields checked on the way).
fn figures(rows: &[Value], key: &str) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            let (total, answered, talk) = (
                r["total"].as_i64().unwrap(),
                r["answered"].as_i64().unwrap(),
                r["talk_time_ms"].as_i64().unwrap(),
            );
            if total == 0 {
                assert!(r["answer_rate"].is_null(), "{r}");
            } else {
                let rate = r["answer_rate"].as_f64().unwrap();
                assert!((rate - answered as f64 / total as f64).abs() < 1e-9, "{r}");
            }
            if answered == 0 {
                assert!(r["avg_talk_time_ms"].is_null(), "{r}");
            } else {
                let avg = r["avg_talk_time_ms"].as_i64().unwrap();
                assert!(
                    (avg as f64 - talk as f64 / answered as f64).abs() <= 0.5,
                    "{r}"
                );
            }
            json!({
                "key": if r[key].is_null() { json!("") } else { r[key].clone() },
                "total": total, "answered": answered,
                "missed": r["missed"], "voicemail": r["voicemail"], "talk_time_ms": talk,
            })
        })
        .collect()
}

#[tokio::test]
async fn grouped_reports_equal_a_naive_group_by_with_every_filter() {
    let w = world().await;
    let org = w.t.org_a;
    let filters = [
        ("", ""),
        ("&direction=incoming", "and direction = 'incoming'"),
        ("&status=missed", "and status = 'missed'"),
        (
            "&direction=outgoing&status=connected",
            "and direction = 'outgoing' and status = 'connected'",
        ),
        // Search falls back from the rollups to calls; `_` is taken literally.
        ("&q=caller%201", "and caller_name ilike '%caller 1%'"),
        ("&q=_", "and false"),
    ];
    for (kind, column, key) in [
        ("agents", "coalesce(agent_extension, '')", "agent_extension"),
        (
            "numbers",
            "coalesce(business_number, '')",
            "business_number",
        ),
    ] {
        for (query, sql) in filters {
            let path =
                format!("/api/mightycall/reports?type={kind}&orgId={org}&{RANGE}&limit=2{query}");
            let rows = all_pages(&w, &path, "reports", w.t.agent_a).await;
            let expected = w.expect(&naive_stats(column, sql), org).await;
            assert_eq!(figures(&rows, key), expected, "{kind} {query}");
        }
    }
    let expected_all = w
        .expect(&naive_stats("coalesce(agent_extension, '')", ""), org)
        .await;
    assert_eq!(
        expected_all.len(),
        5,
        "four agents and the calls without one"
    );
}

#[tokio::test]
async fn daily_has_every_utc_day_and_equals_a_naive_group_by() {
    let w = world().await;
    let org = w.t.org_a;
    for (query, sql) in [
        ("", ""),
        (
            "&direction=incoming&status=voicemail",
            "and direction = 'incoming' and status = 'voicemail'",
        ),
        ("&q=%2B1555", "and caller_number like '+1555%'"),
    ] {
        let path = format!("/api/mightycall/reports?type=daily&orgId={org}&{RANGE}&limit=9{query}");
        let rows = all_pages(&w, &path, "reports", w.t.manager_a).await;
        assert_eq!(
            rows.len(),
            31,
            "every day of January, days without calls too"
        );
        let naive = w
            .expect(
                &naive_stats("to_char(started_at at time zone 'UTC', 'YYYY-MM-DD')", sql),
                org,
            )
            .await;
        // Days without calls are zero rows.
        let expected: Vec<Value> = (1..=31)
            .map(|d| {
                let day = format!("2026-01-{d:02}");
                naive.iter().find(|n| n["key"] == day.as_str()).cloned().unwrap_or_else(|| {
                    json!({"key": day, "total": 0, "answered": 0, "missed": 0, "voicemail": 0, "talk_time_ms": 0})
                })
            })
            .collect();
        assert_eq!(figures(&rows, "day"), expected, "{query}");
    }
}

#[tokio::test]
async fn the_call_list_pages_newest_first_without_gaps_or_repeats() {
    let w = world().await;
    let org = w.t.org_a;
    let path =
        format!("/api/mightycall/reports?type=calls&orgId={org}&{RANGE}&limit=7&status=connected");
    let rows = all_pages(&w, &path, "reports", w.t.agent_a).await;
    let ids: Vec<Value> = rows.iter().map(|r| r["external_id"].clone()).collect();
    let expected: Vec<Value> = w
        .expect(
            "select external_id from calls where org_id = $1 and status = 'connected'
               and started_at >= '2026-01-01Z' and started_at < '2026-02-01Z'
             order by started_at desc, id desc",
            org,
        )
        .await
        .into_iter()
        .map(|r| r["external_id"].clone())
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(ids.len(), 50);
    let first = &rows[0];
    assert_eq!(first["external_id"], "A-call-300");
    assert_eq!(first["started_at"], "2026-01-30T19:35:00Z");
    assert_eq!(first["duration_ms"], 300_017);
    assert_eq!(first["direction"], "incoming");
    assert_eq!(first["caller_name"], "A Caller 300");

    // Search matches names and numbers case-insensitively; the default type is calls.
    let reply = w
        .get(
            &format!("/api/mightycall/reports?orgId={org}&{RANGE}&q=a%20CALLER%2029"),
            w.t.agent_a,
        )
        .await;
    let found: Vec<&str> = reply.body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 11, "29 and 290..=299: {found:?}");
}

#[tokio::test]
async fn dashboard_totals_are_the_sum_of_its_days() {
    let w = world().await;
    let org = w.t.org_a;
    let reply = w
        .get(
            &format!("/api/dashboard/metrics?orgId={org}&{RANGE}"),
            w.t.agent_a,
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let body = &reply.body;
    assert_eq!(body["start_date"], "2026-01-01");
    assert_eq!(body["end_date"], "2026-01-31");
    assert_eq!(body["series"].as_array().unwrap().len(), 31);
    let naive = w.expect(&naive_stats("1", ""), org).await;
    let totals = &body["totals"];
    let reduced = figures(std::slice::from_ref(totals), "none");
    assert_eq!(reduced[0]["total"], naive[0]["total"]);
    assert_eq!(reduced[0]["answered"], naive[0]["answered"]);
    assert_eq!(reduced[0]["missed"], naive[0]["missed"]);
    assert_eq!(reduced[0]["voicemail"], naive[0]["voicemail"]);
    assert_eq!(reduced[0]["talk_time_ms"], naive[0]["talk_time_ms"]);
    assert_eq!(totals["total"], 300);

    // An empty range: zeros, and no rate rather than 0 %.
    let reply = w
        .get(
            &format!("/api/dashboard/metrics?orgId={org}&startDate=2025-06-01&endDate=2025-06-02"),
            w.t.agent_a,
        )
        .await;
    assert_eq!(reply.body["totals"]["total"], 0);
    assert!(reply.body["totals"]["answer_rate"].is_null());
    assert_eq!(reply.body["series"][1]["day"], "2025-06-02");
}

#[tokio::test]
async fn org_id_may_be_omitted_by_a_member_of_exactly_one_org() {
    let w = world().await;
    let implicit = w
        .get(
            &format!("/api/mightycall/reports?type=agents&{RANGE}"),
            w.t.agent_a,
        )
        .await;
    let explicit = w
        .get(
            &format!(
                "/api/mightycall/reports?type=agents&{RANGE}&orgId={}",
                w.t.org_a
            ),
            w.t.agent_a,
        )
        .await;
    assert_eq!(implicit.status, 200, "{:?}", implicit.body);
    assert_eq!(implicit.body, explicit.body);
    for user in [w.t.platform_admin, w.t.outsider] {
        let reply = w.get("/api/dashboard/metrics", user).await;
        assert_eq!(reply.status, 400, "{:?}", reply.body);
        assert_eq!(reply.body["error"], "org_required");
    }
    // A second membership makes the org ambiguous.
    w.db.admin()
        .await
        .execute(
            "insert into org_users (org_id, user_id, role) values ($1, $2, 'agent')",
            &[&w.t.org_b, &w.t.agent_a],
        )
        .await
        .unwrap();
    let reply = w.get("/api/mightycall/phone-numbers", w.t.agent_a).await;
    assert_eq!(reply.body["error"], "org_required");
}
