//! The two reference points: COPY of the same rows into the same (emptied) table, and a naive
//! upsert that sends one statement per row.

use std::time::Instant;

use bytes::Bytes;
use futures::{SinkExt, TryStreamExt};

use crate::sync_run::{Figures, World};

const COLUMNS: &str = "org_id, external_id, started_at, direction, status, duration_ms, business_number, caller_number,
    caller_name, caller_extension, called_number, called_name, agent_extension, recording_url, recording_file_name";

async fn export(world: &World) -> (Vec<u8>, u64) {
    let admin = world.db.admin().await;
    let sql = format!(
        "copy (select {COLUMNS} from calls where org_id = '{}') to stdout",
        world.org
    );
    let chunks: Vec<Bytes> = admin
        .copy_out(sql.as_str())
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let data: Vec<u8> = chunks.concat();
    let rows = data.iter().filter(|b| **b == b'\n').count() as u64;
    (data, rows)
}

pub async fn copy_in(world: &World) -> Figures {
    let (data, rows) = export(world).await;
    world
        .db
        .admin()
        .await
        .batch_execute("truncate calls")
        .await
        .unwrap();
    let db = world.db.store();
    let tx = db.as_service().await.unwrap();
    let started = Instant::now();
    let sink = tx
        .client()
        .copy_in(format!("copy calls ({COLUMNS}) from stdin").as_str())
        .await
        .unwrap();
    futures::pin_mut!(sink);
    sink.send(Bytes::from(data)).await.unwrap();
    let copied = sink.finish().await.unwrap();
    tx.commit().await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(copied, rows);
    Figures {
        rows,
        seconds,
        requests: 0,
    }
}

pub async fn naive_upsert(world: &World) -> Figures {
    let admin = world.db.admin().await;
    let rows = admin
        .query(
            &format!("select {COLUMNS} from calls where org_id = $1"),
            &[&world.org],
        )
        .await
        .unwrap();
    admin.batch_execute("truncate calls").await.unwrap();
    let db = world.db.store();
    let tx = db.as_service().await.unwrap();
    let statement = tx
        .client()
        .prepare(&format!(
            "insert into calls ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             on conflict (org_id, external_id) do update set started_at = excluded.started_at, status = excluded.status,
               duration_ms = excluded.duration_ms, recording_url = excluded.recording_url"
        ))
        .await
        .unwrap();
    let started = Instant::now();
    for row in &rows {
        let values: (
            uuid::Uuid,
            String,
            chrono::DateTime<chrono::Utc>,
            String,
            Option<String>,
            Option<i64>,
        ) = (
            row.get(0),
            row.get(1),
            row.get(2),
            row.get(3),
            row.get(4),
            row.get(5),
        );
        let text = |i: usize| row.get::<_, Option<String>>(i);
        tx.client()
            .execute(
                &statement,
                &[
                    &values.0,
                    &values.1,
                    &values.2,
                    &values.3,
                    &values.4,
                    &values.5,
                    &text(6),
                    &text(7),
                    &text(8),
                    &text(9),
                    &text(10),
                    &text(11),
                    &text(12),
                    &text(13),
                    &text(14),
                ],
            )
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    Figures {
        rows: rows.len() as u64,
        seconds: started.elapsed().as_secs_f64(),
        requests: 0,
    }
}
