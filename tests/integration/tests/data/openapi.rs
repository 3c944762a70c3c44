//! The data function documents each of its routes with exactly the query parameters it takes.

use serde_json::{Value, json};
use test_harness::http::call;

use crate::support::world;

#[tokio::test]
async fn openapi_json_lists_every_data_route_with_its_parameters() {
    let w = world().await;
    // Public: no token.
    let reply = call(
        &w.data(),
        axum::http::Method::GET,
        "/api/openapi.json",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let doc = reply.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));

    let list = [
        "orgId",
        "startDate",
        "endDate",
        "limit",
        "cursor",
        "format",
        "bom",
    ];
    let routes: [(&str, &[&str], bool); 7] = [
        ("/api/mightycall/phone-numbers", &["orgId"], false),
        (
            "/api/mightycall/reports",
            &[
                "orgId",
                "type",
                "startDate",
                "endDate",
                "direction",
                "status",
                "q",
                "agent",
                "number",
                "limit",
                "cursor",
                "format",
                "bom",
            ],
            true,
        ),
        ("/api/mightycall/recordings", &list, true),
        ("/api/mightycall/voicemails", &list, true),
        ("/api/mightycall/contacts", &list, true),
        ("/api/sms/messages", &list, true),
        (
            "/api/dashboard/metrics",
            &["orgId", "startDate", "endDate"],
            false,
        ),
    ];
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    let mut expected: Vec<&str> = routes.iter().map(|(path, _, _)| *path).collect();
    expected.extend(["/api/health", "/api/openapi.json"]);
    expected.sort_unstable();
    assert_eq!(paths, expected);

    for (path, names, csv) in routes {
        let op = &doc["paths"][path]["get"];
        let params = op["parameters"].as_array().unwrap();
        let given: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(given, names, "{path}");
        for p in params {
            let name = p["name"].as_str().unwrap();
            assert_eq!(p["in"], "query", "{path} {name}");
            assert_ne!(p["required"], true, "{path} {name}");
            let schema = &p["schema"];
            let expect = match name {
                "orgId" => json!({"type": "string", "format": "uuid"}),
                "startDate" | "endDate" => json!({"type": "string", "format": "date"}),
                "type" => {
                    json!({"type": "string", "enum": ["calls", "daily", "agents", "numbers", "hourly"]})
                }
                "format" => json!({"type": "string", "enum": ["json", "csv"]}),
                "bom" => json!({"type": "boolean"}),
                "direction" => {
                    json!({"type": "string", "enum": ["incoming", "outgoing", "unknown"]})
                }
                "status" => json!({"type": "string",
                    "enum": ["connected", "missed", "voicemail", "dropped", "unknown"]}),
                "agent" => json!({"type": "string", "pattern": "^[0-9]{1,10}$"}),
                "number" => json!({"type": "string", "pattern": "^\\+[1-9][0-9]{1,14}$"}),
                _ => continue,
            };
            for (key, value) in expect.as_object().unwrap() {
                assert_eq!(&schema[key], value, "{path} {name}");
            }
        }
        if let Some(limit) = params.iter().find(|p| p["name"] == "limit") {
            assert_eq!(limit["schema"]["type"], "integer", "{path}");
            assert_eq!(limit["schema"]["minimum"], 1, "{path}");
            assert_eq!(limit["schema"]["maximum"], 500, "{path}");
        }
        let ok = &op["responses"]["200"];
        assert!(
            ok["content"]["application/json"]["schema"]["$ref"].is_string(),
            "{path}"
        );
        assert_eq!(ok["content"]["text/csv"].is_object(), csv, "{path}");
        // A CSV export is the whole range: no cursor header.
        assert!(ok["headers"]["x-next-cursor"].is_null(), "{path}");
        for status in ["400", "401", "404"] {
            assert!(op["responses"][status].is_object(), "{path} {status}");
        }
    }

    // Every schema the document refers to is in it.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            schemas.contains_key(name),
            "{name} is referred to but missing"
        );
    }
    // The report rows: calls, days, agents, numbers or hours of the week; any of them, since an
    // empty page is all five.
    let rows: &Value = &schemas["ReportRows"]["anyOf"];
    assert_eq!(rows.as_array().unwrap().len(), 5);
    for stat in [
        "service_level",
        "measured_calls",
        "abandon_rate",
        "callback_p90_ms",
    ] {
        assert!(
            schemas["CallStats"]["properties"][stat].is_object(),
            "{stat} is documented"
        );
    }
}
