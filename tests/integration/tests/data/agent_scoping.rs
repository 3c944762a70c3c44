//! Agent scoping (issue 11): with `agents_see_own_calls_only`, an agent sees only calls, recordings,
//! voicemails and figures of their own extension, in the API and by RLS alone; managers and admins
//! see everything. And no member of org A reaches org B's reports, dashboard, calls or rollups.

use std::collections::BTreeSet;

use integration_tests::World;
use integration_tests::call_gen::{Call, Generated, Settings};
use test_harness::fixtures::claims_for;
use uuid::Uuid;

use crate::kpis::{WHOLE, assert_none, compare, naive, report, seeded};
use crate::support::DataCalls;

/// The seeded orgs, org A scoping agents to their own calls, its agent on extension 101 (when
/// `extension`), recordings and voicemails of 101, 102 and nobody.
async fn scoped(extension: Option<&str>) -> (World, Generated) {
    let (w, g) = seeded().await;
    w.scope_agents(w.t.org_a, w.t.agent_a, extension).await;
    let admin = w.db.admin().await;
    admin
        .execute(
            "insert into mightycall_recordings (org_id, external_id, recorded_at, url, agent_extension)
             select $1, 'rec-' || i, timestamptz '2026-10-26 15:00Z' + i * interval '1 hour',
                    'https://example.test/' || i || '.mp3', (array['101', '102', null])[1 + i % 3]
             from generate_series(0, 8) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    admin
        .execute(
            "insert into mightycall_voicemails (org_id, external_id, received_at, assigned_to)
             select $1, 'vm-' || i, timestamptz '2026-10-26 15:00Z' + i * interval '1 hour',
                    (array['101', '102', null])[1 + i % 3]
             from generate_series(0, 8) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    (w, g)
}

fn own(c: &Call) -> bool {
    c.agent_extension.as_deref() == Some("101")
}

/// External ids of the calls `user` lists over [`WHOLE`].
async fn listed_calls(w: &World, user: Uuid) -> BTreeSet<String> {
    let query = format!("startDate={}&endDate={}&limit=500", WHOLE.0, WHOLE.1);
    report(w, user, w.t.org_a, "calls", &query)
        .await
        .iter()
        .filter_map(|r| r["external_id"].as_str().map(str::to_owned))
        .collect()
}

/// External ids of the calls in [`WHOLE`]'s New York days that `keep` keeps.
fn calls_in_whole(g: &Generated, keep: impl Fn(&Call) -> bool) -> BTreeSet<String> {
    let tz = Settings::new_york().tz;
    g.calls
        .iter()
        .filter(|c| {
            let day = c.started_at.with_timezone(&tz).date_naive().to_string();
            keep(c) && day.as_str() >= WHOLE.0 && day.as_str() <= WHOLE.1
        })
        .map(|c| c.external_id.clone())
        .collect()
}

/// External ids of a synced list as `user` sees it over 2026.
async fn listed(w: &World, user: Uuid, list: &str) -> BTreeSet<String> {
    let path = format!(
        "/api/mightycall/{list}?orgId={}&startDate=2026-01-01&endDate=2026-12-31&limit=500",
        w.t.org_a
    );
    let reply = w.get(&path, user).await;
    assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    reply.body[list]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["external_id"].as_str().map(str::to_owned))
        .collect()
}

fn ids(prefix: &str, of: &[usize]) -> BTreeSet<String> {
    of.iter().map(|i| format!("{prefix}-{i}")).collect()
}

#[tokio::test]
async fn a_scoped_agent_sees_only_their_own_calls_and_figures() {
    let (w, g) = scoped(Some("101")).await;
    let mine = calls_in_whole(&g, own);
    assert!(mine.len() > 100, "{} own calls", mine.len());
    assert_eq!(listed_calls(&w, w.t.agent_a).await, mine);
    let s = Settings::new_york();
    let events = g.events();
    let n = naive(&g.calls, &events, s, own);
    assert_none(&compare(&w, w.t.org_a, w.t.agent_a, "", &n, s).await);
}

#[tokio::test]
async fn a_scoped_agents_filters_and_searches_stay_within_their_own_calls() {
    let (w, g) = scoped(Some("101")).await;
    let s = Settings::new_york();
    let events = g.events();
    type Keep = fn(&Call) -> bool;
    let cases: [(&str, Keep); 3] = [
        ("&status=missed", |c| own(c) && c.status == Some("missed")),
        ("&q=ann", |c| own(c) && c.matches("ann")),
        // Other agents' names: nothing of theirs may show.
        ("&q=Bob%20Jones", |c| own(c) && c.matches("bob jones")),
    ];
    let mut diffs = Vec::new();
    for (query, keep) in cases {
        let n = naive(&g.calls, &events, s, keep);
        diffs.extend(compare(&w, w.t.org_a, w.t.agent_a, query, &n, s).await);
    }
    assert_none(&diffs);
}

#[tokio::test]
async fn a_scoped_agent_sees_only_their_own_recordings_and_voicemails() {
    let (w, _) = scoped(Some("101")).await;
    assert_eq!(
        listed(&w, w.t.agent_a, "recordings").await,
        ids("rec", &[0, 3, 6])
    );
    assert_eq!(
        listed(&w, w.t.agent_a, "voicemails").await,
        ids("vm", &[0, 3, 6])
    );
    // Positive control: the manager sees all nine of each (and the fixtures' own).
    assert!(listed(&w, w.t.manager_a, "recordings").await.len() >= 9);
    assert!(listed(&w, w.t.manager_a, "voicemails").await.len() >= 9);
}

#[tokio::test]
async fn a_scoped_agent_without_an_extension_sees_nothing() {
    let (w, g) = scoped(None).await;
    assert_eq!(listed_calls(&w, w.t.agent_a).await, BTreeSet::new());
    assert_eq!(listed(&w, w.t.agent_a, "recordings").await, BTreeSet::new());
    assert_eq!(listed(&w, w.t.agent_a, "voicemails").await, BTreeSet::new());
    let s = Settings::new_york();
    let events = g.events();
    let n = naive(&g.calls, &events, s, |_| false);
    assert_none(&compare(&w, w.t.org_a, w.t.agent_a, "", &n, s).await);
}

#[tokio::test]
async fn managers_admins_and_unscoped_agents_see_everything() {
    let (w, g) = scoped(Some("101")).await;
    let s = Settings::new_york();
    let events = g.events();
    let n = naive(&g.calls, &events, s, |_| true);
    let everything = calls_in_whole(&g, |_| true);
    for user in [w.t.manager_a, w.t.admin_a] {
        assert_eq!(listed_calls(&w, user).await, everything);
        assert_none(&compare(&w, w.t.org_a, user, "", &n, s).await);
    }
    w.db.admin()
        .await
        .execute(
            "update organizations set agents_see_own_calls_only = false where id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    assert_eq!(listed_calls(&w, w.t.agent_a).await, everything);
    assert_eq!(listed(&w, w.t.agent_a, "recordings").await.len(), 10);
    assert_none(&compare(&w, w.t.org_a, w.t.agent_a, "", &n, s).await);
}

/// (rows outside what `user` may see, rows in all) of `sql`'s two counts for org `org`, run as
/// `user` under RLS alone.
async fn counts_as(w: &World, user: Uuid, sql: &str, org: Uuid) -> (i64, i64) {
    let tx = w.db.store().as_user(&claims_for(user)).await.unwrap();
    let row = tx.client().query_one(sql, &[&org]).await.unwrap();
    (row.get(0), row.get(1))
}

const CALLS: &str =
    "select count(*) filter (where agent_extension is distinct from '101'), count(*)
    from calls where org_id = $1";
const RECORDINGS: &str = "select count(*) filter (where agent_extension is distinct from '101'),
    count(*) from mightycall_recordings where org_id = $1";
const VOICEMAILS: &str =
    "select count(*) filter (where assigned_to is distinct from '101'), count(*)
    from mightycall_voicemails where org_id = $1";
const ROLLUPS: &str =
    "select count(*) filter (where not (grain in ('agent', 'agent_month') and key = '101')), count(*)
    from call_rollups where org_id = $1";

#[tokio::test]
async fn rls_alone_limits_a_scoped_agent_to_their_own_rows() {
    let (w, g) = scoped(Some("101")).await;
    let org = w.t.org_a;
    let own_calls = g.calls.iter().filter(|c| own(c)).count() as i64;
    assert_eq!(counts_as(&w, w.t.agent_a, CALLS, org).await, (0, own_calls));
    assert_eq!(counts_as(&w, w.t.agent_a, RECORDINGS, org).await, (0, 3));
    assert_eq!(counts_as(&w, w.t.agent_a, VOICEMAILS, org).await, (0, 3));
    let (others, all) = counts_as(&w, w.t.agent_a, ROLLUPS, org).await;
    assert_eq!(others, 0, "only agent rows (by day and month) of key '101'");
    assert!(all > 0, "the agent's own rollups");
    // Positive controls: a manager sees every row, and so does the agent once the setting is off.
    let (others, all) = counts_as(&w, w.t.manager_a, CALLS, org).await;
    assert!(others > 0 && all > own_calls);
    assert!(counts_as(&w, w.t.manager_a, ROLLUPS, org).await.0 > 0);
    w.db.admin()
        .await
        .execute(
            "update organizations set agents_see_own_calls_only = false where id = $1",
            &[&org],
        )
        .await
        .unwrap();
    assert_eq!(
        counts_as(&w, w.t.agent_a, CALLS, org).await,
        counts_as(&w, w.t.manager_a, CALLS, org).await
    );
    assert!(counts_as(&w, w.t.agent_a, ROLLUPS, org).await.0 > 0);
}

#[tokio::test]
async fn members_of_org_a_get_404_for_org_bs_reports_and_dashboard() {
    let (w, _) = scoped(Some("101")).await;
    let org_b = w.t.org_b;
    let range = format!("orgId={org_b}&startDate={}&endDate={}", WHOLE.0, WHOLE.1);
    let mut paths: Vec<String> = ["calls", "daily", "agents", "numbers", "hourly"]
        .iter()
        .map(|kind| format!("/api/mightycall/reports?type={kind}&{range}"))
        .collect();
    paths.push(format!("/api/dashboard/metrics?{range}"));
    for user in [w.t.admin_a, w.t.manager_a, w.t.agent_a] {
        for path in &paths {
            let reply = w.get(path, user).await;
            assert_eq!(reply.status, 404, "{path}: {:?}", reply.body);
            assert_eq!(reply.body["error"], "not_found", "{path}");
        }
    }
}

#[tokio::test]
async fn rls_alone_shows_members_of_org_a_none_of_org_bs_calls_or_rollups() {
    let (w, _) = scoped(Some("101")).await;
    for user in [w.t.admin_a, w.t.manager_a, w.t.agent_a] {
        for sql in [CALLS, ROLLUPS] {
            assert_eq!(counts_as(&w, user, sql, w.t.org_b).await.1, 0, "{sql}");
        }
        let agents = counts_as(
            &w,
            user,
            "select 0::bigint, count(*) from mightycall_agents where org_id = $1",
            w.t.org_b,
        )
        .await;
        assert_eq!(agents.1, 0, "org B's agent names");
    }
    // Positive control: B's own manager sees them.
    assert!(counts_as(&w, w.t.manager_b, CALLS, w.t.org_b).await.1 > 1_000);
    assert!(counts_as(&w, w.t.manager_b, ROLLUPS, w.t.org_b).await.1 > 0);
}
