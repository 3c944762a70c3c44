//! The synced lists: every row once, newest first, across pages; deleted rows left out; default and
//! explicit date ranges.

use serde_json::Value;

use crate::reports::all_pages;
use integration_tests::World;

use crate::support::{DataCalls, RANGE, world};

async fn external_ids(w: &World, sql: &str, org: uuid::Uuid) -> Vec<Value> {
    w.expect(sql, org)
        .await
        .into_iter()
        .map(|r| r["external_id"].clone())
        .collect()
}

#[tokio::test]
async fn lists_page_newest_first_with_every_row_once() {
    let w = world().await;
    let org = w.t.org_a;
    for (route, key, table, sort, extra) in [
        (
            "mightycall/recordings",
            "recordings",
            "mightycall_recordings",
            "recorded_at",
            "",
        ),
        (
            "mightycall/voicemails",
            "voicemails",
            "mightycall_voicemails",
            "received_at",
            "",
        ),
        // Fourteen messages on five distinct timestamps: ties are broken by id.
        (
            "sms/messages",
            "messages",
            "mightycall_sms_messages",
            "sent_at",
            "",
        ),
        (
            "mightycall/contacts",
            "contacts",
            "mightycall_contacts",
            "coalesce(source_updated_at, created_at)",
            "and deleted_at is null",
        ),
    ] {
        let range = if key == "contacts" {
            String::new()
        } else {
            format!("&{RANGE}")
        };
        let path = format!("/api/{route}?orgId={org}&limit=4{range}");
        let rows = all_pages(&w, &path, key, w.t.agent_a).await;
        let got: Vec<Value> = rows.iter().map(|r| r["external_id"].clone()).collect();
        let window = if key == "contacts" {
            ""
        } else {
            "and {sort} >= '2026-01-01Z' and {sort} < '2026-02-01Z'"
        }
        .replace("{sort}", sort);
        let expected = external_ids(
            &w,
            &format!("select external_id from {table} where org_id = $1 {extra} {window} order by {sort} desc, id desc"),
            org,
        )
        .await;
        assert_eq!(got, expected, "{route}");
        assert!(!got.is_empty(), "{route}");
    }
}

#[tokio::test]
async fn recordings_voicemails_and_messages_default_to_the_last_30_days() {
    let w = world().await;
    // Only the fixture's row from "now" is recent; January's rows are not.
    for (route, key) in [
        ("mightycall/recordings", "recordings"),
        ("mightycall/voicemails", "voicemails"),
        ("sms/messages", "messages"),
    ] {
        let reply = w
            .get(&format!("/api/{route}?orgId={}", w.t.org_a), w.t.agent_a)
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body[key].as_array().unwrap().len(), 1, "{route}");
    }
    // Contacts ignore time unless asked: nine live ones plus the fixture's.
    let reply = w
        .get(
            &format!("/api/mightycall/contacts?orgId={}", w.t.org_a),
            w.t.agent_a,
        )
        .await;
    assert_eq!(reply.body["contacts"].as_array().unwrap().len(), 10);
    let reply = w
        .get(
            &format!(
                "/api/mightycall/contacts?orgId={}&startDate=2026-01-05&endDate=2026-01-05",
                w.t.org_a
            ),
            w.t.agent_a,
        )
        .await;
    assert_eq!(
        reply.body["contacts"].as_array().unwrap().len(),
        6,
        "contacts with an update time that day"
    );
}

#[tokio::test]
async fn phone_numbers_leave_out_deleted_ones() {
    let w = world().await;
    let reply = w
        .get(
            &format!("/api/mightycall/phone-numbers?orgId={}", w.t.org_a),
            w.t.agent_a,
        )
        .await;
    assert_eq!(reply.status, 200);
    let numbers: Vec<&str> = reply.body["phone_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        ["+12125550100", "+12125550100"],
        "the fixture's and the seeded live one"
    );
    assert!(reply.body["next_cursor"].is_null());
}
