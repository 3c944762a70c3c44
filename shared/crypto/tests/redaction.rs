//! Secrets stay out of error messages and Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use crypto::{Binding, Keyring};

const PLAINTEXT: &str = "client_secret=hunter2-very-secret";

fn key_bytes() -> [u8; 32] {
    std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(11))
}

/// Forms a leaked key could take: base64 and fragments of it, and the raw bytes as text.
fn secrets() -> Vec<String> {
    let b64 = STANDARD.encode(key_bytes());
    vec![
        b64.clone(),
        b64[..12].to_owned(),
        b64[20..32].to_owned(),
        format!("{:?}", key_bytes()),
        format!("{:?}", &key_bytes()[..4]),
        PLAINTEXT.to_owned(),
        "hunter2".to_owned(),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} leaks {secret:?}: {text}");
    }
}

#[test]
fn keyring_debug_shows_ids_only() {
    let b64 = STANDARD.encode(key_bytes());
    let ring =
        Keyring::from_json(&format!(r#"{{"active":"k1","keys":{{"k1":"{b64}"}}}}"#)).unwrap();
    assert_clean("Keyring Debug", &format!("{ring:?}"));
    assert_clean("Keyring Debug", &format!("{ring:#?}"));
}

#[test]
fn keyring_errors_do_not_echo_key_material() {
    let b64 = STANDARD.encode(key_bytes());
    let no_pad = STANDARD_NO_PAD.encode(key_bytes());
    let short = STANDARD.encode(&key_bytes()[..31]);
    let jsons = [
        // Key where a key id belongs (fields swapped).
        format!(r#"{{"active":"{b64}","keys":{{"k1":"{b64}"}}}}"#),
        format!(r#"{{"active":"k1","keys":{{"{b64}":"k1"}}}}"#),
        // Key where an object belongs, or as a bare string.
        format!(r#"{{"active":"k1","keys":"{b64}"}}"#),
        format!(r#""{b64}""#),
        format!(r#"["{b64}"]"#),
        format!(r#"{{"{b64}":1}}"#),
        // Broken JSON around a key.
        format!(r#"{{"active":"k1","keys":{{"k1":"{b64}"#),
        format!(r#"{{"active":"k1","keys":{{"k1":{b64}}}}}"#),
        // Bad key encodings.
        format!(r#"{{"active":"k1","keys":{{"k1":"{no_pad}"}}}}"#),
        format!(r#"{{"active":"k1","keys":{{"k1":"{short}"}}}}"#),
        format!(r#"{{"active":"k1","keys":{{"k1":"{b64}!"}}}}"#),
        format!(r#"{{"active":"k2","keys":{{"k1":"{b64}"}}}}"#),
    ];
    for json in &jsons {
        let err = Keyring::from_json(json).unwrap_err();
        assert_clean("KeyringError Display", &err.to_string());
        assert_clean("KeyringError Debug", &format!("{err:?}"));
    }
}

#[test]
fn crypto_errors_do_not_echo_plaintext_or_key() {
    let b64 = STANDARD.encode(key_bytes());
    let ring =
        Keyring::from_json(&format!(r#"{{"active":"k1","keys":{{"k1":"{b64}"}}}}"#)).unwrap();
    let other = Keyring::from_json(&format!(
        r#"{{"active":"k2","keys":{{"k2":"{}"}}}}"#,
        STANDARD.encode([9u8; 32])
    ))
    .unwrap();
    let binding = Binding::new("org", "provider").unwrap();
    let sealed = ring.seal(PLAINTEXT.as_bytes(), binding.as_bytes()).unwrap();
    assert_clean("sealed text", &sealed);

    let wrong = Binding::new("org", "other").unwrap();
    let errors = [
        ring.open(&sealed, wrong.as_bytes()).unwrap_err(),
        other.open(&sealed, binding.as_bytes()).unwrap_err(),
        ring.open(PLAINTEXT, binding.as_bytes()).unwrap_err(),
        ring.open(&b64, binding.as_bytes()).unwrap_err(),
        ring.open(&format!("v1.k1.{b64}.{b64}"), binding.as_bytes())
            .unwrap_err(),
        ring.reseal(&sealed, wrong.as_bytes()).unwrap_err(),
        Binding::new(PLAINTEXT, "a\0b").unwrap_err(),
    ];
    for err in &errors {
        assert_clean("CryptoError Display", &err.to_string());
        assert_clean("CryptoError Debug", &format!("{err:?}"));
    }
}
