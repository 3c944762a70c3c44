//! Tampering and garbage: every altered byte or character fails to open, and no input panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use crypto::{CryptoError, Keyring};

const AAD: &[u8] = b"victorysync/credentials/v1\0org\0provider";
const ALPHABET: &str =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \0\u{e9}";

fn keyring() -> Keyring {
    Keyring::from_json(&format!(
        r#"{{"active":"k1","keys":{{"k1":"{}","k2":"{}"}}}}"#,
        STANDARD.encode([1u8; 32]),
        STANDARD.encode([2u8; 32])
    ))
    .unwrap()
}

fn assemble(key_id: &str, nonce: &[u8], ciphertext: &[u8]) -> String {
    format!(
        "v1.{key_id}.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(ciphertext)
    )
}

#[test]
fn every_bit_of_nonce_and_ciphertext_is_authenticated() {
    let ring = keyring();
    let sealed = ring.seal(b"client_secret=s3cr3t", AAD).unwrap();
    let parts: Vec<&str> = sealed.split('.').collect();
    let nonce = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    let ciphertext = URL_SAFE_NO_PAD.decode(parts[3]).unwrap();
    assert_eq!(assemble("k1", &nonce, &ciphertext), sealed);

    let mut attempts = 0;
    for index in 0..nonce.len() {
        for bit in 0..8 {
            let mut altered = nonce.clone();
            altered[index] ^= 1 << bit;
            let text = assemble("k1", &altered, &ciphertext);
            assert_eq!(ring.open(&text, AAD), Err(CryptoError::Authentication));
            attempts += 1;
        }
    }
    for index in 0..ciphertext.len() {
        for bit in 0..8 {
            let mut altered = ciphertext.clone();
            altered[index] ^= 1 << bit;
            let text = assemble("k1", &nonce, &altered);
            assert_eq!(ring.open(&text, AAD), Err(CryptoError::Authentication));
            attempts += 1;
        }
    }
    assert_eq!(attempts, (12 + 20 + 16) * 8);
}

#[test]
fn every_character_of_the_text_form_matters() {
    let ring = keyring();
    let sealed = ring.seal(b"client_secret=s3cr3t", AAD).unwrap();
    assert!(ring.open(&sealed, AAD).is_ok());
    let chars: Vec<char> = sealed.chars().collect();
    for position in 0..chars.len() {
        for replacement in ALPHABET.chars().filter(|c| *c != chars[position]) {
            let mut altered = chars.clone();
            altered[position] = replacement;
            let text: String = altered.into_iter().collect();
            assert!(
                ring.open(&text, AAD).is_err(),
                "position {position} -> {replacement:?} opened: {text}"
            );
        }
        // Dropping or duplicating a character must fail too.
        let mut removed = chars.clone();
        removed.remove(position);
        assert!(ring.open(&removed.iter().collect::<String>(), AAD).is_err());
        let mut doubled = chars.clone();
        doubled.insert(position, chars[position]);
        assert!(ring.open(&doubled.iter().collect::<String>(), AAD).is_err());
    }
    for length in 0..sealed.len() {
        assert!(ring.open(&sealed[..length], AAD).is_err());
    }
    assert!(ring.open(&format!("{sealed}A"), AAD).is_err());
    assert!(ring.open(&format!("{sealed}."), AAD).is_err());
}

#[test]
fn relabeling_to_another_held_key_fails() {
    let ring = keyring();
    let sealed = ring.seal(b"token", AAD).unwrap();
    let relabeled = sealed.replacen(".k1.", ".k2.", 1);
    assert_eq!(ring.open(&relabeled, AAD), Err(CryptoError::Authentication));
}

#[test]
fn garbage_is_malformed_and_never_panics() {
    let ring = keyring();
    let nonce = URL_SAFE_NO_PAD.encode([0u8; 12]);
    let tag = URL_SAFE_NO_PAD.encode([0u8; 16]);
    let garbage = [
        String::new(),
        ".".into(),
        "...".into(),
        "....".into(),
        "v1".into(),
        "v1.k1".into(),
        "v1.k1.".into(),
        format!("v1.k1.{nonce}"),
        format!("v1.k1.{nonce}."),
        format!("v1.k1..{tag}"),
        format!("v1..{nonce}.{tag}"),
        format!("v2.k1.{nonce}.{tag}"),
        format!("V1.k1.{nonce}.{tag}"),
        format!(".k1.{nonce}.{tag}"),
        format!("v1.k1.{nonce}.{tag}.extra"),
        format!("v1.k1.{nonce}.{tag}."),
        format!("v1.k.1.{nonce}.{tag}"),
        format!("v1.k1!.{nonce}.{tag}"),
        format!("v1.{}.{nonce}.{tag}", "k".repeat(65)),
        format!("v1.k1.{}.{tag}", URL_SAFE_NO_PAD.encode([0u8; 11])),
        format!("v1.k1.{}.{tag}", URL_SAFE_NO_PAD.encode([0u8; 13])),
        format!("v1.k1.{}.{tag}", STANDARD.encode([0xffu8; 12])),
        format!("v1.k1.{nonce}=.{tag}"),
        format!("v1.k1.{nonce}.{tag}=="),
        format!("v1.k1.{nonce}.{tag} "),
        format!("v1.k1.{nonce}.not*base64"),
        format!("v1.k1.{nonce}.{}", URL_SAFE_NO_PAD.encode([0u8; 15])),
        format!("v1.k1.{nonce}.A"),
        format!("v1.k1.{nonce}.{}B", &tag[..tag.len() - 1]),
        format!("v1.k\u{e9}.{nonce}.{tag}"),
        "\0\0\0".into(),
        "v1.k1.\u{1f600}\u{1f600}.\u{1f600}".into(),
        "{\"not\":\"sealed\"}".into(),
    ];
    for text in &garbage {
        match ring.open(text, AAD) {
            Err(CryptoError::Malformed(reason)) => assert!(!reason.is_empty()),
            other => panic!("{text:?} gave {other:?}"),
        }
        assert!(ring.needs_rotation(text), "{text:?}");
        assert!(matches!(
            ring.reseal(text, AAD),
            Err(CryptoError::Malformed(_))
        ));
    }
}

#[test]
fn well_formed_but_forged_values_fail_authentication() {
    let ring = keyring();
    let nonce = URL_SAFE_NO_PAD.encode([0u8; 12]);
    for body in [[0u8; 16].as_slice(), &[7u8; 40]] {
        let text = format!("v1.k1.{nonce}.{}", URL_SAFE_NO_PAD.encode(body));
        assert_eq!(ring.open(&text, AAD), Err(CryptoError::Authentication));
    }
}
