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
    // One statement for every row: the store's 10 s cut is for requests, not for this reference.
    tx.client()
        .batch_execute("set local statement_timeout = 0")
        .await
        .unwrap();
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

/// Rows the naive reference sends, one autocommitted statement each: enough for a stable rate (it
/// runs at about a thousand rows a second here, so all 100,000 would add minutes).
const NAIVE_ROWS: i64 = 5_000;

pub async fn naive_upsert(world: &World) -> Figures {
    let admin = world.db.admin().await;
    let rows = admin
        .query(
            &format!("select {COLUMNS} from calls where org_id = $1 order by started_at limit $2"),
            &[&world.org, &NAIVE_ROWS],
        )
        .await
        .unwrap();
    admin.batch_execute("truncate calls").await.unwrap();
    let statement = admin
        .prepare(&format!(
            "insert into calls ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             on conflict (org_id, external_id) do update set started_at = excluded.started_at, status = excluded.status,
               duration_ms = excluded.duration_ms, recording_url = excluded.recording_url"
        ))
        .await
        .unwrap();
    let started = Instant::now();
    for row in &rows {
        let id: uuid::Uuid = row.get(0);
        let external: String = row.get(1);
        let at: chrono::DateTime<chrono::Utc> = row.get(2);
        let direction: String = row.get(3);
        let status: Option<String> = row.get(4);
        let duration: Option<i64> = row.get(5);
        let text: Vec<Option<String>> = (6..15).map(|i| row.get(i)).collect();
        let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            vec![&id, &external, &at, &direction, &status, &duration];
        params.extend(
            text.iter()
                .map(|t| t as &(dyn tokio_postgres::types::ToSql + Sync)),
        );
        admin.execute(&statement, &params).await.unwrap();
    }
    Figures {
        rows: rows.len() as u64,
        seconds: started.elapsed().as_secs_f64(),
        requests: 0,
    }
}
