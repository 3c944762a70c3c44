//! The migrate function's sample events parse into the operations they name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use migrate::Action;

fn sample(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../events/migrate")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn samples_name_their_operation_and_unknown_events_are_refused() {
    assert!(matches!(
        Action::from_event(sample("run.json")),
        Ok(Action::Migrate)
    ));
    assert!(matches!(
        Action::from_event(sample("reseal-credentials.json")),
        Ok(Action::ResealCredentials)
    ));
    let err = Action::from_event(serde_json::json!({ "action": "drop_everything" }))
        .err()
        .unwrap();
    assert!(err.to_string().contains("unknown command"), "{err}");
    assert!(matches!(Action::from_arg(None), Ok(Action::Migrate)));
    assert!(Action::from_arg(Some("--force")).is_err());
}
