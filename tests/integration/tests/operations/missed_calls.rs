//! The missed-call worklist: items per caller and return, resolution by managers, paging, bad
//! input, and the walls — org B's members, agents scoped to their own calls — in the API and by RLS
//! alone.

use axum::http::Method;
use integration_tests::World;
use serde_json::{Value, json};
use test_harness::fixtures::claims_for;
use test_harness::http::Reply;
use uuid::Uuid;

/// Misses of the last days (relative to now, inside the default 30-day range), by caller:
/// - …01 missed twice (waits 20 s and 5 s, agent 101), called back by agent 102, then missed again;
/// - …02 missed once (agent 101), and called back before that miss only;
/// - …03 missed once (agent 102), never called back in org A — org B called that number;
/// - an anonymous miss, an answered call and an internal outbound call, none of them items.
///
/// Org B has a miss from …01 of its own.
async fn world() -> World {
    let w = World::new().await;
    let admin = w.db.admin().await;
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                caller_number, called_number, caller_name, business_number,
                                agent_extension, wait_to_end_ms)
             select $1, x.id, date_trunc('hour', now()) - x.ago, x.dir, x.status, 1000,
                    x.caller, x.called, x.name, '+12125550100', x.ext, x.wait
             from (values
               ('m1', interval '50 hours', 'incoming', 'missed', '+15550000001', null, 'Ann', '101', 20000::bigint),
               ('m2', interval '49 hours', 'incoming', 'dropped', '+15550000001', null, null, '101', 5000),
               ('r1', interval '48 hours', 'outgoing', 'connected', null, '+15550000001', null, '102', null),
               ('m3', interval '30 hours', 'incoming', 'voicemail', '+15550000001', null, 'Ann B', '101', null),
               ('r2', interval '40 hours', 'outgoing', 'connected', null, '+15550000002', null, '101', null),
               ('m4', interval '20 hours', 'incoming', 'missed', '+15550000002', null, null, '101', 7000),
               ('m5', interval '10 hours', 'incoming', 'missed', '+15550000003', null, null, '102', 3000),
               ('m6', interval '9 hours', 'incoming', 'missed', null, null, null, null, 1000),
               ('a1', interval '8 hours', 'incoming', 'connected', '+15550000004', null, null, '101', null)
             ) x (id, ago, dir, status, caller, called, name, ext, wait)",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, caller_number,
                                called_number, agent_extension)
             values ($1, 'b1', now() - interval '5 hours', 'incoming', 'missed', '+15550000001', null, null),
                    ($1, 'b2', now() - interval '2 hours', 'outgoing', 'connected', null, '+15550000003', null)",
            &[&w.t.org_b],
        )
        .await
        .unwrap();
    w
}

async fn get(w: &World, path: &str, user: Uuid) -> Reply {
    w.call(&w.operations().await, Method::GET, path, user, None)
        .await
}

async fn resolve(w: &World, id: &str, user: Uuid, body: Value) -> Reply {
    let path = format!("/api/mightycall/missed-calls/{id}/resolve");
    w.call(&w.operations().await, Method::POST, &path, user, Some(body))
        .await
}

/// The items of `status` that `user` lists in org A.
async fn items(w: &World, user: Uuid, status: &str) -> Vec<Value> {
    let path = format!(
        "/api/mightycall/missed-calls?orgId={}&status={status}",
        w.t.org_a
    );
    let reply = get(w, &path, user).await;
    assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    reply.body["missed_calls"].as_array().unwrap().clone()
}

/// The database id of org A's call `external_id`.
async fn call_id(w: &World, external_id: &str) -> String {
    let row =
        w.db.admin()
            .await
            .query_one(
                "select id from calls where org_id = $1 and external_id = $2",
                &[&w.t.org_a, &external_id],
            )
            .await
            .unwrap();
    row.get::<_, Uuid>(0).to_string()
}

fn callers(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["caller_number"].as_str().unwrap())
        .collect()
}

async fn resolutions(w: &World) -> i64 {
    let row =
        w.db.admin()
            .await
            .query_one(
                "select count(*) from missed_call_resolutions where org_id = $1",
                &[&w.t.org_a],
            )
            .await
            .unwrap();
    row.get(0)
}

#[tokio::test]
async fn misses_are_grouped_per_caller_until_the_org_calls_back() {
    let w = world().await;
    let open = items(&w, w.t.agent_a, "open").await;
    // Newest last miss first; org B's call to …03 does not return org A's miss.
    assert_eq!(
        callers(&open),
        ["+15550000003", "+15550000002", "+15550000001"]
    );
    let first_open = &open[2];
    assert_eq!(first_open["id"], call_id(&w, "m3").await);
    assert_eq!(first_open["attempts"], 1);
    assert_eq!(first_open["caller_name"], "Ann B");
    assert_eq!(first_open["status"], "open");
    assert!(first_open["returned_at"].is_null());
    // …02's only callback came before its miss.
    assert_eq!(open[1]["id"], call_id(&w, "m4").await);
    assert_eq!(open[1]["longest_wait_ms"], 7000);

    let returned = items(&w, w.t.agent_a, "returned").await;
    assert_eq!(returned.len(), 1, "{returned:?}");
    let item = &returned[0];
    assert_eq!(item["id"], call_id(&w, "m1").await);
    assert_eq!(item["caller_number"], "+15550000001");
    assert_eq!(item["caller_name"], "Ann");
    assert_eq!(item["attempts"], 2);
    assert_eq!(item["longest_wait_ms"], 20000);
    assert_eq!(item["business_number"], "+12125550100");
    let at =
        |field: &str| chrono::DateTime::parse_from_rfc3339(item[field].as_str().unwrap()).unwrap();
    assert_eq!((at("last_at") - at("first_at")).num_hours(), 1);
    assert_eq!((at("returned_at") - at("last_at")).num_hours(), 1);
    assert!(items(&w, w.t.agent_a, "resolved").await.is_empty());
}

#[tokio::test]
async fn items_are_shown_in_the_orgs_time_zone() {
    let w = world().await;
    w.db.admin()
        .await
        .execute(
            "update organizations set time_zone = 'Asia/Kathmandu' where id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let open = items(&w, w.t.manager_a, "open").await;
    assert!(
        open[0]["last_at"].as_str().unwrap().ends_with("+05:45"),
        "{:?}",
        open[0]
    );
}

#[tokio::test]
async fn pages_walk_every_item_once_and_cursors_keep_to_their_status() {
    let w = world().await;
    let base = format!(
        "/api/mightycall/missed-calls?orgId={}&status=open&limit=1",
        w.t.org_a
    );
    let mut seen = Vec::new();
    let mut path = base.clone();
    loop {
        let reply = get(&w, &path, w.t.manager_a).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let page = reply.body["missed_calls"].as_array().unwrap();
        assert!(page.len() <= 1);
        seen.extend(page.iter().map(|i| i["caller_number"].clone()));
        match reply.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("{base}&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            json!("+15550000003"),
            json!("+15550000002"),
            json!("+15550000001")
        ]
    );
    let first = get(&w, &base, w.t.manager_a).await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let other = format!(
        "/api/mightycall/missed-calls?orgId={}&status=returned&cursor={cursor}",
        w.t.org_a
    );
    let reply = get(&w, &other, w.t.manager_a).await;
    assert_eq!(reply.status, 400, "{:?}", reply.body);
}

#[tokio::test]
async fn a_manager_resolves_a_caller_and_a_later_miss_opens_it_again() {
    let w = world().await;
    let id = call_id(&w, "m5").await;
    let reply = resolve(&w, &id, w.t.manager_a, json!({"note": "  emailed them  "})).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let item = &reply.body["missed_call"];
    assert_eq!(item["status"], "resolved");
    assert_eq!(item["resolution"]["note"], "emailed them");
    assert_eq!(item["resolution"]["resolved_by"], w.t.manager_a.to_string());
    assert_eq!(
        callers(&items(&w, w.t.manager_a, "open").await),
        ["+15550000002", "+15550000001"]
    );
    assert_eq!(
        callers(&items(&w, w.t.agent_a, "resolved").await),
        ["+15550000003"]
    );
    let audit = w.rows("audit_log", w.t.org_a).await;
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.contains("missed_call.resolved"))
            .count(),
        1,
        "{audit:?}"
    );
    // Resolving it again changes nothing.
    let again = resolve(&w, &id, w.t.admin_a, json!({})).await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(
        again.body["missed_call"]["resolution"]["note"],
        "emailed them"
    );
    assert_eq!(resolutions(&w).await, 1);

    // The caller tries again: open, with both attempts since the last return.
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, caller_number)
             values ($1, 'm7', now() + interval '1 second', 'incoming', 'missed', '+15550000003')",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let open = items(&w, w.t.manager_a, "open").await;
    assert_eq!(open[0]["caller_number"], "+15550000003");
    assert_eq!(open[0]["attempts"], 2);
    assert_eq!(open[0]["id"], id);
    assert!(open[0]["resolution"].is_null());
}

#[tokio::test]
async fn a_returned_item_cannot_be_resolved_and_only_misses_are_items() {
    let w = world().await;
    let returned = resolve(&w, &call_id(&w, "m2").await, w.t.manager_a, json!({})).await;
    assert_eq!(returned.status, 409, "{:?}", returned.body);
    assert_eq!(returned.body["error"], "already_returned");
    for not_an_item in ["a1", "r1", "m6"] {
        let reply = resolve(
            &w,
            &call_id(&w, not_an_item).await,
            w.t.manager_a,
            json!({}),
        )
        .await;
        assert_eq!(reply.status, 404, "{not_an_item}: {:?}", reply.body);
    }
    assert_eq!(resolutions(&w).await, 0);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let w = world().await;
    let org = w.t.org_a;
    for query in [
        "status=closed".to_owned(),
        "limit=0".to_owned(),
        "limit=501".to_owned(),
        "cursor=not-a-cursor".to_owned(),
        "startDate=2026-02-30".to_owned(),
        "startDate=2026-03-01&endDate=2026-02-01".to_owned(),
        "orgId=not-a-uuid".to_owned(),
        "colour=red".to_owned(),
    ] {
        let path = format!("/api/mightycall/missed-calls?orgId={org}&{query}")
            .replace(&format!("orgId={org}&orgId="), "orgId=");
        let reply = get(&w, &path, w.t.manager_a).await;
        assert_eq!(reply.status, 400, "{query}: {:?}", reply.body);
        assert!(reply.body["error"].is_string(), "{query}");
    }
    let id = call_id(&w, "m5").await;
    for body in [
        json!({"note": "x".repeat(501)}),
        json!({"note": "bell\u{7}"}),
        json!({"note": 5}),
        json!({"colour": "red"}),
    ] {
        let reply = resolve(&w, &id, w.t.manager_a, body.clone()).await;
        assert_eq!(reply.status, 400, "{body}: {:?}", reply.body);
    }
    let reply = resolve(&w, "not-a-uuid", w.t.manager_a, json!({})).await;
    assert_eq!(reply.status, 400, "{:?}", reply.body);
    let reply = resolve(&w, &Uuid::new_v4().to_string(), w.t.manager_a, json!({})).await;
    assert_eq!(reply.status, 404, "{:?}", reply.body);
    assert_eq!(resolutions(&w).await, 0);
    let audit = w.rows("audit_log", w.t.org_a).await;
    assert!(
        !audit.iter().any(|r| r.contains("missed_call")),
        "{audit:?}"
    );
}

#[tokio::test]
async fn agents_cannot_resolve_and_org_b_reaches_nothing_of_org_a() {
    let w = world().await;
    let id = call_id(&w, "m5").await;
    let agent = resolve(&w, &id, w.t.agent_a, json!({})).await;
    assert_eq!(agent.status, 403, "{:?}", agent.body);
    assert_eq!(agent.body["error"], "manager_required", "{:?}", agent.body);
    for user in [w.t.admin_b, w.t.manager_b, w.t.agent_b, w.t.outsider] {
        let reply = resolve(&w, &id, user, json!({})).await;
        assert_eq!(reply.status, 404, "{:?}", reply.body);
        let list = format!("/api/mightycall/missed-calls?orgId={}", w.t.org_a);
        let reply = get(&w, &list, user).await;
        assert_eq!(reply.status, 404, "{:?}", reply.body);
    }
    assert_eq!(resolutions(&w).await, 0);
    // Org B's own worklist holds its own miss only.
    let list = format!("/api/mightycall/missed-calls?orgId={}", w.t.org_b);
    let reply = get(&w, &list, w.t.manager_b).await;
    let b_items = reply.body["missed_calls"].as_array().unwrap();
    assert_eq!(b_items.len(), 1, "{b_items:?}");
    assert_eq!(b_items[0]["attempts"], 1);
}

/// Scopes org A's agents to their own calls, agent A on extension 101.
async fn scope_agents(w: &World) {
    w.scope_agents(w.t.org_a, w.t.agent_a, Some("101")).await;
}

#[tokio::test]
async fn a_scoped_agent_sees_only_their_own_misses_and_returns() {
    let w = world().await;
    scope_agents(&w).await;
    let open = items(&w, w.t.agent_a, "open").await;
    // …03 was agent 102's miss; …01's first two misses were returned by agent 102, a call agent
    // 101 does not see, so for them all three of …01's misses are one open item.
    assert_eq!(callers(&open), ["+15550000002", "+15550000001"]);
    assert_eq!(open[1]["attempts"], 3);
    assert!(items(&w, w.t.agent_a, "returned").await.is_empty());
    // Managers still see the whole org.
    assert_eq!(items(&w, w.t.manager_a, "open").await.len(), 3);
    // Another agent's miss is not found for them.
    let reply = resolve(&w, &call_id(&w, "m5").await, w.t.agent_a, json!({})).await;
    assert_eq!(reply.status, 404, "{:?}", reply.body);
}

/// `sql` run as `user` under RLS alone; the first column of each row.
async fn rows_as(w: &World, user: Uuid, sql: &str, org: Uuid) -> Vec<String> {
    let tx = w.db.store().as_user(&claims_for(user)).await.unwrap();
    let rows = tx.client().query(sql, &[&org]).await.unwrap();
    rows.iter().map(|r| r.get::<_, String>(0)).collect()
}

#[tokio::test]
async fn rls_alone_keeps_resolutions_within_their_org_and_writers() {
    let w = world().await;
    let id = call_id(&w, "m5").await;
    assert_eq!(
        resolve(&w, &id, w.t.manager_a, json!({"note": "SecretNoteA"}))
            .await
            .status,
        200
    );
    let m4 = call_id(&w, "m4").await;
    assert_eq!(resolve(&w, &m4, w.t.manager_a, json!({})).await.status, 200);
    const NOTES: &str =
        "select caller_number from missed_call_resolutions where org_id = $1 order by 1";
    assert_eq!(rows_as(&w, w.t.agent_a, NOTES, w.t.org_a).await.len(), 2);
    for user in [w.t.admin_b, w.t.manager_b, w.t.agent_b, w.t.outsider] {
        assert!(rows_as(&w, user, NOTES, w.t.org_a).await.is_empty());
    }
    // A scoped agent sees the resolutions of their own calls only (m4 was 101's, m5 102's).
    scope_agents(&w).await;
    assert_eq!(
        rows_as(&w, w.t.agent_a, NOTES, w.t.org_a).await,
        ["+15550000002"]
    );

    // Writes go through the API only: no user token writes the table, past the API (PostgREST)
    // or not — not even its own org's managers.
    let m3 = Uuid::parse_str(&call_id(&w, "m3").await).unwrap();
    for (user, by) in [
        (w.t.agent_a, w.t.agent_a),
        (w.t.manager_b, w.t.manager_b),
        (w.t.admin_b, w.t.admin_b),
        (w.t.manager_a, w.t.admin_a),
        (w.t.manager_a, w.t.manager_a),
        (w.t.platform_admin, w.t.platform_admin),
    ] {
        let tx = w.db.store().as_user(&claims_for(user)).await.unwrap();
        let insert = tx
            .client()
            .execute(
                "insert into missed_call_resolutions (org_id, caller_number, call_id, resolved_by)
                 values ($1, '+15550000001', $2, $3)",
                &[&w.t.org_a, &m3, &by],
            )
            .await;
        assert!(insert.is_err(), "{user} as {by}");
    }
    assert_eq!(resolutions(&w).await, 2);
}

#[tokio::test]
async fn rls_alone_lists_no_misses_of_another_org_nor_of_other_agents() {
    use store::missed_calls::{self, MissedStatus};
    use store::reports::{CallView, ReportTerms};

    let w = world().await;
    scope_agents(&w).await;
    // The store's query with the code's own scoping switched off: what RLS lets through.
    let unscoped = ReportTerms {
        zone: domain::TimeZone::UTC,
        sla_target_percent: 80,
        view: CallView::Org,
    };
    let window = (
        chrono::Utc::now() - chrono::Duration::days(30),
        chrono::Utc::now() + chrono::Duration::days(1),
    );
    let listed = |user: Uuid, org: Uuid, status: MissedStatus| {
        let (w, unscoped) = (&w, &unscoped);
        async move {
            let tx = w.db.store().as_user(&claims_for(user)).await.unwrap();
            let page = missed_calls::list(
                &tx,
                domain::OrgId::new(org),
                unscoped,
                window,
                status,
                None,
                domain::PageLimit::DEFAULT,
            )
            .await
            .unwrap();
            page.rows
                .iter()
                .map(|i| (i.caller_number.clone(), i.attempts))
                .collect::<Vec<_>>()
        }
    };
    for user in [w.t.admin_b, w.t.manager_b, w.t.agent_b, w.t.outsider] {
        for status in [MissedStatus::Open, MissedStatus::Returned] {
            assert!(listed(user, w.t.org_a, status).await.is_empty());
        }
    }
    assert_eq!(
        listed(w.t.agent_a, w.t.org_a, MissedStatus::Open).await,
        [
            ("+15550000002".to_owned(), 1),
            ("+15550000001".to_owned(), 3)
        ]
    );
    // Positive control: the manager's view under the same query.
    assert_eq!(
        listed(w.t.manager_a, w.t.org_a, MissedStatus::Open)
            .await
            .len(),
        3
    );
}
