//! Every sample event in `events/data` goes through the Lambda request path (lambda_http's own
//! parser) into the real router and succeeds with the rows it asks for, so samples cannot rot. The
//! samples carry `DEMO_TOKEN` and a fixed org id that the test swaps for a live token and org A.

use std::path::Path;

use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::World;

const SAMPLE_ORG: &str = "11111111-1111-4111-8111-111111111111";

#[tokio::test]
async fn every_data_sample_event_succeeds() {
    let w = World::new().await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/data");
    // (sample, body key or CSV header start, rows expected)
    let expected = [
        ("contacts.json", "contacts", 10),
        ("dashboard-metrics.json", "series", 31),
        ("phone-numbers.json", "phone_numbers", 2),
        ("recordings.json", "recordings", 25),
        ("reports-agents-csv.json", "agent_extension,total", 5),
        ("reports-calls.json", "reports", 50),
        ("reports-daily.json", "reports", 31),
        ("sms-messages.json", "messages", 14),
        ("voicemails.json", "voicemails", 12),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed: Vec<&str> = expected.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(
        names, listed,
        "every sample has an expectation and vice versa"
    );
    for (name, key, rows) in expected {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap()
            .replace("DEMO_TOKEN", &w.token(w.t.agent_a))
            .replace(SAMPLE_ORG, &w.t.org_a.to_string());
        let request = lambda_http::request::from_str(&text).unwrap();
        let response = w.data.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes);
        assert_eq!(status, 200, "{name}: {body}");
        if key.contains(',') {
            assert!(body.starts_with(key), "{name}: {body}");
            assert_eq!(
                body.split_terminator("\r\n").count(),
                rows + 1,
                "{name}: {body}"
            );
        } else {
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(json[key].as_array().unwrap().len(), rows, "{name}: {body}");
        }
    }
}
