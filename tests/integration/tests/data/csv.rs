//! `format=csv` or `Accept: text/csv` on reports, recordings and messages: a header row, one line
//! per row of the whole range (see `export.rs` for more than a page, the cap, BOM and gzip).

use crate::support::{DataCalls, RANGE, world};

#[tokio::test]
async fn reports_recordings_and_messages_come_as_csv() {
    let w = world().await;
    let org = w.t.org_a;
    let base = format!("/api/mightycall/reports?orgId={org}&{RANGE}&limit=3");
    let (status, headers, body) = w
        .get_raw(&format!("{base}&format=csv"), w.t.agent_a, None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let lines: Vec<&str> = body.split_terminator("\r\n").collect();
    // `limit` does not cut the file: every call of the range.
    assert_eq!(lines.len(), 301, "{body}");
    assert!(
        lines[0].starts_with("id,external_id,started_at,direction,status,duration_ms"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(",A-call-300,2026-01-30T19:35:00Z,incoming,connected,300017,"),
        "{}",
        lines[1]
    );
    assert!(headers.get("x-next-cursor").is_none());
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"calls.csv\""
    );

    let (_, headers, body) = w
        .get_raw(
            &format!("/api/mightycall/reports?orgId={org}&{RANGE}&type=agents"),
            w.t.agent_a,
            Some("text/csv"),
        )
        .await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let stats = "total,answered,missed,voicemail,answer_rate,talk_time_ms,avg_talk_time_ms,inbound,outbound,abandoned,short_abandoned,abandon_rate,measured_calls,service_level,sla_met,avg_speed_of_answer_ms,longest_wait_ms,repeat_callers,callbacks,callback_within_1h_rate,callback_p50_ms,callback_p90_ms";
    assert!(
        body.starts_with(&format!("agent_extension,agent_name,{stats}\r\n")),
        "{body}"
    );
    assert_eq!(body.split_terminator("\r\n").count(), 6);

    // Empty pages still name their columns; texts with commas and quotes are quoted.
    let (_, _, body) = w
        .get_raw(&format!("/api/mightycall/reports?orgId={org}&type=daily&startDate=2026-01-01&endDate=2026-01-01&status=missed&format=csv&q=nobody"), w.t.agent_a, None)
        .await;
    assert_eq!(
        body,
        format!("day,{stats}\r\n2026-01-01,0,0,0,0,,0,,0,0,0,0,,0,,,,,0,0,,,\r\n")
    );
    let (_, _, body) = w
        .get_raw(
            &format!(
                "/api/sms/messages?orgId={org}&startDate=2025-01-01&endDate=2025-01-02&format=csv"
            ),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(
        body,
        "id,external_id,sent_at,direction,client_number,business_number,agent_extension,agent_name,body,delivery_status,attachments\r\n"
    );
    let (_, _, body) = w
        .get_raw(
            &format!("/api/sms/messages?orgId={org}&{RANGE}&format=csv&limit=1"),
            w.t.agent_a,
            None,
        )
        .await;
    assert!(body.contains(",\"A text, \"\"quoted\"\" "), "{body}");
    let (_, headers, body) = w
        .get_raw(
            &format!("/api/mightycall/recordings?orgId={org}&{RANGE}"),
            w.t.agent_a,
            Some("text/csv"),
        )
        .await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(body.split_terminator("\r\n").count(), 26);

    // Errors stay JSON.
    let (status, headers, _) = w
        .get_raw(
            &format!("/api/mightycall/reports?orgId={}&format=csv", w.t.org_b),
            w.t.agent_a,
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}
