//! `call_rollups` stays exactly equal to a GROUP BY over `calls` through the sync engine's batched
//! upserts (new, changed and unchanged rows), updates, deletes, truncation and an org's deletion.

use integration_tests::World;

use crate::support::world;

/// Every measure column of the table, in one order for both sides.
const COLUMNS: &str = "calls, inbound, outbound, answered, missed, voicemail, talk_ms, abandoned,
    short_abandoned, measured, measured_short, in_sla, answered_measured, answer_wait_ms,
    unanswered_with_number, callbacks, callbacks_within_1h, longest_wait_ms";

fn rollups() -> String {
    format!("select org_id, day, grain, key, {COLUMNS} from call_rollups order by 1, 2, 3, 4")
}

/// The rollups recomputed from scratch in each org's terms, one GROUP BY per grain, every measure
/// written out here rather than through V14's functions, and callbacks searched for in the calls
/// rather than read from the links the triggers keep.
fn naive() -> String {
    let per_call = "with c as (
      select c.org_id, (c.started_at at time zone o.time_zone)::date as day,
             date_trunc('month', c.started_at at time zone o.time_zone)::date as month,
             coalesce(c.agent_extension, '') as agent, coalesce(c.business_number, '') as number,
             to_char((extract(isodow from c.started_at at time zone o.time_zone) - 1) * 24
                     + extract(hour from c.started_at at time zone o.time_zone), 'FM000') as hour,
             c.direction, c.status, c.duration_ms, c.wait_to_answer_ms, c.wait_to_end_ms,
             c.caller_number,
             c.direction = 'incoming' and c.status in ('missed', 'dropped') as unanswered,
             c.direction = 'incoming' and c.status = 'connected' as answered,
             c.direction = 'incoming' and c.status in ('missed', 'dropped', 'voicemail') as missed_call,
             coalesce(c.wait_to_end_ms, c.duration_ms) <= o.short_abandon_seconds * 1000 as short,
             o.sla_target_seconds * 1000 as sla, o.short_abandon_seconds * 1000 as short_ms,
             (select min(b.started_at) - c.started_at from calls b
              where b.org_id = c.org_id and b.direction = 'outgoing' and b.called_number = c.caller_number
                and b.started_at > c.started_at and b.started_at <= c.started_at + interval '7 days')
               as callback_after
      from calls c join organizations o on o.id = c.org_id),
    m as (
      select org_id, day, month, agent, number, hour,
             1 as calls,
             case when direction = 'incoming' then 1 else 0 end as inbound,
             case when direction = 'outgoing' then 1 else 0 end as outbound,
             case when status = 'connected' then 1 else 0 end as answered_any,
             case when status in ('missed', 'dropped') then 1 else 0 end as missed,
             case when status = 'voicemail' then 1 else 0 end as voicemail,
             case when status = 'connected' then coalesce(duration_ms, 0) else 0 end as talk,
             case when unanswered and short is true then 0 when unanswered then 1 else 0 end as ab,
             case when unanswered and short is true then 1 else 0 end as sab,
             case when (answered and wait_to_answer_ms is not null)
                    or (unanswered and wait_to_end_ms is not null) then 1 else 0 end as me,
             case when unanswered and wait_to_end_ms <= short_ms then 1 else 0 end as ms,
             case when answered and wait_to_answer_ms <= sla then 1 else 0 end as sl,
             case when answered and wait_to_answer_ms is not null then 1 else 0 end as am,
             case when answered then coalesce(wait_to_answer_ms, 0) else 0 end as aw,
             case when missed_call and caller_number is not null then 1 else 0 end as due,
             case when missed_call and callback_after is not null then 1 else 0 end as cb,
             case when missed_call and callback_after <= interval '1 hour' then 1 else 0 end as cb1,
             case when answered then wait_to_answer_ms when unanswered then wait_to_end_ms end as wait
      from c)";
    let sums = "count(*), sum(inbound), sum(outbound), sum(answered_any), sum(missed), sum(voicemail),
        sum(talk), sum(ab), sum(sab), sum(me), sum(ms), sum(sl), sum(am), sum(aw), sum(due), sum(cb),
        sum(cb1), max(wait)";
    let grains = [
        ("day", "day", "''"),
        ("hour", "day", "hour"),
        ("agent", "day", "agent"),
        ("number", "day", "number"),
        ("hour_month", "month", "hour"),
        ("agent_month", "month", "agent"),
        ("number_month", "month", "number"),
    ]
    .map(|(grain, day, key)| {
        format!("select org_id, {day}, '{grain}', {key}, {sums} from m group by 1, 2, 4")
    })
    .join(" union all ");
    format!(
        "{per_call} select * from ({grains}) n (org_id, day, grain, key, {COLUMNS}) order by 1, 2, 3, 4"
    )
}

async fn assert_exact(w: &World, when: &str) {
    let admin = w.db.admin().await;
    let text = |rows: Vec<tokio_postgres::Row>| -> Vec<String> {
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| match r.columns()[i].type_().name() {
                        "uuid" => r.get::<_, uuid::Uuid>(i).to_string(),
                        "date" => r.get::<_, chrono::NaiveDate>(i).to_string(),
                        _ => r.get::<_, String>(i),
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    };
    let measured = |source: String| {
        format!(
            "select s.org_id, s.day, s.grain, s.key, concat_ws('/', {COLUMNS}) as n from ({source}) s"
        )
    };
    let rollups = admin.query(&measured(rollups()), &[]).await.unwrap();
    let naive = admin.query(&measured(naive()), &[]).await.unwrap();
    let (rollups, naive) = (text(rollups), text(naive));
    assert!(!naive.is_empty() || when == "after truncate");
    assert_eq!(rollups, naive, "{when}");
}

/// The sync engine's upsert: a batch, updating only rows that changed. Callers come from a pool of
/// 37 numbers; every fifth call is placed 43 minutes after the one before and dials its number, so
/// some missed calls are called back within the hour, in the same batch as the call they return.
const UPSERT: &str = "insert into calls as t (org_id, external_id, started_at, direction, status, duration_ms,
                                  business_number, agent_extension, caller_number, called_number)
    select $1, 'A-call-' || i, started_at, direction, status, duration_ms, business_number, agent_extension,
           case when direction = 'outgoing' then business_number else peer end,
           case when direction = 'outgoing' then peer else business_number end
    from (
      select i,
             timestamptz '2026-01-01 00:00:00+00' + i * interval '143 minutes' + i * interval '7 seconds'
               + case when i % 10 = 1 then interval '3 days' else interval '0' end
               - case when i % 5 = 0 then interval '100 minutes' else interval '0' end as started_at,
             (array['incoming', 'outgoing', 'unknown'])[1 + i % 3] as direction,
             case when i % 10 = 2 then 'connected'
                  else (array['connected', 'missed', 'voicemail', 'dropped', 'unknown', null])[1 + i % 6] end
               as status,
             case when i % 10 = 3 then 5 when i % 7 = 0 then null else i * 1000 + 17 end as duration_ms,
             (array['+12125550100', '+12125550101', '+12125550102', null])[1 + i % 4] as business_number,
             case when i % 10 = 4 then '999' else (array['101', '102', '103', '104', null])[1 + i % 5] end
               as agent_extension,
             case when i % 11 = 0 then null
                  else '+1303555' || lpad(((i - (i % 5 = 0)::int) % 37)::text, 4, '0') end as peer
      from generate_series(1, 1000) i) g
    on conflict (org_id, external_id) do update set
      started_at = excluded.started_at, direction = excluded.direction, status = excluded.status,
      duration_ms = excluded.duration_ms, business_number = excluded.business_number,
      agent_extension = excluded.agent_extension, caller_number = excluded.caller_number,
      called_number = excluded.called_number, synced_at = now()
    where (t.started_at, t.direction, t.status, t.duration_ms, t.business_number, t.agent_extension,
           t.caller_number, t.called_number)
          is distinct from
          (excluded.started_at, excluded.direction, excluded.status, excluded.duration_ms,
           excluded.business_number, excluded.agent_extension, excluded.caller_number, excluded.called_number)";

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
    let (callbacks, within_hour): (i64, i64) = {
        let row = w
            .db
            .admin()
            .await
            .query_one(
                "select coalesce(sum(callbacks), 0)::int8, coalesce(sum(callbacks_within_1h), 0)::int8
                 from call_rollups where org_id = $1 and grain = 'day'",
                &[&w.t.org_a],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert!(
        callbacks > 20 && within_hour > 5,
        "{callbacks} callbacks, {within_hour} within the hour"
    );

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
