//! `format=csv` exports the whole filtered range: more rows than a page, each once and only the
//! org's own; 422 past the cap before anything is streamed; the BOM on request; gzip when accepted;
//! times with the offset of the org's zone and dates as its local days; formulas defused.

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use http_body_util::BodyExt;
use integration_tests::World;
use std::collections::HashSet;
use tower::{Layer, ServiceExt};
use tower_http::decompression::DecompressionLayer;
use uuid::Uuid;

use crate::support::{B_MARKER, DataCalls, world};

/// February 2026 is empty in the seeded world: each test fills it as it needs.
const FEB: &str = "startDate=2026-02-01&endDate=2026-02-28";

/// A GET with extra request headers: status, headers and the body as sent (maybe gzipped).
async fn fetch(
    w: &World,
    path: &str,
    as_user: Uuid,
    headers: &[(&str, &str)],
) -> (u16, HeaderMap, Vec<u8>) {
    let mut request =
        Request::get(path).header("authorization", format!("Bearer {}", w.token(as_user)));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = w
        .data()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes.to_vec())
}

/// The CSV's data lines (header left out).
fn data_lines(body: &str) -> Vec<&str> {
    body.split_terminator("\r\n").skip(1).collect()
}

async fn insert_calls(w: &World, org: Uuid, rows: i64, tag: &str, from: &str) {
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, caller_name)
             select $1, $3 || '-feb-' || i, $4::text::timestamptz + i * interval '1 second',
                    'incoming', 'connected', $3 || ' caller'
             from generate_series(1, $2::bigint) i",
            &[&org, &rows, &tag, &from],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_whole_range_comes_once_and_only_the_orgs_own() {
    let w = world().await;
    let (a, b) = (w.t.org_a, w.t.org_b);
    // 2,500 calls (five pages of 500) and 1,100 messages for A, and B's in the same days.
    insert_calls(&w, a, 2_500, "A", "2026-02-10T00:00:00Z").await;
    insert_calls(&w, b, 700, B_MARKER, "2026-02-10T00:00:00Z").await;
    w.db.admin()
        .await
        .batch_execute(&format!(
            "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, body)
             select '{a}', 'A-feb-sms-' || i, timestamptz '2026-02-05Z' + i * interval '1 minute',
                    'inbound', 'hello ' || i
             from generate_series(1, 1100) i;
             insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, body)
             select '{b}', '{B_MARKER}-feb-sms-' || i, timestamptz '2026-02-05Z' + i * interval '1 minute',
                    'inbound', 'secret ' || i
             from generate_series(1, 300) i;"
        ))
        .await
        .unwrap();

    let (status, headers, body) = w
        .get_raw(
            &format!("/api/mightycall/reports?orgId={a}&{FEB}&format=csv"),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers.get("x-next-cursor").is_none());
    assert!(!body.contains(B_MARKER));
    let ids: Vec<&str> = data_lines(&body)
        .iter()
        .map(|line| line.split(',').nth(1).unwrap())
        .collect();
    let unique: HashSet<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    let expected: HashSet<String> = (1..=2_500).map(|i| format!("A-feb-{i}")).collect();
    assert_eq!(ids.len(), 2_500);
    assert_eq!(unique, expected);

    let (status, headers, body) = w
        .get_raw(
            &format!("/api/sms/messages?orgId={a}&{FEB}&format=csv"),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"messages.csv\""
    );
    assert!(!body.contains(B_MARKER));
    let ids: HashSet<&str> = data_lines(&body)
        .iter()
        .map(|line| line.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(data_lines(&body).len(), 1_100);
    assert_eq!(ids.len(), 1_100);

    // A member of A asking for B's export learns nothing: 404 JSON, for lists and reports alike.
    for path in [
        format!("/api/mightycall/reports?orgId={b}&{FEB}&format=csv"),
        format!("/api/sms/messages?orgId={b}&{FEB}&format=csv"),
    ] {
        let (status, headers, body) = w.get_raw(&path, w.t.agent_a, None).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        assert!(!body.contains(B_MARKER));
    }
}

#[tokio::test]
async fn past_the_cap_the_answer_is_422_json_and_nothing_is_streamed() {
    let w = world().await;
    let a = w.t.org_a;
    let cap = data::MAX_EXPORT_ROWS;
    insert_calls(&w, a, cap + 1, "A", "2026-02-01T00:00:00Z").await;
    w.db.admin()
        .await
        .execute(
            "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction)
             select $1, 'A-cap-' || i, timestamptz '2026-02-01Z' + i * interval '1 second', 'inbound'
             from generate_series(1, $2::bigint) i",
            &[&a, &(cap + 1)],
        )
        .await
        .unwrap();
    for path in [
        format!("/api/mightycall/reports?orgId={a}&{FEB}&format=csv"),
        format!("/api/sms/messages?orgId={a}&{FEB}&format=csv"),
    ] {
        let (status, headers, body) = w.get_raw(&path, w.t.agent_a, None).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"], "export_too_large", "{body}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(&cap.to_string()), "{message}");
        assert!(message.contains("narrow the date range"), "{message}");
    }
    // One row fewer is exported whole (the aggregated reports are far below the cap).
    w.db.admin()
        .await
        .execute(
            "delete from calls where org_id = $1 and external_id = 'A-feb-1'",
            &[&a],
        )
        .await
        .unwrap();
    let (status, _, body) = w
        .get_raw(
            &format!("/api/mightycall/reports?orgId={a}&{FEB}&format=csv"),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(data_lines(&body).len(), usize::try_from(cap).unwrap());
}

#[tokio::test]
async fn bom_only_when_asked_and_gzip_when_accepted() {
    let w = world().await;
    let org = w.t.org_a;
    let path = format!(
        "/api/mightycall/reports?orgId={org}&startDate=2026-01-01&endDate=2026-01-31&format=csv"
    );
    let (_, _, plain) = fetch(&w, &path, w.t.agent_a, &[]).await;
    assert!(plain.starts_with(b"id,external_id,started_at,"));
    let (_, _, with_bom) = fetch(&w, &format!("{path}&bom=true"), w.t.agent_a, &[]).await;
    assert_eq!(&with_bom[..3], b"\xef\xbb\xbf");
    assert_eq!(&with_bom[3..], &plain[..]);
    let (_, _, without) = fetch(&w, &format!("{path}&bom=false"), w.t.agent_a, &[]).await;
    assert_eq!(without, plain);

    // Without Accept-Encoding the CSV is plain; with gzip accepted it is gzipped, same text.
    let (_, headers, _) = fetch(&w, &path, w.t.agent_a, &[]).await;
    assert!(headers.get("content-encoding").is_none());
    let (status, headers, gzipped) =
        fetch(&w, &path, w.t.agent_a, &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(&gzipped[..2], b"\x1f\x8b");
    assert!(
        gzipped.len() < plain.len() / 3,
        "{} of {}",
        gzipped.len(),
        plain.len()
    );
    let unzip = DecompressionLayer::new().layer(w.data());
    let request = Request::get(&path)
        .header("authorization", format!("Bearer {}", w.token(w.t.agent_a)))
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = unzip.oneshot(request).await.unwrap();
    let text = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(text.to_vec(), plain);
    // Errors stay plain JSON.
    let (status, headers, _) = fetch(
        &w,
        &format!("{path}&bom=1"),
        w.t.agent_a,
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(headers.get("content-encoding").is_none());
}

#[tokio::test]
async fn times_carry_the_zones_offset_and_dates_are_its_local_days() {
    let w = world().await;
    let org = w.t.org_a;
    let admin = w.db.admin().await;
    admin
        .batch_execute(&format!(
            "update organizations set time_zone = 'America/New_York' where id = '{org}';
             insert into mightycall_voicemails (org_id, external_id, received_at, from_number)
             values ('{org}', 'ny-winter', '2026-01-15T12:00:00Z', '+15550001'),
                    ('{org}', 'ny-summer', '2026-07-15T12:00:00Z', '+15550002'),
                    ('{org}', 'ny-late', '2026-01-02T03:00:00Z', '+15550003');"
        ))
        .await
        .unwrap();
    let list = |range: &str| format!("/api/mightycall/voicemails?orgId={org}&{range}");
    let reply = w
        .get(
            &list("startDate=2026-01-15&endDate=2026-07-15"),
            w.t.agent_a,
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let at = |id: &str| {
        reply.body["voicemails"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["external_id"] == id)
            .map(|v| v["received_at"].as_str().unwrap().to_owned())
    };
    assert_eq!(at("ny-winter").unwrap(), "2026-01-15T07:00:00-05:00");
    assert_eq!(at("ny-summer").unwrap(), "2026-07-15T08:00:00-04:00");
    let (_, _, csv) = w
        .get_raw(
            &format!(
                "{}&format=csv",
                list("startDate=2026-07-15&endDate=2026-07-15")
            ),
            w.t.agent_a,
            None,
        )
        .await;
    assert!(
        csv.contains(",ny-summer,2026-07-15T08:00:00-04:00,"),
        "{csv}"
    );

    // 2026-01-02T03:00Z is 22:00 on 1 January in New York.
    let ids = |reply: &test_harness::http::Reply| -> Vec<String> {
        reply.body["voicemails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["external_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = w
        .get(
            &list("startDate=2026-01-01&endDate=2026-01-01"),
            w.t.agent_a,
        )
        .await;
    assert!(
        ids(&first).contains(&"ny-late".to_owned()),
        "{:?}",
        first.body
    );
    let second = w
        .get(
            &list("startDate=2026-01-02&endDate=2026-01-02"),
            w.t.agent_a,
        )
        .await;
    assert!(
        !ids(&second).contains(&"ny-late".to_owned()),
        "{:?}",
        second.body
    );
    let (_, _, csv) = w
        .get_raw(
            &format!(
                "{}&format=csv",
                list("startDate=2026-01-01&endDate=2026-01-01")
            ),
            w.t.agent_a,
            None,
        )
        .await;
    assert!(csv.contains(",ny-late,2026-01-01T22:00:00-05:00,"), "{csv}");
}

#[tokio::test]
async fn formulas_are_defused_and_phone_numbers_kept() {
    let w = world().await;
    let org = w.t.org_a;
    w.db.admin()
        .await
        .execute(
            "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, client_number, body)
             values ($1, 'evil', '2026-02-03T10:00:00Z', 'inbound', '+1 (212) 555-0100', '=HYPERLINK(\"http://x\")'),
                    ($1, 'at', '2026-02-03T11:00:00Z', 'inbound', '-5', '@SUM(1+1)')",
            &[&org],
        )
        .await
        .unwrap();
    let (_, _, csv) = w
        .get_raw(
            &format!("/api/sms/messages?orgId={org}&{FEB}&format=csv"),
            w.t.agent_a,
            None,
        )
        .await;
    assert!(
        csv.contains(",inbound,+1 (212) 555-0100,,,,\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{csv}"
    );
    assert!(csv.contains(",inbound,-5,,,,'@SUM(1+1),"), "{csv}");
}
