//! `call_rollups` stays exactly equal to a GROUP BY over `calls` through the sync engine's batched
//! upserts (new, changed and unchanged rows), updates, deletes, truncation and an org's deletion.

use integration_tests::World;

use crate::support::world;

const ROLLUPS: &str = "select org_id, day, grain, key, direction, status, calls, talk_ms
    from call_rollups order by 1, 2, 3, 4, 5, 6";

/// The rollups recomputed from scratch, one GROUP BY per grain.
const NAIVE: &str = "with c as (
      select org_id, (started_at at time zone 'UTC')::date as day, direction,
             coalesce(status, '') as status, coalesce(agent_extension, '') as agent,
             coalesce(business_number, '') as number,
             case when status = 'connected' then coalesce(duration_ms, 0) else 0 end as talk
      from calls)
    select * from (
      select org_id, day, 'day' as grain, '' as key, direction, status, count(*), sum(talk) from c group by 1, 2, 5, 6
      union all
      select org_id, day, 'agent', agent, direction, status, count(*), sum(talk) from c group by 1, 2, 4, 5, 6
      union all
      select org_id, day, 'number', number, direction, status, count(*), sum(talk) from c group by 1, 2, 4, 5, 6
    ) n order by 1, 2, 3, 4, 5, 6";

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
    // Counts compared as text in SQL: sum() is numeric in the naive query, bigint in the table.
    let rollups = admin
        .query(
            &format!("select r.*, calls::text || '/' || talk_ms::text as n from ({ROLLUPS}) r"),
            &[],
        )
        .await
        .unwrap();
    let naive = admin
        .query(
            &format!("select n.*, count::text || '/' || sum::text as n from ({NAIVE}) n"),
            &[],
        )
        .await
        .unwrap();
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

    let admin = w.db.admin().await;
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
