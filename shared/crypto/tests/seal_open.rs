//! Sealing and opening: round trips, nonce freshness, AAD binding, unknown keys, the Binding bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto::{Binding, CryptoError, KeyId, Keyring, Sealed};

const ORG: &str = "0b6f7a52-4c1e-4e8a-9d3b-2f1c5e7a9b10";
const OTHER_ORG: &str = "7d2e9c14-1a3b-4f5e-8c6d-0e1f2a3b4c5d";

fn keyring(active: &str, ids: &[(&str, u8)]) -> Keyring {
    let keys: Vec<String> = ids
        .iter()
        .map(|(id, fill)| format!("\"{id}\":\"{}\"", STANDARD.encode([*fill; 32])))
        .collect();
    Keyring::from_json(&format!(
        "{{\"active\":\"{active}\",\"keys\":{{{}}}}}",
        keys.join(",")
    ))
    .unwrap()
}

fn aad(org: &str, provider: &str) -> Binding {
    Binding::new(org, provider).unwrap()
}

#[test]
fn round_trip_for_various_plaintexts() {
    let ring = keyring("k1", &[("k1", 1)]);
    let binding = aad(ORG, "mightycall");
    let large: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    for plaintext in [
        &b""[..],
        b"x",
        br#"{"client_id":"abc","client_secret":"s3cr3t"}"#,
        &[0u8, 255, 0, 10, 13],
        &large,
    ] {
        let sealed = ring.seal(plaintext, binding.as_bytes()).unwrap();
        let opened = ring.open(&sealed, binding.as_bytes()).unwrap();
        assert_eq!(opened.as_slice(), plaintext);
    }
}

#[test]
fn text_form_is_v1_key_id_nonce_ciphertext() {
    let ring = keyring("2025-06_a", &[("2025-06_a", 1)]);
    let sealed = ring.seal(b"secret", b"aad").unwrap();
    let parts: Vec<&str> = sealed.split('.').collect();
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0], "v1");
    assert_eq!(parts[1], "2025-06_a");
    assert_eq!(
        parts[2].len(),
        16,
        "12-byte nonce is 16 base64url characters"
    );
    // 6 bytes of plaintext + 16 of tag = 22 bytes = 30 unpadded characters.
    assert_eq!(parts[3].len(), 30);
    assert!(
        sealed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    );

    let parsed = Sealed::parse(&sealed).unwrap();
    assert_eq!(parsed.key_id().as_str(), "2025-06_a");
    assert_eq!(parsed.to_string(), sealed);
}

#[test]
fn thousand_seals_of_the_same_plaintext_are_all_different() {
    let ring = keyring("k1", &[("k1", 1)]);
    let mut nonces = HashSet::new();
    let mut texts = HashSet::new();
    for _ in 0..1000 {
        let sealed = ring.seal(b"same plaintext", b"same aad").unwrap();
        nonces.insert(sealed.split('.').nth(2).unwrap().to_owned());
        texts.insert(sealed);
    }
    assert_eq!(nonces.len(), 1000);
    assert_eq!(texts.len(), 1000);
}

#[test]
fn moving_a_value_to_another_org_or_provider_fails() {
    let ring = keyring("k1", &[("k1", 1)]);
    let sealed = ring
        .seal(b"token", aad(ORG, "mightycall").as_bytes())
        .unwrap();
    for (org, provider) in [
        (OTHER_ORG, "mightycall"),
        (ORG, "hubspot"),
        (OTHER_ORG, "hubspot"),
        (&ORG.to_uppercase(), "mightycall"),
    ] {
        assert_eq!(
            ring.open(&sealed, aad(org, provider).as_bytes()),
            Err(CryptoError::Authentication),
            "{org}/{provider}"
        );
    }
    assert_eq!(ring.open(&sealed, b""), Err(CryptoError::Authentication));
    assert!(
        ring.open(&sealed, aad(ORG, "mightycall").as_bytes())
            .is_ok()
    );
}

#[test]
fn unknown_key_id_fails_clearly() {
    let writer = keyring("old", &[("old", 1)]);
    let reader = keyring("new", &[("new", 2)]);
    let sealed = writer.seal(b"token", b"aad").unwrap();
    let err = reader.open(&sealed, b"aad").unwrap_err();
    assert_eq!(err, CryptoError::UnknownKey(KeyId::parse("old").unwrap()));
    assert_eq!(
        err.to_string(),
        "sealed value names key id old, which is not in the keyring"
    );
}

#[test]
fn same_key_id_with_different_key_bytes_fails_authentication() {
    let writer = keyring("k1", &[("k1", 1)]);
    let reader = keyring("k1", &[("k1", 2)]);
    let sealed = writer.seal(b"token", b"aad").unwrap();
    assert_eq!(
        reader.open(&sealed, b"aad"),
        Err(CryptoError::Authentication)
    );
}

#[test]
fn binding_bytes_are_documented_layout() {
    assert_eq!(
        aad(ORG, "mightycall").as_bytes(),
        format!("victorysync/credentials/v1\0{ORG}\0mightycall").as_bytes()
    );
}

#[test]
fn binding_rejects_empty_and_nul_parts() {
    for (org, provider, field) in [
        ("", "mightycall", "org_id"),
        ("a\0b", "mightycall", "org_id"),
        (ORG, "", "provider"),
        (ORG, "x\0", "provider"),
    ] {
        assert_eq!(
            Binding::new(org, provider),
            Err(CryptoError::InvalidBinding { field })
        );
    }
}
