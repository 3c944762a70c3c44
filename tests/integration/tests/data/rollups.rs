//! `call_rollups` stays exactly equal to a GROUP BY over `calls` through the sync engine's batched
//! upserts (new, changed and unchanged rows), updates, deletes, truncation and an org's deletion.

use integration_tests::World;

use crate::support::world;

const ROLLUPS: &str =
    "select org_id, day, grain, key, direction, status, calls, talk_ms, abandoned,
        short_abandoned, measured, measured_short, in_sla, answered_measured, answer_wait_ms
    from call_rollups order by 1, 2, 3, 4, 5, 6";

/// The rollups recomputed from scratch in each org's terms, one GROUP BY per grain, every measure
/// written out here rather than through V14's functions.
const NAIVE: &str = "with c as (
      select c.org_id, (c.started_at at time zone o.time_zone)::date as day, c.direction,
             coalesce(c.status, '') as status, coalesce(c.agent_extension, '') as agent,
             coalesce(c.business_number, '') as number,
             to_char((extract(isodow from c.started_at at time zone o.time_zone) - 1) * 24
                     + extract(hour from c.started_at at time zone o.time_zone), 'FM000') as hour,
             case when c.status = 'connected' then coalesce(c.duration_ms, 0) else 0 end as talk,
             c.direction = 'incoming' and c.status in ('missed', 'dropped') as unanswered,
             c.direction = 'incoming' and c.status = 'connected' as answered,
             coalesce(c.wait_to_end_ms, c.duration_ms) <= o.short_abandon_seconds * 1000 as short,
             c.wait_to_answer_ms, c.wait_to_end_ms, o.sla_target_seconds * 1000 as sla,
             o.short_abandon_seconds * 1000 as short_ms
      from calls c join organizations o on o.id = c.org_id),
    m as (
      select *, case when unanswered and short is true then 0 when unanswered then 1 else 0 end as ab,
             case when unanswered and short is true then 1 else 0 end as sab,
             case when (answered and wait_to_answer_ms is not null)
                    or (unanswered and wait_to_end_ms is not null) then 1 else 0 end as me,
             case when unanswered and wait_to_end_ms <= short_ms then 1 else 0 end as ms,
             case when answered and wait_to_answer_ms <= sla then 1 else 0 end as sl,
             case when answered and wait_to_answer_ms is not null then 1 else 0 end as am,
             case when answered then coalesce(wait_to_answer_ms, 0) else 0 end as aw
      from c)
    select * from (
      select org_id, day, 'day' as grain, '' as key, direction, status, count(*), sum(talk), sum(ab),
             sum(sab), sum(me), sum(ms), sum(sl), sum(am), sum(aw) from m group by 1, 2, 5, 6
      union all
      select org_id, day, 'hour', hour, direction, status, count(*), sum(talk), sum(ab),
             sum(sab), sum(me), sum(ms), sum(sl), sum(am), sum(aw) from m group by 1, 2, 4, 5, 6
      union all
      select org_id, day, 'agent', agent, direction, status, count(*), sum(talk), sum(ab),
             sum(sab), sum(me), sum(ms), sum(sl), sum(am), sum(aw) from m group by 1, 2, 4, 5, 6
      union all
      select org_id, day, 'number', number, direction, status, count(*), sum(talk), sum(ab),
             sum(sab), sum(me), sum(ms), sum(sl), sum(am), sum(aw) from m group by 1, 2, 4, 5, 6
    ) n (org_id, day, grain, key, direction, status, calls, talk_ms, abandoned, short_abandoned,
         measured, measured_short, in_sla, answered_measured, answer_wait_ms)
    order by 1, 2, 3, 4, 5, 6";

/// The measures of a row as one text, compared in SQL: sum() is numeric in the naive query,
/// bigint in the table.
const MEASURES: &str = "concat_ws('/', calls, talk_ms, abandoned, short_abandoned, measured,
    measured_short, in_sla, answered_measured, answer_wait_ms)";

async fn assert_exact(w: &World, when: &str) {
    let admin = w.db.admin().await;
    let text = |rows: Vec<tokio_postgres::Row>| -> Vec<String> {
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| match r.columns()[i].type_().name() {
                        "uuid" => r.get::<_, uuid::Uuid>(i).to_string(),
                        "date" => r.get::<_, chrono::NaiveDate>(i).to_string(),
                        "int8" | "numeric" => String::new(),
                        _ => r.get::<_, String>(i),
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    };
    let measured = |source: &str| format!("select s.*, {MEASURES} as n from ({source}) s");
    let rollups = admin.query(&measured(ROLLUPS), &[]).await.unwrap();
    let naive = admin.query(&measured(NAIVE), &[]).await.unwrap();
    let (rollups, naive) = (text(rollups), text(naive));
    assert!(!naive.is_empty() || when == "after truncate");
    assert_eq!(rollups, naive, "{when}");
}

/// The sync engine's upsert: a batch, updating only rows that changed.
const UPSERT: &str = "insert into calls as t (org_id, external_id, started_at, direction, status, duration_ms,
                                  business_number, agent_extension)
    select $1, 'A-call-' || i,
           timestamptz '2026-01-01 00:00:00+00' + i * interval '143 minutes' + i * interval '7 seconds'
             + case when i % 10 = 1 then interval '3 days' else interval '0' end,
           (array['incoming', 'outgoing', 'unknown'])[1 + i % 3],
           case when i % 10 = 2 then 'connected'
                else (array['connected', 'missed', 'voicemail', 'dropped', 'unknown', null])[1 + i % 6] end,
           case when i % 10 = 3 then 5 when i % 7 = 0 then null else i * 1000 + 17 end,
           (array['+12125550100', '+12125550101', '+12125550102', null])[1 + i % 4],
           case when i % 10 = 4 then '999' else (array['101', '102', '103', '104', null])[1 + i % 5] end
    from generate_series(1, 1000) i
    on conflict (org_id, external_id) do update set
      started_at = excluded.started_at, direction = excluded.direction, status = excluded.status,
      duration_ms = excluded.duration_ms, business_number = excluded.business_number,
      agent_extension = excluded.agent_extension, synced_at = now()
    where (t.started_at, t.direction, t.status, t.duration_ms, t.business_number, t.agent_extension)
          is distinct from
          (excluded.started_at, excluded.direction, excluded.status, excluded.duration_ms,
           excluded.business_number, excluded.agent_extension)";

#[tokio::test]
async fn rollups_stay_exact_through_upserts_updates_deletes_and_truncation() {
    let w = world().await;
    assert_exact(&w, "after seeding").await;

    // 300 existing calls (about half changed: day, status, duration, agent) and 700 new ones, as
    // service_role like the sync engine; then the same batch again, which changes nothing.
    let db = w.db.store();
    for round in ["first upsert", "identical re-upsert"] {
        let tx = db.as_service().await.unwrap();
        tx.client().execute(UPSERT, &[&w.t.org_a]).await.unwrap();
        tx.commit().await.unwrap();
        assert_exact(&w, round).await;
    }
    let changed: i64 =
        w.db.admin()
            .await
            .query_one(
                "select count(*) from calls where agent_extension = '999'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
    assert_eq!(changed, 100);

    // Webhook timelines (some calls offered only, some with every step) update the waits and so the
    // measures; a new zone and new thresholds re-place every call of the org.
    let admin = w.db.admin().await;
    admin
        .batch_execute(
            "insert into webhook_events (org_id, event_guid, event_type, call_id, occurred_at, payload)
             select org_id, external_id || '-' || k,
                    (array['IncomingCall', 'IncomingCallConnected', 'IncomingCallCompleted'])[k],
                    external_id, started_at + (k - 1) * (hashtext(external_id) & 31) * interval '1 second', '{}'
             from calls, generate_series(1, 3) k
             where direction = 'incoming' and (k = 1 or external_id not like '%7');",
        )
        .await
        .unwrap();
    assert_exact(&w, "after webhooks").await;
    let measured: i64 = admin
        .query_one(
            "select count(*) from calls where wait_to_end_ms is not null",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(measured > 100, "{measured} calls have a timeline");
    admin
        .execute(
            "update organizations set time_zone = 'Asia/Kathmandu', sla_target_seconds = 7,
                    short_abandon_seconds = 12 where id = $1",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    assert_exact(&w, "after a settings change").await;

    admin
        .batch_execute(
            "update calls set status = null, duration_ms = 1 where external_id like '%-call-1_';
             update calls set started_at = started_at - interval '40 days' where external_id like '%-call-2_';
             delete from calls where external_id like '%-call-3%';",
        )
        .await
        .unwrap();
    assert_exact(&w, "after updates and deletes").await;

    // Deleting an org cascades to its calls; the delete trigger must not trip over the vanished org.
    admin
        .execute("delete from organizations where id = $1", &[&w.t.org_b])
        .await
        .unwrap();
    assert_exact(&w, "after deleting org B").await;
    let left: i64 = admin
        .query_one(
            "select count(*) from call_rollups where org_id = $1",
            &[&w.t.org_b],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);

    admin.batch_execute("truncate calls").await.unwrap();
    assert_exact(&w, "after truncate").await;
    let left: i64 = admin
        .query_one("select count(*) from call_rollups", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}
