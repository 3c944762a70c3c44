//! Every sample event in `events/data` goes through the Lambda request path (lambda_http's own
//! parser) into the real router and succeeds with the rows it asks for, so samples cannot rot. The
//! samples carry `DEMO_TOKEN` and a fixed org id that the test swaps for a live token and org A.

use integration_tests::events::{SAMPLE_ORG, replay};

use crate::support::world;

#[tokio::test]
async fn every_data_sample_event_succeeds() {
    let w = world().await;
    // (sample, body key or CSV header start, rows expected)
    let expected = [
        ("contacts.json", "contacts", 10),
        ("dashboard-metrics.json", "series", 31),
        ("phone-numbers.json", "phone_numbers", 2),
        ("recordings.json", "recordings", 25),
        (
            "reports-agents-csv.json",
            "agent_extension,agent_name,total",
            5,
        ),
        ("reports-calls.json", "reports", 50),
        ("reports-daily.json", "reports", 31),
        ("sms-messages.json", "messages", 14),
        ("voicemails.json", "voicemails", 12),
    ];
    let token = w.token(w.t.agent_a);
    let replies = replay("data", &expected.map(|(n, _, _)| n), &w.data(), |text| {
        text.replace("DEMO_TOKEN", &token)
            .replace(SAMPLE_ORG, &w.t.org_a.to_string())
    })
    .await;
    for ((name, reply), (_, key, rows)) in replies.iter().zip(expected) {
        let body = reply.text();
        assert_eq!(reply.status, 200, "{name}: {body}");
        if key.contains(',') {
            assert!(body.starts_with(key), "{name}: {body}");
            assert_eq!(
                body.split_terminator("\r\n").count(),
                rows + 1,
                "{name}: {body}"
            );
        } else {
            let json = reply.json();
            assert_eq!(json[key].as_array().unwrap().len(), rows, "{name}: {body}");
        }
    }
}
