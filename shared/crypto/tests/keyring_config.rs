//! Keyring configuration: what parses, and the precise error for each way it can be wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
use crypto::{KeyId, KeyIdError, Keyring, KeyringError};

fn key(fill: u8) -> String {
    STANDARD.encode([fill; 32])
}

fn id(text: &str) -> KeyId {
    KeyId::parse(text).unwrap()
}

fn err(json: &str) -> KeyringError {
    Keyring::from_json(json).unwrap_err()
}

#[test]
fn valid_keyring_parses() {
    let json = format!(
        "{{\n  \"keys\": {{ \"2025-01\": \"{}\", \"2025-06_b\": \"{}\" }},\n  \"active\": \"2025-06_b\"\n}}",
        key(1),
        key(2)
    );
    let ring = Keyring::from_json(&json).unwrap();
    assert_eq!(ring.active_key_id(), &id("2025-06_b"));
    assert_eq!(
        format!("{ring:?}"),
        r#"Keyring { active: "2025-06_b", key_ids: ["2025-01", "2025-06_b"] }"#
    );
}

#[test]
fn not_json() {
    for json in [
        "",
        "not json",
        "{",
        "{\"active\":\"k1\",",
        "{\"active\" \"k1\"}",
    ] {
        assert!(
            matches!(err(json), KeyringError::NotJson { .. }),
            "{json:?}"
        );
    }
    assert_eq!(
        err("{\"active\":\"k1\"} trailing"),
        KeyringError::NotJson {
            line: 1,
            column: 17
        }
    );
}

#[test]
fn wrong_shape() {
    let k = key(1);
    for json in [
        "[]".to_owned(),
        "\"k1\"".to_owned(),
        "null".to_owned(),
        format!("{{\"active\":1,\"keys\":{{\"k1\":\"{k}\"}}}}"),
        format!("{{\"active\":\"k1\",\"keys\":[\"{k}\"]}}"),
        format!("{{\"active\":\"k1\",\"keys\":\"{k}\"}}"),
        "{\"active\":\"k1\",\"keys\":{\"k1\":12345}}".to_owned(),
        format!("{{\"active\":\"k1\",\"keys\":{{\"k1\":\"{k}\"}},\"actve\":\"k1\"}}"),
    ] {
        assert!(
            matches!(err(&json), KeyringError::Shape { .. }),
            "{json:?}: {:?}",
            err(&json)
        );
    }
}

#[test]
fn missing_active() {
    let k = key(1);
    assert_eq!(
        err(&format!("{{\"keys\":{{\"k1\":\"{k}\"}}}}")),
        KeyringError::MissingActive
    );
    assert_eq!(
        err(&format!("{{\"active\":null,\"keys\":{{\"k1\":\"{k}\"}}}}")),
        KeyringError::MissingActive
    );
}

#[test]
fn invalid_active() {
    let k = key(1);
    assert_eq!(
        err(&format!("{{\"active\":\"\",\"keys\":{{\"k1\":\"{k}\"}}}}")),
        KeyringError::InvalidActive(KeyIdError::Empty)
    );
    assert_eq!(
        err(&format!(
            "{{\"active\":\"k 1\",\"keys\":{{\"k1\":\"{k}\"}}}}"
        )),
        KeyringError::InvalidActive(KeyIdError::InvalidChar { position: 1 })
    );
}

#[test]
fn missing_and_empty_keys() {
    assert_eq!(err("{\"active\":\"k1\"}"), KeyringError::MissingKeys);
    assert_eq!(
        err("{\"active\":\"k1\",\"keys\":null}"),
        KeyringError::MissingKeys
    );
    assert_eq!(
        err("{\"active\":\"k1\",\"keys\":{}}"),
        KeyringError::EmptyKeys
    );
}

#[test]
fn active_not_in_keys() {
    assert_eq!(
        err(&format!(
            "{{\"active\":\"k3\",\"keys\":{{\"k1\":\"{}\",\"k2\":\"{}\"}}}}",
            key(1),
            key(2)
        )),
        KeyringError::ActiveNotInKeys(id("k3"))
    );
}

#[test]
fn invalid_key_id_in_keys_names_the_entry() {
    assert_eq!(
        err(&format!(
            "{{\"active\":\"k1\",\"keys\":{{\"k1\":\"{}\",\"k.2\":\"{}\"}}}}",
            key(1),
            key(2)
        )),
        KeyringError::InvalidKeyId {
            entry: 2,
            source: KeyIdError::InvalidChar { position: 1 }
        }
    );
}

#[test]
fn duplicate_key_id() {
    assert_eq!(
        err(&format!(
            "{{\"active\":\"k1\",\"keys\":{{\"k1\":\"{}\",\"k1\":\"{}\"}}}}",
            key(1),
            key(2)
        )),
        KeyringError::DuplicateKeyId(id("k1"))
    );
}

#[test]
fn bad_base64() {
    let not_standard = [
        "not base64!".to_owned(),
        STANDARD_NO_PAD.encode([1u8; 32]),
        URL_SAFE.encode([0xfbu8; 32]),
        format!(" {}", key(1)),
        format!("{}\n", key(1)),
    ];
    for bad in not_standard {
        let json = format!(
            "{{\"active\":\"k1\",\"keys\":{{\"k1\":\"{}\"}}}}",
            bad.escape_default()
        );
        assert_eq!(err(&json), KeyringError::KeyNotBase64(id("k1")), "{bad:?}");
    }
}

#[test]
fn wrong_key_length() {
    for len in [0usize, 16, 24, 31, 33, 64] {
        let json = format!(
            "{{\"active\":\"k1\",\"keys\":{{\"k1\":\"{}\"}}}}",
            STANDARD.encode(vec![1u8; len])
        );
        assert_eq!(
            err(&json),
            KeyringError::KeyWrongLength {
                key_id: id("k1"),
                len
            }
        );
    }
}

#[test]
fn a_bad_retired_key_is_rejected_too() {
    let json = format!(
        "{{\"active\":\"new\",\"keys\":{{\"old\":\"{}\",\"new\":\"{}\"}}}}",
        STANDARD.encode([1u8; 16]),
        key(2)
    );
    assert_eq!(
        err(&json),
        KeyringError::KeyWrongLength {
            key_id: id("old"),
            len: 16
        }
    );
}

#[test]
fn key_id_rules() {
    for good in [
        "a",
        "Z",
        "0",
        "_",
        "-",
        "2025-06_rotation-B",
        &"x".repeat(64),
    ] {
        assert_eq!(KeyId::parse(good).unwrap().as_str(), good);
    }
    assert_eq!(KeyId::parse(""), Err(KeyIdError::Empty));
    assert_eq!(
        KeyId::parse(&"x".repeat(65)),
        Err(KeyIdError::TooLong { len: 65 })
    );
    for (bad, position) in [
        ("a.b", 1),
        ("a b", 1),
        ("/", 0),
        ("k\u{e9}y", 1),
        ("\u{e9}\u{e9}.", 0),
        ("ok\0", 2),
        ("k1\n", 2),
    ] {
        assert_eq!(
            KeyId::parse(bad),
            Err(KeyIdError::InvalidChar { position }),
            "{bad:?}"
        );
    }
}

#[test]
fn error_messages_are_clear() {
    assert_eq!(
        KeyringError::ActiveNotInKeys(id("k3")).to_string(),
        "keyring \"active\" key id k3 is not in \"keys\""
    );
    assert_eq!(
        KeyringError::KeyWrongLength {
            key_id: id("k1"),
            len: 31
        }
        .to_string(),
        "keyring key k1 decodes to 31 bytes; AES-256 needs exactly 32"
    );
    assert_eq!(
        err("{\"active\":\"k1\",\"keys\":{\"k1\":\"AAAA\",\"bad id\":\"AAAA\"}}").to_string(),
        "keyring key k1 decodes to 3 bytes; AES-256 needs exactly 32"
    );
    assert_eq!(
        err("{\"active\":\"k1\",\"keys\":{\"bad id\":\"AAAA\"}}").to_string(),
        "keyring \"keys\" entry #1 (counting from 1) has an invalid key id: key id has a character other than A-Z, a-z, 0-9, '_' or '-' at position 3"
    );
}
