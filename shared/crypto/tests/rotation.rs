//! Key rotation: old rows still open after a new key becomes active, and a re-encrypt pass
//! moves every row to the active key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto::{Binding, CryptoError, Keyring, Sealed};

/// A stand-in for a credentials row: the AAD is rebuilt from the row, the ciphertext stored.
struct Row {
    org_id: String,
    provider: &'static str,
    plaintext: Vec<u8>,
    sealed: String,
}

impl Row {
    fn binding(&self) -> Binding {
        Binding::new(&self.org_id, self.provider).unwrap()
    }
}

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

fn key_id(sealed: &str) -> String {
    Sealed::parse(sealed).unwrap().key_id().as_str().to_owned()
}

/// Rows sealed over time: ten under k1, then five under k2.
fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for (ring, count) in [
        (keyring("k1", &[("k1", 1)]), 10),
        (keyring("k2", &[("k1", 1), ("k2", 2)]), 5),
    ] {
        for i in 0..count {
            let mut row = Row {
                org_id: format!("00000000-0000-4000-8000-{:012}", rows.len()),
                provider: if i % 2 == 0 { "mightycall" } else { "hubspot" },
                plaintext: format!("secret number {}", rows.len()).into_bytes(),
                sealed: String::new(),
            };
            row.sealed = ring.seal(&row.plaintext, row.binding().as_bytes()).unwrap();
            rows.push(row);
        }
    }
    rows
}

#[test]
fn rows_under_old_keys_still_open_after_rotation() {
    let rows = rows();
    let ring = keyring("k3", &[("k1", 1), ("k2", 2), ("k3", 3)]);
    for row in &rows {
        let opened = ring.open(&row.sealed, row.binding().as_bytes()).unwrap();
        assert_eq!(opened.as_slice(), row.plaintext);
        assert!(ring.needs_rotation(&row.sealed));
    }
    assert_eq!(ring.active_key_id().as_str(), "k3");
    let fresh = ring.seal(b"new row", b"aad").unwrap();
    assert_eq!(key_id(&fresh), "k3");
    assert!(!ring.needs_rotation(&fresh));
}

#[test]
fn re_encrypt_pass_moves_every_row_to_the_active_key() {
    let mut rows = rows();
    let ring = keyring("k3", &[("k1", 1), ("k2", 2), ("k3", 3)]);

    // The job a function would run over the table.
    let mut moved = 0;
    for row in &mut rows {
        if ring.needs_rotation(&row.sealed) {
            row.sealed = ring.reseal(&row.sealed, row.binding().as_bytes()).unwrap();
            moved += 1;
        }
    }
    assert_eq!(moved, 15);
    assert!(rows.iter().all(|row| !ring.needs_rotation(&row.sealed)));

    // With the old keys gone, every row still opens.
    let only_new = keyring("k3", &[("k3", 3)]);
    for row in &rows {
        assert_eq!(key_id(&row.sealed), "k3");
        let opened = only_new
            .open(&row.sealed, row.binding().as_bytes())
            .unwrap();
        assert_eq!(opened.as_slice(), row.plaintext);
    }

    // A second pass finds nothing to do.
    assert!(rows.iter().all(|row| !only_new.needs_rotation(&row.sealed)));
}

#[test]
fn reseal_keeps_the_binding_and_refuses_the_wrong_one() {
    let rows = rows();
    let ring = keyring("k3", &[("k1", 1), ("k2", 2), ("k3", 3)]);
    let row = &rows[0];
    let other = &rows[1];
    assert_eq!(
        ring.reseal(&row.sealed, other.binding().as_bytes()),
        Err(CryptoError::Authentication)
    );
    let resealed = ring.reseal(&row.sealed, row.binding().as_bytes()).unwrap();
    assert_eq!(
        ring.open(&resealed, other.binding().as_bytes()),
        Err(CryptoError::Authentication)
    );
}

#[test]
fn removing_a_key_too_early_is_reported_per_row() {
    let rows = rows();
    let ring = keyring("k3", &[("k2", 2), ("k3", 3)]);
    let err = ring
        .reseal(&rows[0].sealed, rows[0].binding().as_bytes())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "sealed value names key id k1, which is not in the keyring"
    );
}

#[test]
fn reseal_under_the_active_key_changes_the_nonce() {
    let ring = keyring("k1", &[("k1", 1)]);
    let sealed = ring.seal(b"token", b"aad").unwrap();
    let resealed = ring.reseal(&sealed, b"aad").unwrap();
    assert_ne!(sealed, resealed);
    assert_eq!(ring.open(&resealed, b"aad").unwrap().as_slice(), b"token");
}
