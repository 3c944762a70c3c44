//! Malformed queries get a 4xx JSON error with a request id, never a 500.

use crate::support::{DataCalls, world};

#[tokio::test]
async fn malformed_queries_are_400_json() {
    let w = world().await;
    let org = w.t.org_a;
    let reports = format!("/api/mightycall/reports?orgId={org}");
    let calls_cursor = w
        .get(
            &format!("{reports}&type=calls&startDate=2026-01-01&endDate=2026-01-31&limit=1"),
            w.t.agent_a,
        )
        .await
        .body["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases: Vec<(String, &str)> = vec![
        (
            "/api/mightycall/reports?orgId=not-a-uuid".into(),
            "invalid_org_id",
        ),
        ("/api/mightycall/reports?orgId=".into(), "invalid_org_id"),
        (format!("{reports}&type=weekly"), "invalid_query"),
        (format!("{reports}&type="), "invalid_query"),
        (format!("{reports}&direction=sideways"), "invalid_query"),
        (format!("{reports}&status=answered"), "invalid_query"),
        (format!("{reports}&format=xml"), "invalid_query"),
        (format!("{reports}&agent=12a"), "invalid_agent"),
        (format!("{reports}&agent="), "invalid_agent"),
        (format!("{reports}&number=555"), "invalid_number"),
        (
            format!("{reports}&type=daily&number=%2B1%20212"),
            "invalid_number",
        ),
        (format!("{reports}&unknown=1"), "invalid_query"),
        (format!("{reports}&orgId={org}"), "invalid_query"),
        (format!("{reports}&limit=0"), "invalid_limit"),
        (format!("{reports}&limit=501"), "invalid_limit"),
        (format!("{reports}&limit=abc"), "invalid_limit"),
        (format!("{reports}&limit=-1"), "invalid_limit"),
        (
            format!("{reports}&startDate=2026-02-30"),
            "invalid_date_range",
        ),
        (
            format!("{reports}&startDate=01/02/2026"),
            "invalid_date_range",
        ),
        (
            format!("{reports}&startDate=2026-01-31&endDate=2026-01-01"),
            "invalid_date_range",
        ),
        (
            format!("{reports}&startDate=2025-01-01&endDate=2026-01-02"),
            "invalid_date_range",
        ),
        (
            format!("{reports}&endDate=+999999-01-01"),
            "invalid_date_range",
        ),
        (format!("{reports}&cursor=%%%"), "invalid_cursor"),
        (format!("{reports}&cursor=bm9wZQ"), "invalid_cursor"),
        // A cursor of one report type is refused by another.
        (
            format!("{reports}&type=daily&cursor={calls_cursor}"),
            "invalid_cursor",
        ),
        (format!("{reports}&q={}", "x".repeat(101)), "invalid_q"),
        (format!("{reports}&q=%00"), "invalid_q"),
        (
            format!("/api/mightycall/phone-numbers?orgId={org}&limit=5"),
            "invalid_query",
        ),
        (
            format!("/api/mightycall/voicemails?orgId={org}&format=xml"),
            "invalid_query",
        ),
        (
            format!("/api/mightycall/voicemails?orgId={org}&format=csv&bom=yes"),
            "invalid_bom",
        ),
        (
            format!("/api/mightycall/voicemails?orgId={org}&format=csv&cursor={calls_cursor}"),
            "invalid_cursor",
        ),
        (
            format!("/api/mightycall/contacts?orgId={org}&cursor={calls_cursor}"),
            "invalid_cursor",
        ),
        (
            format!("/api/dashboard/metrics?orgId={org}&type=daily"),
            "invalid_query",
        ),
        (
            format!("/api/sms/messages?orgId={org}&startDate=2026-1-1"),
            "invalid_date_range",
        ),
    ];
    for (path, code) in cases {
        let reply = w.get(&path, w.t.agent_a).await;
        assert_eq!(reply.status, 400, "{path}: {:?}", reply.body);
        assert_eq!(reply.body["error"], code, "{path}: {:?}", reply.body);
        assert!(reply.body["request_id"].is_string(), "{path}");
    }
    // The review's reproductions: values chrono or the cursor decoder took, which PostgreSQL then
    // refused (SQLSTATE 22008, 22021) as a 500.
    let cursor = |scope: &str, key: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{scope}:{key}"))
    };
    let crafted = [
        (
            format!("{reports}&startDate=-5000-1-01"),
            "invalid_date_range",
        ),
        (
            format!("{reports}&endDate=-5000-1-01"),
            "invalid_date_range",
        ),
        (
            format!("{reports}&startDate=1999-12-31"),
            "invalid_date_range",
        ),
        (
            format!(
                "{reports}&type=calls&cursor={}",
                cursor("calls", &format!("{}/{}", i64::MAX / 2, uuid::Uuid::nil()))
            ),
            "invalid_cursor",
        ),
        (
            format!(
                "{reports}&type=calls&cursor={}",
                cursor("calls", &format!("{}/{}", i64::MIN / 2, uuid::Uuid::nil()))
            ),
            "invalid_cursor",
        ),
        (
            format!(
                "{reports}&type=daily&cursor={}",
                cursor("daily", "-5000-1-01")
            ),
            "invalid_cursor",
        ),
        (
            format!(
                "{reports}&type=agents&cursor={}",
                cursor("agents", "1\u{0}01")
            ),
            "invalid_cursor",
        ),
        (
            format!("{reports}&type=numbers&cursor={}", "A".repeat(5000)),
            "invalid_cursor",
        ),
    ];
    for (path, code) in crafted {
        let reply = w.get(&path, w.t.agent_a).await;
        assert_eq!(reply.status, 400, "{path}: {:?}", reply.body);
        assert_eq!(reply.body["error"], code, "{path}: {:?}", reply.body);
    }
    // The limits themselves are fine.
    for limit in [1, 500] {
        let reply = w
            .get(&format!("{reports}&limit={limit}"), w.t.agent_a)
            .await;
        assert_eq!(reply.status, 200, "{limit}: {:?}", reply.body);
    }
}
